import { Subscriber, lastValueFrom, map } from 'rxjs';
import { AuiProtocolError } from '../../../lib/errors';
import { fetchObservable } from '../../../lib/transports/http/fetch-observable';
import { FakeFetch } from '../../../lib/testing/fake-fetch';
import { createTestScheduler } from '../../helpers/marble-scheduler';

describe('fetchObservable', () => {
  it('is cold: no call before subscribe, one call per subscription', async () => {
    const fake = new FakeFetch().respondAlways({ status: 200, body: { ok: 1 } });
    const source = fetchObservable(fake.fetch, 'http://127.0.0.1/a', { method: 'GET' });
    expect(fake.calls).toHaveLength(0);
    await lastValueFrom(source);
    await lastValueFrom(source);
    expect(fake.calls).toHaveLength(2);
  });

  it('emits status, headers and the whole body text, then completes', async () => {
    const fake = new FakeFetch().respondWith({ status: 201, statusText: 'Created', headers: { 'x-a': 'b' }, body: { ok: 1 } });
    const response = await lastValueFrom(fetchObservable(fake.fetch, 'http://127.0.0.1/a', { method: 'POST' }));
    expect(response).toMatchObject({ status: 201, statusText: 'Created', type: 'basic', text: '{"ok":1}' });
    expect(response.headers.get('x-a')).toBe('b');
  });

  it('passes its own AbortSignal and aborts it on unsubscribe', () => {
    const fake = new FakeFetch().respondWith({ stall: true });
    const errors: unknown[] = [];
    const subscription = fetchObservable(fake.fetch, 'http://127.0.0.1/a', {}).subscribe({ error: (e: unknown) => errors.push(e) });
    const call = fake.calls[0];
    expect(call?.signal).toBeInstanceOf(AbortSignal);
    expect(call?.aborted).toBe(false);
    subscription.unsubscribe();
    expect(call?.aborted).toBe(true);
    expect(errors).toEqual([]); // an abort we asked for is not reported
  });

  it('does not abort after the response is complete', async () => {
    const fake = new FakeFetch().respondWith({ status: 200, body: '{}' });
    await lastValueFrom(fetchObservable(fake.fetch, 'http://127.0.0.1/a', {}));
    expect(fake.calls[0]?.aborted).toBe(false);
  });

  it('errors with the raw cause when fetch rejects or throws', async () => {
    const boom = new TypeError('fetch failed');
    const fake = new FakeFetch().respondWith({ networkError: boom });
    await expect(lastValueFrom(fetchObservable(fake.fetch, 'http://127.0.0.1/a', {}))).rejects.toBe(boom);
    const throwing = (() => {
      throw new RangeError('sync');
    }) as unknown as typeof fetch;
    await expect(lastValueFrom(fetchObservable(throwing, 'http://127.0.0.1/a', {}))).rejects.toThrow('sync');
  });

  it('errors when the body cannot be read', async () => {
    const response = new Response('x');
    await response.text(); // body already used
    const fake = new FakeFetch().respondWith(response);
    await expect(lastValueFrom(fetchObservable(fake.fetch, 'http://127.0.0.1/a', {}))).rejects.toThrow('Body is unusable');
  });

  it('makes no call for a subscriber that is already closed', () => {
    const fake = new FakeFetch().respondAlways({ status: 200, body: '{}' });
    const closed = new Subscriber<unknown>();
    closed.unsubscribe();
    fetchObservable(fake.fetch, 'http://127.0.0.1/a', {}).subscribe(closed);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('fetchObservable body limit (maxBodyBytes)', () => {
  const label = 'GET /api/v1/external/tasks/t1';
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

  /** A Response whose body arrives in exactly these chunks; records pulls and cancels. */
  function chunkedResponse(chunks: Uint8Array[], init: ResponseInit = {}) {
    const seen = { pulled: 0, cancelled: false };
    let i = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          seen.pulled++;
          const chunk = chunks[i++];
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
        cancel() {
          seen.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    return { response: new Response(stream, init), seen };
  }

  const expectLimitError = (error: unknown, limit: number, status: number): void => {
    expect(error).toBeInstanceOf(AuiProtocolError);
    expect((error as AuiProtocolError).message).toBe(`Response body exceeds limits.maxBodyBytes (${limit} bytes) (${label})`);
    expect(error).toMatchObject({ retryable: false, status, taskId: 't1' });
  };

  it('decodes UTF-8 split inside multi-byte characters across chunks', async () => {
    const whole = bytes('{"t":"é€😀中"}');
    const chunks = Array.from(whole, (b) => Uint8Array.of(b)); // one byte per chunk
    const { response } = chunkedResponse(chunks);
    const fake = new FakeFetch().respondWith(response);
    const got = await lastValueFrom(fetchObservable(fake.fetch, 'http://127.0.0.1/a', {}, { maxBodyBytes: whole.length, label }));
    expect(got.text).toBe('{"t":"é€😀中"}');
  });

  it('accepts a streamed body of exactly maxBodyBytes, refuses one byte more and cancels the stream', async () => {
    const { response: exact } = chunkedResponse([bytes('a'.repeat(6)), bytes('b'.repeat(4))]);
    const ok = await lastValueFrom(fetchObservable(new FakeFetch().respondWith(exact).fetch, 'http://127.0.0.1/a', {}, { maxBodyBytes: 10 }));
    expect(ok.text).toBe('aaaaaabbbb');

    const { response: over, seen } = chunkedResponse([bytes('a'.repeat(6)), bytes('b'.repeat(5)), bytes('never')], { status: 503 });
    const fake = new FakeFetch().respondWith(over);
    const error = await lastValueFrom(fetchObservable(fake.fetch, 'http://127.0.0.1/a', {}, { maxBodyBytes: 10, label, taskId: 't1' })).catch((e: unknown) => e);
    expectLimitError(error, 10, 503);
    expect(seen.cancelled).toBe(true);
    expect(seen.pulled).toBe(2); // the third chunk was never asked for
    expect(fake.calls[0]?.aborted).toBe(true);
  });

  it('counts bytes, not characters', async () => {
    const { response } = chunkedResponse([bytes('€€€€')]); // 4 characters, 12 bytes
    const error = await lastValueFrom(fetchObservable(new FakeFetch().respondWith(response).fetch, 'u', {}, { maxBodyBytes: 10, label, taskId: 't1' })).catch(
      (e: unknown) => e,
    );
    expectLimitError(error, 10, 200);
  });

  it('refuses a Content-Length above the limit before reading the body', async () => {
    const { response, seen } = chunkedResponse([bytes('x')], { headers: { 'content-length': '11' } });
    const fake = new FakeFetch().respondWith(response);
    const error = await lastValueFrom(fetchObservable(fake.fetch, 'u', {}, { maxBodyBytes: 10, label, taskId: 't1' })).catch((e: unknown) => e);
    expectLimitError(error, 10, 200);
    expect(seen.pulled).toBe(0);
    expect(fake.calls[0]?.aborted).toBe(true);
  });

  it('does not trust Content-Length of an encoded body: counts the decoded bytes instead', async () => {
    const { response } = chunkedResponse([bytes('12345')], { headers: { 'content-length': '99', 'content-encoding': 'gzip' } });
    const got = await lastValueFrom(fetchObservable(new FakeFetch().respondWith(response).fetch, 'u', {}, { maxBodyBytes: 10 }));
    expect(got.text).toBe('12345');
  });

  it('unsubscribing while the body is read aborts and cancels the stream', async () => {
    const seen = { cancelled: false };
    // A stream that never ends after its first chunk.
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes('a'));
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    const fake = new FakeFetch().respondWith(new Response(stalled));
    const subscription = fetchObservable(fake.fetch, 'u', {}, { maxBodyBytes: 10 }).subscribe();
    await new Promise((resolve) => setImmediate(resolve));
    subscription.unsubscribe();
    expect(fake.calls[0]?.aborted).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.cancelled).toBe(true);
  });

  it('checks the length of a body read with text() (no stream), in virtual time', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const fake = new FakeFetch({ scheduler }).respondWith(
        { status: 200, body: '€€€', delayMs: 3 }, // 9 bytes: at the limit
        { status: 500, body: '€€€€', delayMs: 3 }, // 12 bytes: above it
      );
      const source = fetchObservable(fake.fetch, 'u', {}, { maxBodyBytes: 9, label, taskId: 't1' });
      expectObservable(source.pipe(map((r) => r.text))).toBe('3ms (a|)', { a: '€€€' });
      expectObservable(source.pipe(map((r) => r.text))).toBe(
        '3ms #',
        undefined,
        expect.objectContaining({ constructor: AuiProtocolError, status: 500, message: `Response body exceeds limits.maxBodyBytes (9 bytes) (${label})` }),
      );
    });
  });

  it('has no limit by default', async () => {
    const fake = new FakeFetch().respondWith({ status: 200, body: 'x'.repeat(100_000) });
    await expect(lastValueFrom(fetchObservable(fake.fetch, 'u', {}))).resolves.toMatchObject({ text: 'x'.repeat(100_000) });
  });
});

import { Subscriber, lastValueFrom } from 'rxjs';
import { fetchObservable } from '../../../lib/transports/http/fetch-observable';
import { FakeFetch } from '../../../lib/testing/fake-fetch';

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

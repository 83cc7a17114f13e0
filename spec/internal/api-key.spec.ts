import { lastValueFrom, Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AuiTimeoutError, AuiValidationError } from '../../lib/errors';
import { ApiKeyReader, keyTimeoutError, type KeyRead } from '../../lib/internal/api-key';
import { refusal } from '../helpers/refusal';

const KEY = 'API_KEY_01APIKEY00000000000000';

/** `reader.read()` of a function returning a Promise: the Observable it gives. */
function later(read: KeyRead): Observable<string> {
  if (!(read instanceof Observable)) throw new Error(`expected an Observable, got ${String(read)}`);
  return read;
}

/** The error `key$` ends with. */
async function failure(key$: Observable<string>): Promise<AuiValidationError> {
  try {
    await lastValueFrom(key$);
  } catch (error) {
    if (error instanceof AuiValidationError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('ApiKeyReader', () => {
  it('a string: the same string on every read, synchronously', () => {
    const reader = new ApiKeyReader(KEY);
    expect(reader.read()).toBe(KEY);
    expect(reader.read('t1')).toBe(KEY);
    expect(reader.configured).toBe(true);
    expect(reader.lastKey).toBe(KEY);
  });

  it('no key: undefined, so nothing is sent', () => {
    const reader = new ApiKeyReader(undefined);
    expect(reader.read()).toBeUndefined();
    expect(reader.configured).toBe(false);
  });

  it('a function: called once per read, its string returned synchronously', () => {
    let calls = 0;
    const reader = new ApiKeyReader(() => {
      calls++;
      return KEY;
    });
    expect(reader.read()).toBe(KEY);
    expect(reader.read()).toBe(KEY);
    expect(calls).toBe(2);
  });

  it('accepts inner spaces and tabs, as an HTTP header value may have', () => {
    expect(new ApiKeyReader(() => 'a b\tc').read()).toBe('a b\tc');
  });

  it('refuses a function that throws (cause kept), or gives no string or a blank one', () => {
    const boom = new Error('vault down');
    const threw = refusal(() => new ApiKeyReader(() => { throw boom; }).read());
    expect(threw.cause).toBe(boom);
    expect(threw.message).toMatch(/no request was sent$/);
    for (const bad of ['', '   ', undefined, 42, null]) {
      const error = refusal(() => new ApiKeyReader(() => bad as never).read());
      expect(error.issues).toEqual([{ path: ['apiKey'], message: 'must return a non-empty string' }]);
    }
  });

  it.each([
    ['a line feed', `${KEY}\nX-Injected: 1`],
    ['a carriage return', `${KEY}\r`],
    ['a NUL', `${KEY}\u0000`],
    ['a non-ASCII character', `${KEY}é`],
    ['a leading space', ` ${KEY}`],
  ])('refuses a key with %s, without echoing it (function or string)', (_label, key) => {
    for (const source of [() => key, key]) {
      const error = refusal(() => new ApiKeyReader(source).read());
      expect(error.message).toBe('apiKey contains characters that are not allowed in an HTTP header; no request was sent');
      expect(error.retryable).toBe(false);
      expect(JSON.stringify(error)).not.toContain(KEY);
    }
  });

  it('sets the task id it is given on every refusal', () => {
    expect(refusal(() => new ApiKeyReader(() => 'a\nb').read('t1')).taskId).toBe('t1');
    expect(refusal(() => new ApiKeyReader(() => '').read('t1')).taskId).toBe('t1');
    expect(refusal(() => new ApiKeyReader(() => { throw new Error('x'); }).read('t1')).taskId).toBe('t1');
  });

  describe('a function returning a Promise', () => {
    it('gives an Observable of the key, which becomes the last key', async () => {
      const reader = new ApiKeyReader(() => Promise.resolve(KEY));
      await expect(lastValueFrom(later(reader.read()))).resolves.toBe(KEY);
      expect(reader.lastKey).toBe(KEY);
    });

    it('checks the key it resolves to like a returned one', async () => {
      const error = await failure(later(new ApiKeyReader(() => Promise.resolve(`${KEY}\r\nX: 1`)).read('t1')));
      expect(error).toMatchObject({ taskId: 't1', issues: [{ path: ['apiKey'], message: 'invalid header value' }] });
      expect(JSON.stringify(error) + error.message).not.toContain(KEY);
      const blank = await failure(later(new ApiKeyReader(() => Promise.resolve(' ')).read()));
      expect(blank.issues).toEqual([{ path: ['apiKey'], message: 'must return a non-empty string' }]);
    });

    it('a rejection is one AuiValidationError, the cause kept with the keys read so far redacted', async () => {
      let calls = 0;
      const reader = new ApiKeyReader(() => (++calls === 1 ? Promise.resolve(KEY) : Promise.reject(new Error(`refresh of ${KEY} failed`))));
      await lastValueFrom(later(reader.read()));
      const error = await failure(later(reader.read('t1')));
      expect(error).toMatchObject({ message: 'apiKey function rejected; no request was sent', taskId: 't1', retryable: false });
      expect(error.issues).toEqual([{ path: ['apiKey'], message: 'rejected' }]);
      expect((error.cause as Error).message).toBe('refresh of [redacted] failed');
    });

    it('a rejection nobody listens to is still handled (no unhandled rejection)', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): number => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        new ApiKeyReader(() => Promise.reject(new Error('down'))).read();
        const sub = later(new ApiKeyReader(() => Promise.reject(new Error('down'))).read()).subscribe({ error: () => undefined });
        sub.unsubscribe();
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
      expect(unhandled).toEqual([]);
    });

    it('unsubscribed before it settles: the key is dropped, nothing emitted', async () => {
      let resolve!: (key: string) => void;
      const key$ = later(new ApiKeyReader(() => new Promise<string>((r) => (resolve = r))).read());
      const seen: unknown[] = [];
      key$.subscribe({ next: (key) => seen.push(key), error: (e) => seen.push(e), complete: () => seen.push('complete') }).unsubscribe();
      resolve(KEY);
      await new Promise((r) => setImmediate(r));
      expect(seen).toEqual([]);
    });

    it('a thenable whose then throws is refused like a throwing function', () => {
      const thenable = { then: () => { throw new Error('bad thenable'); } };
      const error = refusal(() => new ApiKeyReader(() => thenable as unknown as PromiseLike<string>).read());
      expect(error.issues).toEqual([{ path: ['apiKey'], message: 'threw' }]);
    });

    it('with a deadline, a key that never comes errors with AuiTimeoutError at the deadline (virtual time)', () => {
      const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      scheduler.run(({ expectObservable }) => {
        const reader = new ApiKeyReader(() => new Promise<string>(() => undefined));
        const key$ = later(reader.read('t1', { ms: 30, phase: 'connect', scheduler }));
        expectObservable(key$).toBe('30ms #', undefined, keyTimeoutError(30, 'connect', 't1'));
      });
    });
  });
});

describe('keyTimeoutError', () => {
  it('names the deadline and what was not done, and is retryable', () => {
    const connect = keyTimeoutError(10_000, 'connect', 't1');
    expect(connect).toBeInstanceOf(AuiTimeoutError);
    expect(connect).toMatchObject({ phase: 'connect', taskId: 't1', retryable: true });
    expect(connect.message).toBe('apiKey function did not return a key within 10000 ms (timeouts.connectMs); no connection was opened');
    expect(keyTimeoutError(5, 'request').message).toBe('apiKey function did not return a key within 5 ms (timeouts.requestMs); no request was sent');
  });
});


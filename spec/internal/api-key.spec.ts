import { refusal } from '../helpers/refusal';
import { readApiKey } from '../../lib/internal/api-key';

const KEY = 'API_KEY_01APIKEY00000000000000';

describe('readApiKey', () => {
  it('returns the key the function gives, calling it once per read', () => {
    let calls = 0;
    const get = (): string => {
      calls++;
      return KEY;
    };
    expect(readApiKey(get)).toBe(KEY);
    expect(readApiKey(get)).toBe(KEY);
    expect(calls).toBe(2);
  });

  it('accepts inner spaces and tabs, as an HTTP header value may have', () => {
    expect(readApiKey(() => 'a b\tc')).toBe('a b\tc');
  });

  it('refuses a function that throws (cause kept), or gives no string or a blank one', () => {
    const boom = new Error('vault down');
    const threw = refusal(() => readApiKey(() => { throw boom; }));
    expect(threw.cause).toBe(boom);
    expect(threw.message).toMatch(/no request was sent$/);
    for (const bad of ['', '   ', undefined, 42, null]) {
      const error = refusal(() => readApiKey(() => bad as never));
      expect(error.issues).toEqual([{ path: ['apiKey'], message: 'must return a non-empty string' }]);
    }
  });

  it.each([
    ['a line feed', `${KEY}\nX-Injected: 1`],
    ['a carriage return', `${KEY}\r`],
    ['a NUL', `${KEY}\u0000`],
    ['a non-ASCII character', `${KEY}é`],
    ['a leading space', ` ${KEY}`],
  ])('refuses a key with %s, without echoing it', (_label, key) => {
    const error = refusal(() => readApiKey(() => key));
    expect(error.message).toBe('apiKey contains characters that are not allowed in an HTTP header; no request was sent');
    expect(error.retryable).toBe(false);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it('sets the task id it is given on every refusal', () => {
    expect(refusal(() => readApiKey(() => 'a\nb', 't1')).taskId).toBe('t1');
    expect(refusal(() => readApiKey(() => '', 't1')).taskId).toBe('t1');
    expect(refusal(() => readApiKey(() => { throw new Error('x'); }, 't1')).taskId).toBe('t1');
  });
});

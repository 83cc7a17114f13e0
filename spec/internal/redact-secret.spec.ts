import { REDACTED, redactSecret } from '../../lib/internal/redact-secret.js';

describe('redactSecret', () => {
  const key = 'API_KEY_01SECRETABCDEF';

  it('replaces every occurrence in a string', () => {
    expect(redactSecret(`bad key ${key}, really ${key}`, key)).toBe(`bad key ${REDACTED}, really ${REDACTED}`);
  });

  it('walks plain objects and arrays, keys included, without mutating the input', () => {
    const body = { detail: [{ msg: `key ${key} revoked`, loc: ['header', key] }], [key]: 1, n: 3, ok: true, nil: null };
    const out = redactSecret(body, key);
    expect(JSON.stringify(out)).not.toContain(key);
    expect(out).toEqual({ detail: [{ msg: `key ${REDACTED} revoked`, loc: ['header', REDACTED] }], [REDACTED]: 1, n: 3, ok: true, nil: null });
    expect(body.detail[0]?.msg).toContain(key);
  });

  it('leaves values alone when there is no secret or it is too short to search for', () => {
    const body = { text: 'a short k word' };
    expect(redactSecret(body, undefined)).toBe(body);
    expect(redactSecret(body, 'k')).toBe(body);
  });

  it('leaves class instances alone', () => {
    const date = new Date(0);
    expect(redactSecret(date, key)).toBe(date);
  });
});

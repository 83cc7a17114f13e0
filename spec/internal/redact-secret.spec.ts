import { REDACTED, redactCause, redactSecret, redactText } from '../../lib/internal/redact-secret.js';

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

  it('leaves values alone when there is no secret', () => {
    const body = { text: 'a short k word' };
    expect(redactSecret(body, undefined)).toBe(body);
    expect(redactSecret(body, '')).toBe(body);
  });

  it('redacts a key of any length, percent-encoded, form-encoded and in any letter case', () => {
    const short = 'k3y+/1';
    const text = `a ${short} b ${encodeURIComponent(short)} c ${new URLSearchParams({ k: short }).toString().slice(2)} d ${short.toUpperCase()}`;
    expect(redactText(text, short)).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED} d ${REDACTED}`);
  });

  it('redactCause copies an error whose message, stack or inner cause mentions the key, and keeps the others', () => {
    const clean = new Error('fine');
    expect(redactCause(clean, key)).toBe(clean);
    const inner = Object.assign(new Error(`inner ${key}`), { code: 'E_INNER' });
    const outer = Object.assign(new TypeError('fetch failed'), { cause: inner });
    const copy = redactCause(outer, key) as Error & { cause: Error & { code: string } };
    expect(copy).not.toBe(outer);
    expect([copy.name, copy.message, copy.cause.message, copy.cause.code]).toEqual(['TypeError', 'fetch failed', `inner ${REDACTED}`, 'E_INNER']);
    expect(String(copy.stack)).not.toContain(key);
    expect(redactCause(`text ${key}`, key)).toBe(`text ${REDACTED}`);
  });

  it('leaves class instances alone', () => {
    const date = new Date(0);
    expect(redactSecret(date, key)).toBe(date);
  });
});

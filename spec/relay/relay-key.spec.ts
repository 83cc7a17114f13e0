import { asyncScheduler, VirtualTimeScheduler } from 'rxjs';
import { ApiKeyReader } from '../../lib/internal/api-key.js';
import { AuiTimeoutError, AuiValidationError } from '../../lib/errors.js';
import { closeReason, readRelayKey, redactBytes } from '../../lib/relay/relay-key.js';

const KEY = 'API_KEY_01K+EY/9';

describe('readRelayKey', () => {
  it('reads a string, a function and a Promise-returning function', async () => {
    await expect(readRelayKey(new ApiKeyReader(KEY), 1_000, asyncScheduler, 'request')).resolves.toBe(KEY);
    await expect(readRelayKey(new ApiKeyReader(() => KEY), 1_000, asyncScheduler, 'request')).resolves.toBe(KEY);
    await expect(readRelayKey(new ApiKeyReader(() => Promise.resolve(KEY)), 1_000, asyncScheduler, 'request')).resolves.toBe(KEY);
  });

  it('rejects with an AuiValidationError (without the key) for no key or a bad one', async () => {
    await expect(readRelayKey(new ApiKeyReader(undefined), 1_000, asyncScheduler, 'request')).rejects.toBeInstanceOf(AuiValidationError);
    await expect(readRelayKey(new ApiKeyReader(() => 'bad\nkey'), 1_000, asyncScheduler, 'request')).rejects.toBeInstanceOf(AuiValidationError);
    const error = await readRelayKey(new ApiKeyReader(() => Promise.reject(new Error(`no ${KEY}`))), 1_000, asyncScheduler, 'request').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuiValidationError);
  });

  it('gives up on a key that never comes after waitMs on the scheduler (AuiTimeoutError)', async () => {
    const scheduler = new VirtualTimeScheduler();
    const pending = readRelayKey(new ApiKeyReader(() => new Promise<string>(() => undefined)), 5_000, scheduler, 'connect');
    scheduler.flush();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuiTimeoutError);
    expect(error).toMatchObject({ kind: 'timeout', phase: 'connect' });
  });
});

describe('redactBytes', () => {
  it('returns the same Buffer when the key is not in it (no copy)', () => {
    const bytes = Buffer.from('{"text":"héllo wörld ✓"}');
    expect(redactBytes(bytes, KEY)).toBe(bytes);
    expect(redactBytes(bytes, undefined)).toBe(bytes);
  });

  it('replaces every form of the key and keeps the other bytes (UTF-8 included) as they were', () => {
    const text = `{"a":"${KEY}","b":"${encodeURIComponent(KEY)}","c":"${KEY.toLowerCase()}","d":"✓ ü"}`;
    const out = redactBytes(Buffer.from(text), KEY);
    expect(out.toString()).toBe('{"a":"[redacted]","b":"[redacted]","c":"[redacted]","d":"✓ ü"}');
  });
});

describe('closeReason', () => {
  it('redacts and cuts to 123 bytes without splitting a character', () => {
    expect(closeReason(Buffer.from(`bad ${KEY}`), KEY)).toBe('bad [redacted]');
    const long = closeReason('é'.repeat(100), undefined);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(123);
    expect(long).toBe('é'.repeat(61));
  });
});

import { asyncScheduler, queueScheduler } from 'rxjs';
import { AuiValidationError } from '../lib/errors';
import { DEFAULT_BASE_URL, resolveOptions, type AuiClientOptions } from '../lib/options';

const KEY = 'API_KEY_01OPTIONS000000000';

function refusal(options: AuiClientOptions): AuiValidationError {
  try {
    resolveOptions(options);
  } catch (error) {
    if (error instanceof AuiValidationError) return error;
    throw error;
  }
  throw new Error('expected resolveOptions to refuse');
}

describe('resolveOptions', () => {
  it('applies every default', () => {
    const resolved = resolveOptions({ apiKey: KEY });
    expect(resolved).toMatchObject({
      baseUrl: DEFAULT_BASE_URL,
      wsUrl: 'wss://data-services.aui.io/api/ia-controller/api/v1/external/session',
      fetch: undefined,
      WebSocket: undefined,
      timeouts: { connectMs: 10_000, idleMs: 60_000, requestMs: 60_000 },
      maxConnections: 4,
      idleLingerMs: 15_000,
      allowInsecure: false,
    });
    expect(resolved.scheduler).toBe(asyncScheduler);
    expect(resolved.getApiKey()).toBe(KEY);
  });

  it('keeps a key function and calls it lazily', () => {
    let calls = 0;
    const resolved = resolveOptions({ apiKey: () => `${KEY}${++calls}` });
    expect(calls).toBe(0);
    expect([resolved.getApiKey(), resolved.getApiKey()]).toEqual([`${KEY}1`, `${KEY}2`]);
  });

  it('derives wsUrl from baseUrl (https→wss, http→ws) and drops a trailing slash', () => {
    expect(resolveOptions({ apiKey: KEY, baseUrl: 'https://azure.aui.io/api/ia-controller/' })).toMatchObject({
      baseUrl: 'https://azure.aui.io/api/ia-controller',
      wsUrl: 'wss://azure.aui.io/api/ia-controller/api/v1/external/session',
    });
    expect(resolveOptions({ apiKey: KEY, baseUrl: 'http://127.0.0.1:8080/api/ia-controller' }).wsUrl).toBe(
      'ws://127.0.0.1:8080/api/ia-controller/api/v1/external/session',
    );
  });

  it('takes explicit options as given', () => {
    const fetchImpl = (() => Promise.reject(new Error('unused'))) as typeof fetch;
    const resolved = resolveOptions({
      apiKey: KEY,
      wsUrl: 'wss://api.aui.io/ia-controller/api/v1/external/session',
      fetch: fetchImpl,
      scheduler: queueScheduler,
      timeouts: { requestMs: 5 },
      maxConnections: 1,
      idleLingerMs: 0,
    });
    expect(resolved).toMatchObject({ wsUrl: 'wss://api.aui.io/ia-controller/api/v1/external/session', maxConnections: 1, idleLingerMs: 0 });
    expect(resolved.timeouts).toEqual({ connectMs: 10_000, idleMs: 60_000, requestMs: 5, closeMs: 1000 });
    expect(resolved.fetch).toBe(fetchImpl);
    expect(resolved.scheduler).toBe(queueScheduler);
  });

  it.each(['http://localhost:3000', 'http://127.0.0.1', 'http://127.9.9.9:1', 'http://[::1]:80', 'http://api.localhost'])(
    'always allows clear text to loopback %s',
    (baseUrl) => {
      expect(() => resolveOptions({ apiKey: KEY, baseUrl })).not.toThrow();
    },
  );

  it('refuses clear text to other hosts unless allowInsecure', () => {
    expect(refusal({ apiKey: KEY, baseUrl: 'http://api.example.com' }).message).toMatch(/^baseUrl uses http:\/\/ to a non-loopback host/);
    expect(refusal({ apiKey: KEY, wsUrl: 'ws://10.0.0.1/session' }).issues).toEqual([{ path: ['wsUrl'], message: 'insecure protocol to a non-loopback host' }]);
    expect(refusal({ apiKey: KEY, baseUrl: 'http://128.0.0.1' })).toBeInstanceOf(AuiValidationError);
    expect(resolveOptions({ apiKey: KEY, baseUrl: 'http://api.example.com', allowInsecure: true }).wsUrl).toBe('ws://api.example.com/api/v1/external/session');
  });

  it.each([
    [{ apiKey: '' }, 'apiKey is required'],
    [{ apiKey: '   ' }, 'apiKey is required'],
    [{} as AuiClientOptions, 'apiKey is required'],
    [{ apiKey: KEY, baseUrl: 'not a url' }, 'baseUrl is not a valid URL'],
    [{ apiKey: KEY, baseUrl: 'ftp://example.com' }, 'baseUrl must use https:// or http://'],
    [{ apiKey: KEY, wsUrl: 'https://example.com' }, 'wsUrl must use wss:// or ws://'],
    [{ apiKey: KEY, baseUrl: 'https://user:pw@example.com' }, 'baseUrl must not contain credentials'],
    [{ apiKey: KEY, timeouts: { requestMs: 0 } }, 'timeouts.requestMs must be a positive number'],
    [{ apiKey: KEY, timeouts: { connectMs: Number.NaN } }, 'timeouts.connectMs must be a positive number'],
    [{ apiKey: KEY, timeouts: { idleMs: -1 } }, 'timeouts.idleMs must be a positive number'],
    [{ apiKey: KEY, maxConnections: 1.5 }, 'maxConnections must be an integer'],
    [{ apiKey: KEY, idleLingerMs: Number.POSITIVE_INFINITY }, 'idleLingerMs must be a positive number'],
    [{ apiKey: KEY, baseUrl: 'https://api.example.com/x?region=eu' }, 'baseUrl must not have a query or fragment'],
    [{ apiKey: KEY, baseUrl: 'https://api.example.com/x#frag' }, 'baseUrl must not have a query or fragment'],
    [{ apiKey: KEY, baseUrl: 'https://api.example.com/x?' }, 'baseUrl must not have a query or fragment'],
    [{ apiKey: KEY, baseUrl: 'https://api.example.com/#' }, 'baseUrl must not have a query or fragment'],
    [{ apiKey: KEY, wsUrl: 'wss://api.example.com/session?network_api_key=x' }, 'wsUrl must not have a query or fragment'],
    [{ apiKey: KEY, wsUrl: 'wss://api.example.com/session#x' }, 'wsUrl must not have a query or fragment'],
    [{ apiKey: KEY, timeouts: { requestMs: 3e9 } }, 'timeouts.requestMs must be at most 2147483647 ms'],
    [{ apiKey: KEY, timeouts: { connectMs: 2 ** 31 } }, 'timeouts.connectMs must be at most 2147483647 ms'],
    [{ apiKey: KEY, timeouts: { idleMs: Number.POSITIVE_INFINITY } }, 'timeouts.idleMs must be a positive number'],
    [{ apiKey: KEY, timeouts: { idleMs: '5' as never } }, 'timeouts.idleMs must be a positive number'],
    [{ apiKey: KEY, idleLingerMs: 2 ** 31 }, 'idleLingerMs must be at most 2147483647 ms'],
    [{ apiKey: KEY, limits: { maxPages: 0 } }, 'limits.maxPages must be a positive number'],
    [{ apiKey: KEY, limits: { maxBodyBytes: 1.5 } }, 'limits.maxBodyBytes must be an integer'],
    [{ apiKey: KEY, limits: { maxFrameBytes: Number.NaN } }, 'limits.maxFrameBytes must be a positive number'],
    [{ apiKey: KEY, limits: { maxReplyChars: Number.POSITIVE_INFINITY } }, 'limits.maxReplyChars must be a positive number'],
    [{ apiKey: KEY, limits: 5 as never }, 'limits must be an object'],
  ] as Array<[AuiClientOptions, string]>)('refuses %j: %s', (options, message) => {
    const error = refusal(options);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.issues?.length).toBe(1);
  });

  it('accepts timeouts up to 2^31−1 ms (the longest a timer can wait)', () => {
    const max = 2 ** 31 - 1;
    const resolved = resolveOptions({ apiKey: KEY, timeouts: { connectMs: max, idleMs: max, requestMs: max, closeMs: max }, idleLingerMs: max });
    expect(resolved.timeouts).toEqual({ connectMs: max, idleMs: max, requestMs: max, closeMs: max });
    expect(resolved.idleLingerMs).toBe(max);
  });

  it('applies the default limits, and takes the ones given', () => {
    expect(resolveOptions({ apiKey: KEY }).limits).toEqual({ maxFrameBytes: 8_388_608, maxReplyChars: 1_000_000, maxBodyBytes: 16_777_216, maxPages: 1_000 });
    expect(resolveOptions({ apiKey: KEY, limits: { maxPages: 3, maxBodyBytes: 1024 } }).limits).toEqual({
      maxFrameBytes: 8_388_608,
      maxReplyChars: 1_000_000,
      maxBodyBytes: 1024,
      maxPages: 3,
    });
  });

  it('never puts the key into a refusal', () => {
    const error = refusal({ apiKey: KEY, baseUrl: 'http://api.example.com' });
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(String(error)).not.toContain(KEY);
  });
});

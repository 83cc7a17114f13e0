import { AuiValidationError } from '../../lib/errors.js';
import { DEFAULT_RELAY_LIMITS, resolveRelayOptions, type AuiRelayOptions } from '../../lib/relay/relay-options.js';

const base: AuiRelayOptions = { apiKey: 'API_KEY_1', authorize: () => 'u1' };

const refusal = (options: unknown): unknown => {
  try {
    resolveRelayOptions(options as AuiRelayOptions);
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
};

describe('resolveRelayOptions', () => {
  it('applies the defaults: AUI upstream, no base path, no CORS, 4 sessions per user, a 60 s cache', () => {
    const o = resolveRelayOptions(base);
    expect(o.upstream.baseUrl).toBe('https://data-services.aui.io/api/ia-controller');
    expect(o.upstream.wsUrl).toBe('wss://data-services.aui.io/api/ia-controller/api/v1/external/session');
    expect(o.basePath).toBe('');
    expect(o.cors).toBeUndefined();
    expect(o.limits).toEqual(DEFAULT_RELAY_LIMITS);
    expect(o.limits.maxSessionsPerUser).toBe(4);
    expect(o.ownershipCache).toEqual({ ttlMs: 60_000, maxEntries: 10_000 });
  });

  it('normalises the base path and takes the upstream URLs the client takes', () => {
    const o = resolveRelayOptions({ ...base, basePath: '/aui/', baseUrl: 'http://127.0.0.1:9/x' });
    expect(o.basePath).toBe('/aui');
    expect(o.upstream.wsUrl).toBe('ws://127.0.0.1:9/x/api/v1/external/session');
    expect(resolveRelayOptions({ ...base, basePath: '/' }).basePath).toBe('');
  });

  it.each([
    ['no authorize', { apiKey: 'k' }, 'authorize'],
    ['no apiKey', { authorize: () => 'u' }, 'apiKey'],
    ['a blank apiKey', { ...base, apiKey: '  ' }, 'apiKey'],
    ['a relative base path', { ...base, basePath: 'aui' }, 'basePath'],
    ['a base path with a query', { ...base, basePath: '/aui?x' }, 'basePath'],
    ['a zero session limit', { ...base, limits: { maxSessionsPerUser: 0 } }, 'limits'],
    ['a fractional body limit', { ...base, limits: { maxBodyBytes: 1.5 } }, 'limits'],
    ['a negative cache TTL', { ...base, ownershipCache: { ttlMs: -1 } }, 'ownershipCache'],
    ['a CORS origin of the wrong type', { ...base, cors: { origin: 3 } }, 'cors'],
    ["CORS origin '*' with credentials", { ...base, cors: { origin: '*', credentials: true } }, 'cors'],
    ['an onLog that is no function', { ...base, onLog: 'log' }, 'onLog'],
    ['a clear-text upstream that is not loopback', { ...base, baseUrl: 'http://aui.example' }, 'baseUrl'],
  ])('refuses %s with an AuiValidationError', (_, options, path) => {
    const error = refusal(options);
    expect(error).toBeInstanceOf(AuiValidationError);
    expect((error as AuiValidationError).issues?.[0]?.path[0]).toBe(path);
  });

  it('never puts the key in a refusal', () => {
    const error = refusal({ ...base, apiKey: 'API_KEY_SECRET', baseUrl: 'http://aui.example' });
    expect(JSON.stringify(error) + String(error)).not.toContain('API_KEY_SECRET');
  });
});

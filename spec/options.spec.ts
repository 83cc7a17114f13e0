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
    expect(resolved.apiKey.read()).toBe(KEY);
  });

  it('keeps a key function and calls it lazily', () => {
    let calls = 0;
    const resolved = resolveOptions({ apiKey: () => `${KEY}${++calls}` });
    expect(calls).toBe(0);
    expect([resolved.apiKey.read(), resolved.apiKey.read()]).toEqual([`${KEY}1`, `${KEY}2`]);
  });

  it('takes a key function that returns a Promise (typed), and calls it lazily', () => {
    let calls = 0;
    const resolved = resolveOptions({ apiKey: async () => `${KEY}${++calls}` });
    expect(calls).toBe(0);
    expect(resolved.apiKey.configured).toBe(true);
  });

  it('takes no key for a baseUrl other than the default (a relay adds it)', () => {
    const resolved = resolveOptions({ baseUrl: 'https://app.example/aui' });
    expect(resolved.apiKey.configured).toBe(false);
    expect(resolved.apiKey.read()).toBeUndefined();
    expect(resolveOptions({ apiKey: undefined, baseUrl: 'http://127.0.0.1:9/aui' }).wsUrl).toBe('ws://127.0.0.1:9/aui/api/v1/external/session');
  });

  it('refuses no key with the default baseUrl (AUI itself always needs one: an unset variable, most likely)', () => {
    expect(refusal({}).message).toBe('apiKey is required with the default baseUrl (omit it only for a baseUrl that adds the key, such as an aui-rx/relay)');
    expect(refusal({ baseUrl: DEFAULT_BASE_URL }).issues).toEqual([{ path: ['apiKey'], message: 'required' }]);
  });

  describe('a relative baseUrl', () => {
    const g = globalThis as { document?: unknown };
    afterEach(() => delete g.document);

    it('in Node (no document): AuiValidationError that says why', () => {
      expect(g.document).toBeUndefined();
      for (const baseUrl of ['/aui', 'aui', './aui', '//']) {
        const error = refusal({ baseUrl });
        expect(error.message).toBe(
          'baseUrl is not an absolute URL: a relative baseUrl is resolved against the page (document.baseURI), so only in a browser; pass an absolute http(s) URL here',
        );
        expect(error.issues).toEqual([{ path: ['baseUrl'], message: 'relative URL outside a browser' }]);
      }
    });

    it.each([
      ['https://app.example/chat/index.html', '/aui', 'https://app.example/aui', 'wss://app.example/aui/api/v1/external/session'],
      ['https://app.example/chat/index.html', 'aui', 'https://app.example/chat/aui', 'wss://app.example/chat/aui/api/v1/external/session'],
      ['https://app.example/chat/', '../aui/', 'https://app.example/aui', 'wss://app.example/aui/api/v1/external/session'],
      ['http://localhost:4200/', '/api/aui', 'http://localhost:4200/api/aui', 'ws://localhost:4200/api/aui/api/v1/external/session'],
      ['https://app.example/?q=1#top', '/aui', 'https://app.example/aui', 'wss://app.example/aui/api/v1/external/session'],
    ])('in a browser page %s: %s → %s (wsUrl %s)', (page, baseUrl, resolvedBase, wsUrl) => {
      g.document = { baseURI: page };
      expect(resolveOptions({ baseUrl })).toMatchObject({ baseUrl: resolvedBase, wsUrl });
    });

    it('in a browser, the clear-text rule applies to the resolved URL', () => {
      g.document = { baseURI: 'http://intranet.example/app/' };
      expect(refusal({ baseUrl: '/aui' }).message).toMatch(/^baseUrl uses http:\/\/ to a non-loopback host/);
      expect(resolveOptions({ baseUrl: '/aui', allowInsecure: true }).wsUrl).toBe('ws://intranet.example/aui/api/v1/external/session');
    });

    it('in a browser, a relative baseUrl with a query is still refused, and wsUrl must stay absolute', () => {
      g.document = { baseURI: 'https://app.example/' };
      expect(refusal({ baseUrl: '/aui?x=1' }).message).toBe('baseUrl must not have a query or fragment');
      expect(refusal({ baseUrl: '/aui', wsUrl: '/aui/session' }).message).toBe('wsUrl is not a valid URL');
    });
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
    [{ apiKey: '' }, 'apiKey must be a non-empty string'],
    [{ apiKey: '   ' }, 'apiKey must be a non-empty string'],
    [{ apiKey: null as never, baseUrl: 'https://relay.example' }, 'apiKey must be a non-empty string'],
    [{} as AuiClientOptions, 'apiKey is required'],
    [{ apiKey: KEY, baseUrl: '' }, 'baseUrl is not a valid URL'],
    [{ apiKey: KEY, baseUrl: 'not a url' }, 'baseUrl is not an absolute URL'],
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

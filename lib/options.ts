/**
 * Client options, their defaults, and their validation.
 *
 * @packageDocumentation
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { AuiValidationError } from './errors.js';
import { ApiKeyReader } from './internal/api-key.js';
import { isLoopbackHost } from './internal/loopback.js';

/** The default REST base URL (GCP). */
export const DEFAULT_BASE_URL = 'https://data-services.aui.io/api/ia-controller';

/** The path of the WebSocket session endpoint, appended to the base URL. */
export const SESSION_PATH = '/api/v1/external/session';

/** The minimal WebSocket constructor aui-rx needs (the browser's, `ws`, or `MockWebSocket`). */
export interface WebSocketConstructorLike {
  /** Opens a socket to `url`; `options.headers` is honoured by `ws` in Node and ignored by browsers. */
  new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }): WebSocketLike;
}

/** The minimal WebSocket instance aui-rx uses: the standard browser API surface. */
export interface WebSocketLike {
  /** Connection state: 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** How binary frames are delivered (`blob`, `arraybuffer`, …); aui-rx sets `arraybuffer` where writable and decodes them as UTF-8 text. */
  binaryType?: string;
  /** Sends one text frame (a JSON client frame). */
  send(data: string): void;
  /** Starts the closing handshake with an optional close code and reason. */
  close(code?: number, reason?: string): void;
  /** Adds a listener for `open`, `message`, `close` or `error`. */
  addEventListener(type: string, listener: (event: never) => void): void;
  /** Removes a listener added with `addEventListener`. */
  removeEventListener(type: string, listener: (event: never) => void): void;
}

/** Deadlines, in milliseconds, each finite and at most 2^31−1. All are measured on the client's scheduler. */
export interface AuiTimeouts {
  /**
   * Longest wait for a WebSocket to open.
   * @default 10000
   */
  readonly connectMs?: number;
  /**
   * Longest wait for the next frame of a turn, counted from the send and then from each frame.
   * @default 60000
   */
  readonly idleMs?: number;
  /**
   * Longest wait for a REST response (headers and body).
   * @default 60000
   */
  readonly requestMs?: number;
  /**
   * Longest wait, after the client starts closing a WebSocket (idle linger, unsubscribe, `close()`),
   * for the server to answer the close; a peer that does not answer is then dropped, so no socket or
   * timer outlives a close by more than this.
   * @default 1000
   */
  readonly closeMs?: number;
}

/**
 * Bounds on what one server may make the client hold (design.md §7). Past a limit the request or
 * socket is dropped with a non-retryable `AuiProtocolError`. Each is a positive integer.
 */
export interface AuiLimits {
  /**
   * Largest WebSocket frame accepted, in bytes.
   * @default 8388608 (8 MiB)
   */
  readonly maxFrameBytes?: number;
  /**
   * Longest reply text one turn may accumulate, in characters.
   * @default 1000000
   */
  readonly maxReplyChars?: number;
  /**
   * Largest REST response body, in bytes, counted while it is read and after decompression.
   * @default 16777216 (16 MiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * Most pages `listAllTasks` requests before it stops with an error.
   * @default 1000
   */
  readonly maxPages?: number;
}

/** The default {@link AuiLimits}. */
const DEFAULT_LIMITS: Required<AuiLimits> = {
  maxFrameBytes: 8 * 1024 * 1024,
  maxReplyChars: 1_000_000,
  maxBodyBytes: 16 * 1024 * 1024,
  maxPages: 1_000,
};

/** The longest delay a timer can wait: 2^31−1 ms (about 24.8 days); longer ones fire at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Options of {@link AuiClient}. */
export interface AuiClientOptions {
  /**
   * The network API key, or a function called on every request and every (re)connect to get it,
   * which may return a Promise (a short-lived key from your backend; awaited within
   * `timeouts.requestMs` for a request, `timeouts.connectMs` for a connection). Omit it when
   * `baseUrl` points at an `aui-rx/relay` that adds the key: then no `x-network-api-key` header and no
   * `network_api_key` query parameter is sent. Required with the default `baseUrl` (AUI itself).
   * @default undefined (no key is sent)
   */
  readonly apiKey?: string | (() => string | PromiseLike<string>) | undefined;
  /**
   * REST base URL; endpoint paths (`/api/v1/external/...`) are appended to it. No query or fragment.
   * In a browser it may be relative (`/aui`, `aui`): it is resolved against the page
   * (`document.baseURI`); in Node it must be absolute.
   * @default 'https://data-services.aui.io/api/ia-controller'
   */
  readonly baseUrl?: string;
  /**
   * Full WebSocket session URL (the key is added as a query parameter: no query or fragment here).
   * @default baseUrl with https→wss (http→ws) plus '/api/v1/external/session'
   */
  readonly wsUrl?: string;
  /**
   * The fetch implementation.
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch;
  /**
   * The WebSocket constructor.
   * @default the one from isomorphic-ws (`ws` in Node, the native one in browsers)
   */
  readonly WebSocket?: WebSocketConstructorLike;
  /**
   * The scheduler every delay (timeouts, idle linger) runs on; pass a TestScheduler in tests.
   * @default asyncScheduler
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Deadlines.
   * @default { connectMs: 10000, idleMs: 60000, requestMs: 60000, closeMs: 1000 }
   */
  readonly timeouts?: AuiTimeouts;
  /**
   * Most WebSocket connections open at once; further turns queue in order.
   * @default 4
   */
  readonly maxConnections?: number;
  /**
   * How long an idle socket stays open for reuse before it is closed with 1000 (0: close at once).
   * At most 2^31−1.
   * @default 15000
   */
  readonly idleLingerMs?: number;
  /**
   * Bounds on frame, reply and body sizes and on the pages `listAllTasks` walks.
   * @default { maxFrameBytes: 8388608, maxReplyChars: 1000000, maxBodyBytes: 16777216, maxPages: 1000 }
   */
  readonly limits?: AuiLimits;
  /**
   * Allow `http://` / `ws://` to hosts other than loopback (the key would travel in clear text).
   * @default false
   */
  readonly allowInsecure?: boolean;
}

/** Options with every default applied and every URL checked. @internal */
export interface ResolvedOptions {
  /** The one key reader (lib/internal/api-key.ts). */
  readonly apiKey: ApiKeyReader;
  readonly baseUrl: string;
  readonly wsUrl: string;
  readonly fetch: typeof fetch | undefined;
  readonly WebSocket: WebSocketConstructorLike | undefined;
  readonly scheduler: SchedulerLike;
  readonly timeouts: Required<AuiTimeouts>;
  readonly maxConnections: number;
  readonly idleLingerMs: number;
  readonly allowInsecure: boolean;
  readonly limits: Required<AuiLimits>;
}

/** The URL relative URLs are resolved against: the page's (`document.baseURI`, or a worker's `location`); none in Node. */
function pageUrl(): string | undefined {
  const g = globalThis as { document?: { baseURI?: unknown }; location?: { href?: unknown } };
  const base = g.document?.baseURI ?? g.location?.href;
  return typeof base === 'string' && base !== '' ? base : undefined;
}

/**
 * The error of an option that fails its check: `message` for the error, `issue` for its one issue,
 * whose path is the option's name (`timeouts.idleMs` → `['timeouts', 'idleMs']`).
 */
function invalid(name: string, message: string, issue: string): AuiValidationError {
  return new AuiValidationError(message, { issues: [{ path: name.split('.'), message: issue }] });
}

/** `value` as a URL; a relative one (baseUrl only) resolved against the page, when there is one. */
function parseUrl(name: string, value: string, relative: boolean): URL {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(name, `${name} is not a valid URL`, 'invalid URL');
  try {
    return new URL(value);
  } catch {
    // Not absolute: below, maybe relative.
  }
  const page = relative ? pageUrl() : undefined;
  if (relative && page === undefined) {
    throw invalid(
      name,
      `${name} is not an absolute URL: a relative ${name} is resolved against the page (document.baseURI), so only in a browser; pass an absolute http(s) URL here`,
      'relative URL outside a browser',
    );
  }
  try {
    return new URL(value, page);
  } catch {
    throw invalid(name, `${name} is not a valid URL`, 'invalid URL');
  }
}

function checkUrl(name: string, value: string, secure: string, insecure: string, allowInsecure: boolean, relative = false): URL {
  const url = parseUrl(name, value, relative);
  if (url.protocol !== secure && url.protocol !== insecure) {
    throw invalid(name, `${name} must use ${secure}// or ${insecure}//`, `unsupported protocol ${url.protocol}`);
  }
  if (url.protocol === insecure && !allowInsecure && !isLoopbackHost(url.hostname)) {
    throw invalid(
      name,
      `${name} uses ${insecure}// to a non-loopback host; the API key would travel in clear text (set allowInsecure to permit it)`,
      'insecure protocol to a non-loopback host',
    );
  }
  if (url.username || url.password) {
    throw invalid(name, `${name} must not contain credentials`, 'credentials in URL');
  }
  // `href` keeps an empty '?' or '#' that `search` and `hash` hide. Paths are appended to baseUrl
  // and the key's query parameter to wsUrl, so neither may carry a query or fragment.
  if (/[?#]/.test(url.href)) {
    throw invalid(name, `${name} must not have a query or fragment`, 'query or fragment in URL');
  }
  return url;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid(name, `${name} must be a positive number`, 'must be > 0');
  }
  return value;
}

/** A delay option: a positive number (or 0 when `zero` allows it) of at most {@link MAX_TIMEOUT_MS}. */
function delay(name: string, value: number | undefined, fallback: number, zero = false): number {
  if (zero && value === 0) return 0;
  const ms = positive(name, value, fallback);
  if (ms > MAX_TIMEOUT_MS) {
    throw invalid(name, `${name} must be at most ${MAX_TIMEOUT_MS} ms (2^31−1; a longer timer fires at once)`, `must be <= ${MAX_TIMEOUT_MS}`);
  }
  return ms;
}

/** A positive integer option. */
function count(name: string, value: number | undefined, fallback: number): number {
  const n = positive(name, value, fallback);
  if (!Number.isInteger(n)) {
    throw invalid(name, `${name} must be an integer`, 'integer');
  }
  return n;
}

function resolveLimits(limits: AuiLimits | undefined): Required<AuiLimits> {
  if (limits === undefined) return DEFAULT_LIMITS;
  if (typeof limits !== 'object' || limits === null) {
    throw invalid('limits', 'limits must be an object', 'must be an object');
  }
  return {
    maxFrameBytes: count('limits.maxFrameBytes', limits.maxFrameBytes, DEFAULT_LIMITS.maxFrameBytes),
    maxReplyChars: count('limits.maxReplyChars', limits.maxReplyChars, DEFAULT_LIMITS.maxReplyChars),
    maxBodyBytes: count('limits.maxBodyBytes', limits.maxBodyBytes, DEFAULT_LIMITS.maxBodyBytes),
    maxPages: count('limits.maxPages', limits.maxPages, DEFAULT_LIMITS.maxPages),
  };
}

/**
 * Applies defaults and checks every option. Throws {@link AuiValidationError} for a blank or
 * malformed key (or none with the default `baseUrl`), a malformed URL (or, outside a browser, a
 * relative one) or one with a query or fragment, clear-text transport to a non-loopback host
 * without `allowInsecure`, a timeout that is not finite or above 2^31−1 ms, or a limit that is not a
 * positive integer.
 * @internal
 */
export function resolveOptions(options: AuiClientOptions): ResolvedOptions {
  const { apiKey } = options ?? ({} as AuiClientOptions);
  if (apiKey !== undefined && typeof apiKey !== 'function' && (typeof apiKey !== 'string' || apiKey.trim() === '')) {
    throw invalid('apiKey', 'apiKey must be a non-empty string or a function returning one', 'required');
  }
  const allowInsecure = options.allowInsecure ?? false;
  const base = checkUrl('baseUrl', options.baseUrl ?? DEFAULT_BASE_URL, 'https:', 'http:', allowInsecure, true);
  const baseUrl = base.href.replace(/\/+$/, '');
  if (apiKey === undefined && baseUrl === DEFAULT_BASE_URL) {
    // AUI itself always needs the key: most likely an unset variable (`apiKey: process.env.…`).
    throw invalid('apiKey', 'apiKey is required with the default baseUrl (omit it only for a baseUrl that adds the key, such as an aui-rx/relay)', 'required');
  }
  const derivedWs = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}${baseUrl.slice(base.protocol.length)}${SESSION_PATH}`;
  const ws = checkUrl('wsUrl', options.wsUrl ?? derivedWs, 'wss:', 'ws:', allowInsecure);
  const t = options.timeouts ?? {};
  const maxConnections = count('maxConnections', options.maxConnections, 4);
  return {
    apiKey: new ApiKeyReader(apiKey),
    baseUrl,
    wsUrl: ws.href,
    fetch: options.fetch,
    WebSocket: options.WebSocket,
    scheduler: options.scheduler ?? asyncScheduler,
    timeouts: {
      connectMs: delay('timeouts.connectMs', t.connectMs, 10_000),
      idleMs: delay('timeouts.idleMs', t.idleMs, 60_000),
      requestMs: delay('timeouts.requestMs', t.requestMs, 60_000),
      closeMs: delay('timeouts.closeMs', t.closeMs, 1_000),
    },
    maxConnections,
    idleLingerMs: delay('idleLingerMs', options.idleLingerMs, 15_000, true),
    allowInsecure,
    limits: resolveLimits(options.limits),
  };
}

/**
 * Options of `createAuiRelay`, their defaults, and their validation. The upstream half (key, base
 * URL, session URL, timeouts, scheduler) is checked by the client's own option resolver, so a relay
 * accepts exactly the URLs an `AuiClient` accepts.
 *
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import type { SchedulerLike } from 'rxjs';
import { AuiValidationError } from '../errors.js';
import { resolveOptions, type AuiClientOptions, type AuiTimeouts, type ResolvedOptions } from '../options.js';
import type { AuiRelayLogEntry } from './relay-log.js';

/** The app's user id for a request, or `undefined` (or a rejection) when the request is not signed in. */
export type AuiRelayAuthorize = (req: IncomingMessage) => string | undefined | Promise<string | undefined>;

/** Which browser origins may call the relay from another origin (CORS); only set when the page is elsewhere. */
export interface AuiRelayCors {
  /**
   * An origin (`https://app.example.com`), a list of them, `'*'` for any (REST without credentials
   * only; WebSockets, which always carry cookies, are then same-origin only), or a predicate.
   */
  readonly origin: string | readonly string[] | ((origin: string) => boolean);
  /**
   * Answer `Access-Control-Allow-Credentials: true`, so the page may send cookies (not with origin `'*'`).
   * @default false
   */
  readonly credentials?: boolean;
  /**
   * How long a browser may cache a preflight answer, in seconds.
   * @default 600
   */
  readonly maxAgeSeconds?: number;
}

/** Bounds on what one browser (or the upstream) may make the relay hold. Each is a positive integer. */
export interface AuiRelayLimits {
  /**
   * Largest REST request body a browser may send, in bytes; past it: 413, nothing forwarded.
   * @default 1048576 (1 MiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * Largest REST response body taken from upstream, in bytes; past it: 502.
   * @default 16777216 (16 MiB)
   */
  readonly maxResponseBytes?: number;
  /**
   * Largest WebSocket frame a browser may send (a user message), in bytes; past it the socket closes with 1009.
   * @default 1048576 (1 MiB)
   */
  readonly maxMessageBytes?: number;
  /**
   * Largest WebSocket frame taken from upstream, in bytes; past it the session closes with 1009.
   * @default 8388608 (8 MiB)
   */
  readonly maxFrameBytes?: number;
  /**
   * WebSocket sessions one user may hold open at once (per relay process); one more is refused with 429.
   * @default 4
   */
  readonly maxSessionsPerUser?: number;
  /**
   * Bytes waiting to be written to one socket before the relay stops reading from the other one
   * (back-pressure); reading resumes when they are written.
   * @default 1048576 (1 MiB)
   */
  readonly maxBufferedBytes?: number;
}

/** How long the relay may remember which user owns a task. */
export interface AuiRelayOwnershipCache {
  /**
   * How long an answer is kept, in milliseconds (0: every request asks upstream).
   * @default 60000
   */
  readonly ttlMs?: number;
  /**
   * Most tasks remembered at once; the oldest is forgotten first.
   * @default 10000
   */
  readonly maxEntries?: number;
}

/** Options of {@link createAuiRelay}. */
export interface AuiRelayOptions {
  /** The network API key (or a function returning it, or a Promise of it), sent upstream only. */
  readonly apiKey: NonNullable<AuiClientOptions['apiKey']>;
  /** The app's user for a request: a user id, or `undefined` for 401. */
  readonly authorize: AuiRelayAuthorize;
  /**
   * The AUI REST base URL the relay forwards to.
   * @default 'https://data-services.aui.io/api/ia-controller'
   */
  readonly baseUrl?: string;
  /**
   * The AUI WebSocket session URL the relay connects to.
   * @default baseUrl with https→wss (http→ws) plus '/api/v1/external/session'
   */
  readonly wsUrl?: string;
  /**
   * Where the relay is mounted: it serves `${basePath}/api/v1/external/...` (e.g. `'/aui'`).
   * @default ''
   */
  readonly basePath?: string;
  /**
   * CORS for pages on another origin; without it no CORS header is sent.
   * @default undefined (same origin only)
   */
  readonly cors?: AuiRelayCors;
  /**
   * Called once per REST request and once per WebSocket session, when it ends (errors it throws are ignored).
   * @default undefined
   */
  readonly onLog?: (entry: AuiRelayLogEntry) => void;
  /**
   * Size and concurrency bounds.
   * @default { maxBodyBytes: 1048576, maxResponseBytes: 16777216, maxMessageBytes: 1048576, maxFrameBytes: 8388608, maxSessionsPerUser: 4, maxBufferedBytes: 1048576 }
   */
  readonly limits?: AuiRelayLimits;
  /**
   * The task-ownership cache.
   * @default { ttlMs: 60000, maxEntries: 10000 }
   */
  readonly ownershipCache?: AuiRelayOwnershipCache;
  /**
   * Upstream deadlines (`connectMs`, `requestMs`, `closeMs`; as for `AuiClient`).
   * @default { connectMs: 10000, requestMs: 60000, closeMs: 1000 }
   */
  readonly timeouts?: AuiTimeouts;
  /**
   * The scheduler every delay runs on, and whose `now()` is the cache's clock and the log's stopwatch.
   * @default asyncScheduler
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Allow `http://` / `ws://` upstream to hosts other than loopback.
   * @default false
   */
  readonly allowInsecure?: boolean;
}

/** The options with every default applied. @internal */
export interface ResolvedRelayOptions {
  readonly upstream: ResolvedOptions;
  readonly clientOptions: AuiClientOptions;
  readonly apiKey: AuiRelayOptions['apiKey'];
  readonly authorize: AuiRelayAuthorize;
  readonly basePath: string;
  readonly cors: AuiRelayCors | undefined;
  readonly onLog: ((entry: AuiRelayLogEntry) => void) | undefined;
  readonly limits: Required<AuiRelayLimits>;
  readonly ownershipCache: Required<AuiRelayOwnershipCache>;
  readonly scheduler: SchedulerLike;
}

/** The default {@link AuiRelayLimits}. */
export const DEFAULT_RELAY_LIMITS: Required<AuiRelayLimits> = {
  maxBodyBytes: 1024 * 1024,
  maxResponseBytes: 16 * 1024 * 1024,
  maxMessageBytes: 1024 * 1024,
  maxFrameBytes: 8 * 1024 * 1024,
  maxSessionsPerUser: 4,
  maxBufferedBytes: 1024 * 1024,
};

function invalid(path: string, message: string): AuiValidationError {
  return new AuiValidationError(`createAuiRelay: ${path} ${message}`, { issues: [{ path: path.split('.'), message }] });
}

function integer(path: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw invalid(path, `must be an integer >= ${min}`);
  return value;
}

function resolveBasePath(value: string | undefined): string {
  if (value === undefined || value === '' || value === '/') return '';
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s\\]|\/\//.test(value)) {
    throw invalid('basePath', "must be '' or a path starting with '/' (no query, fragment, space or '//')");
  }
  return value.replace(/\/+$/, '');
}

function resolveCors(cors: AuiRelayCors | undefined): AuiRelayCors | undefined {
  if (cors === undefined) return undefined;
  const origin = (cors as Partial<AuiRelayCors> | null)?.origin;
  const ok = typeof origin === 'string' || typeof origin === 'function' || (Array.isArray(origin) && origin.every((o) => typeof o === 'string'));
  if (!ok) throw invalid('cors.origin', 'must be a string, a list of strings or a function');
  integer('cors.maxAgeSeconds', cors.maxAgeSeconds, 600, 0);
  if (origin === '*' && cors.credentials === true) {
    throw invalid('cors.credentials', "cannot go with origin '*': every site could use the relay with its users' cookies (list the origins, or give a predicate)");
  }
  return cors;
}

/**
 * Applies defaults and checks every option; throws {@link AuiValidationError} for a missing key or
 * `authorize`, a bad URL, base path, limit or cache bound.
 * @internal
 */
export function resolveRelayOptions(options: AuiRelayOptions): ResolvedRelayOptions {
  const o = options ?? ({} as AuiRelayOptions);
  if (typeof o.authorize !== 'function') throw invalid('authorize', 'is required: a function (req) => user id | undefined');
  if (o.apiKey === undefined || o.apiKey === null || (typeof o.apiKey === 'string' && o.apiKey.trim() === '')) {
    throw invalid('apiKey', 'is required: the relay adds it upstream');
  }
  if (o.onLog !== undefined && typeof o.onLog !== 'function') throw invalid('onLog', 'must be a function');
  const clientOptions: AuiClientOptions = {
    apiKey: o.apiKey,
    ...(o.baseUrl === undefined ? {} : { baseUrl: o.baseUrl }),
    ...(o.wsUrl === undefined ? {} : { wsUrl: o.wsUrl }),
    ...(o.timeouts === undefined ? {} : { timeouts: o.timeouts }),
    ...(o.scheduler === undefined ? {} : { scheduler: o.scheduler }),
    ...(o.allowInsecure === undefined ? {} : { allowInsecure: o.allowInsecure }),
  };
  const upstream = resolveOptions(clientOptions);
  const l = o.limits ?? {};
  const d = DEFAULT_RELAY_LIMITS;
  const c = o.ownershipCache ?? {};
  return {
    upstream,
    clientOptions,
    apiKey: o.apiKey,
    authorize: o.authorize,
    basePath: resolveBasePath(o.basePath),
    cors: resolveCors(o.cors),
    onLog: o.onLog,
    limits: {
      maxBodyBytes: integer('limits.maxBodyBytes', l.maxBodyBytes, d.maxBodyBytes, 1),
      maxResponseBytes: integer('limits.maxResponseBytes', l.maxResponseBytes, d.maxResponseBytes, 1),
      maxMessageBytes: integer('limits.maxMessageBytes', l.maxMessageBytes, d.maxMessageBytes, 1),
      maxFrameBytes: integer('limits.maxFrameBytes', l.maxFrameBytes, d.maxFrameBytes, 1),
      maxSessionsPerUser: integer('limits.maxSessionsPerUser', l.maxSessionsPerUser, d.maxSessionsPerUser, 1),
      maxBufferedBytes: integer('limits.maxBufferedBytes', l.maxBufferedBytes, d.maxBufferedBytes, 1),
    },
    ownershipCache: {
      ttlMs: integer('ownershipCache.ttlMs', c.ttlMs, 60_000, 0),
      maxEntries: integer('ownershipCache.maxEntries', c.maxEntries, 10_000, 1),
    },
    scheduler: upstream.scheduler,
  };
}

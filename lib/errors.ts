/**
 * The aui-rx error family: one abstract base, one class per kind, and the retry policy
 * (`isRetryable`). Every failure of a transport arrives as exactly one of these.
 *
 * @packageDocumentation
 */
import { capDepth } from './internal/redact-secret.js';

/** The kinds of failure aui-rx reports; each has its own error class. */
export type AuiErrorKind =
  | 'authentication'
  | 'validation'
  | 'application'
  | 'server'
  | 'rate-limit'
  | 'connection'
  | 'timeout'
  | 'protocol';

/** Which deadline an {@link AuiTimeoutError} missed. */
export type AuiTimeoutPhase = 'connect' | 'idle' | 'request';

/** One problem found by a schema or by argument validation (a subset of zod's issue shape). */
export interface AuiIssue {
  /** Path to the offending value, e.g. `['body', 'task_id']`. */
  readonly path: readonly PropertyKey[];
  /** Human-readable description. */
  readonly message: string;
  /** Machine code (zod issue code, or the server's `type`). */
  readonly code?: string;
}

/**
 * The facts an error may carry; every field is optional because not every source knows it. A field
 * set to `undefined` is the same as an absent one (the error then has no such property).
 */
export interface AuiErrorInit {
  /** HTTP status, or the error frame's `status_code`. */
  readonly status?: number | undefined;
  /** WebSocket close code (1008, 1011, 1006, …). */
  readonly closeCode?: number | undefined;
  /** WebSocket close reason, when the server sent one. */
  readonly reason?: string | undefined;
  /** The parsed server body or error frame (raw text when it was not JSON). */
  readonly body?: unknown;
  /** The task the failed operation concerned. */
  readonly taskId?: string | undefined;
  /** How long the server asked us to wait before retrying (from `Retry-After`). */
  readonly retryAfterMs?: number | undefined;
  /** Schema or validation problems. */
  readonly issues?: readonly AuiIssue[] | undefined;
  /** The underlying error (network error, parse error, …). Never serialised. */
  readonly cause?: unknown;
  /**
   * `false` marks an error of a retryable kind as final (a closed client, say). It can only take
   * retryability away: an error of a kind that is never retryable stays non-retryable.
   */
  readonly retryable?: false | undefined;
}

const BRAND = Symbol.for('aui-rx.error');

/**
 * The retry policy by kind: whether repeating the same operation may succeed. The other rules (a 1008
 * close, an error marked final) are applied in `retryableFor`.
 */
const RETRYABLE_KIND: Readonly<Record<AuiErrorKind, boolean>> = {
  authentication: false,
  validation: false,
  application: false,
  server: true,
  'rate-limit': true,
  connection: true,
  timeout: true,
  protocol: false,
};

/**
 * The retry policy in one place: an error of `kind` with these facts is retryable when its kind may
 * succeed on a retry, it was not a 1008 close (authentication or policy, whatever the error frame
 * said), and it was not marked final (`retryable: false`, e.g. the client was closed).
 *
 * @example
 * retryableFor('server', { closeCode: 1008 }); // false
 */
export function retryableFor(kind: AuiErrorKind, init: Pick<AuiErrorInit, 'closeCode' | 'retryable'> = {}): boolean {
  return RETRYABLE_KIND[kind] && init.closeCode !== 1008 && init.retryable !== false;
}

/** The optional facts an error copies from its {@link AuiErrorInit} (all but `cause`), in `toJSON` order. */
const FACTS = ['status', 'closeCode', 'reason', 'taskId', 'retryAfterMs', 'body', 'issues'] as const;

/**
 * Base class of every aui-rx error. Use {@link isAuiError} rather than `instanceof` to recognise one:
 * the brand holds across two copies of the package.
 */
export abstract class AuiError extends Error {
  // The optional facts below are `declare`d: an error has an own property only for what it knows.
  /** What kind of failure this is (each class has one; see the class's static `kind`). */
  readonly kind: AuiErrorKind;
  /**
   * Whether repeating the same operation may succeed: computed once, from the kind and the facts, by
   * the policy in `retryableFor`, so `err.retryable === isRetryable(err)` for every aui-rx error.
   */
  readonly retryable: boolean;
  /** HTTP status or error-frame `status_code`. */
  declare readonly status?: number;
  /** WebSocket close code. */
  declare readonly closeCode?: number;
  /** WebSocket close reason. */
  declare readonly reason?: string;
  /** Parsed server body or error frame. */
  declare readonly body?: unknown;
  /** The task concerned. */
  declare readonly taskId?: string;
  /** Server-requested wait before retrying, in milliseconds. */
  declare readonly retryAfterMs?: number;
  /** Schema or validation problems. */
  declare readonly issues?: readonly AuiIssue[];
  /** @internal brand checked by {@link isAuiError}. */
  readonly [BRAND] = true;

  /** The kind of the errors of this class. */
  static readonly kind: AuiErrorKind;

  constructor(message: string, init: AuiErrorInit = {}) {
    super(message);
    this.kind = (new.target as unknown as { readonly kind: AuiErrorKind }).kind;
    this.retryable = retryableFor(this.kind, init);
    // Define `cause` non-enumerable so JSON.stringify and structured logs never walk into it.
    if (init.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: init.cause, enumerable: false, writable: true, configurable: true });
    }
    for (const key of FACTS) {
      const value = init[key];
      // `body` is depth-capped: JSON.stringify(err) must never overflow.
      if (value !== undefined) (this as Record<string, unknown>)[key] = key === 'body' ? capDepth(value) : value;
    }
  }

  /** The class name, e.g. `AuiServerError` (survives minification of the constructor). */
  abstract override readonly name: string;

  /** A plain, loggable view of the error (never includes `cause`). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, kind: this.kind, message: this.message, retryable: this.retryable };
    for (const key of FACTS) if (this[key] !== undefined) out[key] = this[key];
    return out;
  }
}

/** HTTP 401/403, handshake 401/403, close 1008 with no other detail, error frame 401/403. Never retried. */
export class AuiAuthenticationError extends AuiError {
  override readonly name = 'AuiAuthenticationError';
  static override readonly kind = 'authentication' as const;
  declare readonly kind: 'authentication';
}

/** HTTP 422, error frame 422, or bad arguments caught before any request. Never retried. */
export class AuiValidationError extends AuiError {
  override readonly name = 'AuiValidationError';
  static override readonly kind = 'validation' as const;
  declare readonly kind: 'validation';
}

/** HTTP 400 or error frame 400, e.g. content moderation (details in `body.extra_data`). Never retried. */
export class AuiApplicationError extends AuiError {
  override readonly name = 'AuiApplicationError';
  static override readonly kind = 'application' as const;
  declare readonly kind: 'application';
}

/** HTTP 5xx, close 1011 or error frame 500. Retryable. */
export class AuiServerError extends AuiError {
  override readonly name = 'AuiServerError';
  static override readonly kind = 'server' as const;
  declare readonly kind: 'server';
}

/** HTTP 429; `retryAfterMs` comes from `Retry-After`. Retryable. */
export class AuiRateLimitError extends AuiError {
  override readonly name = 'AuiRateLimitError';
  static override readonly kind = 'rate-limit' as const;
  declare readonly kind: 'rate-limit';
}

/** Network failure, failed handshake, abnormal or unexpected close, or a client closed under a turn. Retryable. */
export class AuiConnectionError extends AuiError {
  override readonly name = 'AuiConnectionError';
  static override readonly kind = 'connection' as const;
  declare readonly kind: 'connection';
}

/** A connect, idle or request deadline passed; `phase` says which. Retryable. */
export class AuiTimeoutError extends AuiError {
  override readonly name = 'AuiTimeoutError';
  static override readonly kind = 'timeout' as const;
  declare readonly kind: 'timeout';
  /** Which deadline passed. */
  readonly phase: AuiTimeoutPhase;

  constructor(message: string, phase: AuiTimeoutPhase, init: AuiErrorInit = {}) {
    super(message, init);
    this.phase = phase;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), phase: this.phase };
  }
}

/** A body or frame that is not JSON or fails its schema (`issues` lists why). Never retried. */
export class AuiProtocolError extends AuiError {
  override readonly name = 'AuiProtocolError';
  static override readonly kind = 'protocol' as const;
  declare readonly kind: 'protocol';
}

/**
 * Whether `value` is an aui-rx error. Checks a global brand, not `instanceof`, so it holds
 * when two copies of aui-rx are loaded.
 *
 * @example
 * stream$.subscribe({ error: (e) => isAuiError(e) && showError(e.kind, e.message) });
 */
export function isAuiError(value: unknown): value is AuiError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/**
 * Whether `value` is an aui-rx error that a retry may fix: exactly its `retryable` field (computed by
 * the policy in `retryableFor`: kinds server, rate-limit, connection and timeout, never a 1008 close, never an
 * error marked final). False for anything that is not an aui-rx error.
 *
 * @example
 * isRetryable(new AuiServerError('boom', { closeCode: 1011 })); // true
 */
export function isRetryable(value: unknown): boolean {
  return isAuiError(value) && value.retryable === true;
}

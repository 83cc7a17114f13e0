/**
 * The failure policy: the ONE place where a failure becomes an aui-rx error. A single status table
 * serves HTTP responses, refused WebSocket handshakes and error frames alike; a close-code table
 * serves WebSocket closes; {@link failureError} turns the facts of any of them into one error, and
 * {@link createAuiError} (which every error of the transports goes through) redacts the API key and
 * stamps the task. Retryability is computed from the result by `retryableFor` in `errors.ts`, and the
 * operators ask {@link isAuthFailure} and {@link isServerFailure} here: they keep no rules of their own.
 *
 * | status (HTTP, handshake or error frame `status_code`) | kind |
 * |---|---|
 * | 401, 403 | `authentication` |
 * | 408 | `timeout` (phase `request`) |
 * | 422 | `validation` |
 * | 429 | `rate-limit` |
 * | 400, 404, 405, 409, 410, every other 4xx | `application` |
 * | 5xx | `server` |
 * | 1xx, 2xx, 3xx, anything below 100 or above 599 | `protocol` (not a status an error can have) |
 *
 * | close code (no error frame) | kind |
 * |---|---|
 * | 1008, 4001 | `authentication` |
 * | 1011 | `server` |
 * | 4003 | `rate-limit` |
 * | 4002 | `application` (task not found) |
 * | 1002, 1003, 1007, 1009 (and a frame over the payload limit or not UTF-8) | `protocol` |
 * | 1000 mid-turn, 1001, 1005, 1006, 1012, 1013, any other | `connection` |
 *
 * An error frame decides the class and the close adds `closeCode`/`reason`; a 1008 close is never
 * retryable, whatever the frame said.
 *
 * @packageDocumentation
 */
import {
  AuiApplicationError,
  AuiAuthenticationError,
  AuiConnectionError,
  AuiProtocolError,
  AuiRateLimitError,
  AuiServerError,
  AuiTimeoutError,
  AuiValidationError,
  isAuiError,
  type AuiError,
  type AuiErrorInit,
  type AuiErrorKind,
  type AuiIssue,
  type AuiTimeoutPhase,
  retryableFor,
} from './errors.js';
import { summarizeErrorBody } from './protocol/error-bodies.js';
import type { ErrorFrame } from './protocol/server-frames.js';
import { redactCause, redactSecret, redactText } from './internal/redact-secret.js';

/** Where a failure happened, as far as the error needs to know. */
export interface FailureContext {
  /** The task the failed operation concerned; copied to the error. */
  readonly taskId?: string | undefined;
  /** The API key in use: no form of it survives in the error (message, reason, body, issues, cause). */
  readonly secret?: string | undefined;
}

/** How a socket ended, as the connection observed it (platform differences already removed). */
export interface SocketCloseEvent {
  /** The close code (1006 when the connection was lost or never established). */
  readonly code: number;
  /** The close reason sent by the server ('' when none). */
  readonly reason: string;
  /** Whether the socket had opened before it closed. */
  readonly opened: boolean;
  /** HTTP status of a refused upgrade, when the platform reports it (`ws` in Node does; browsers do not). */
  readonly handshakeStatus?: number;
  /** The last error the socket reported (network error, payload too large, invalid UTF-8, …). */
  readonly error?: unknown;
  /** Set when the client gave up waiting for `open`: the connect timeout that passed, in ms. */
  readonly connectTimeoutMs?: number;
}

/** The facts of a failure, from any of the three sources the status table serves. */
export type FailureFacts =
  | {
      /** A non-2xx REST response. */
      readonly source: 'http';
      readonly status: number;
      /** The reason phrase ('' over HTTP/2). */
      readonly statusText: string;
      /** The parsed body (raw text when it was not JSON). */
      readonly body: unknown;
      /** From `Retry-After`, when the response had a usable one. */
      readonly retryAfterMs?: number | undefined;
      /** `GET /api/v1/external/tasks`: the request, named in the message (never its query). */
      readonly request: string;
    }
  | {
      /** How a WebSocket turn ended: a close, an error frame, or both. */
      readonly source: 'socket';
      /** The close; absent when an error frame was not followed by a close in time. */
      readonly close?: SocketCloseEvent | undefined;
      /** The error frame received before the close, if any. */
      readonly errorFrame?: ErrorFrame | undefined;
      /** The payload limit in force, quoted in the message of a too-large frame. */
      readonly maxPayloadBytes?: number | undefined;
    };

type ErrorClass = new (message: string, init?: AuiErrorInit) => AuiError;

const CLASS_OF: Readonly<Record<Exclude<AuiErrorKind, 'timeout'>, ErrorClass>> = {
  authentication: AuiAuthenticationError,
  validation: AuiValidationError,
  application: AuiApplicationError,
  server: AuiServerError,
  'rate-limit': AuiRateLimitError,
  connection: AuiConnectionError,
  protocol: AuiProtocolError,
};

/** Longest piece of caller- or server-supplied text quoted in a message (a 1 MB task id is clipped). */
export const MAX_QUOTED_CHARS = 300;

/** `text` cut to `max` characters with an ellipsis. */
export function clip(text: string, max = MAX_QUOTED_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * The kind an HTTP-like status selects: the one table for HTTP responses, refused handshakes and
 * error frames (see the file's table).
 *
 * @example
 * kindForStatus(404); // 'application'
 */
export function kindForStatus(status: number): AuiErrorKind {
  if (!Number.isInteger(status) || status < 400 || status > 599) return 'protocol';
  if (status >= 500) return 'server';
  switch (status) {
    case 401:
    case 403:
      return 'authentication';
    case 408:
      return 'timeout';
    case 422:
      return 'validation';
    case 429:
      return 'rate-limit';
    default:
      return 'application';
  }
}

/**
 * The kind a close code selects when no error frame came first (see the file's table).
 *
 * @example
 * kindForCloseCode(1011); // 'server'
 */
export function kindForCloseCode(code: number): AuiErrorKind {
  switch (code) {
    case 1008:
    case 4001:
      return 'authentication';
    case 1011:
      return 'server';
    case 4002:
      return 'application';
    case 4003:
      return 'rate-limit';
    case 1002:
    case 1003:
    case 1007:
    case 1009:
      return 'protocol';
    default:
      return 'connection';
  }
}

/**
 * Builds the error of `kind`: every error of the transports is made here. The key (in any form) is
 * removed from the message, reason, body, issues and cause; the body is depth-capped by the error
 * itself; `taskId` comes from the context unless `init` names one.
 *
 * @example
 * createAuiError('server', 'The server failed', { closeCode: 1011 }, { taskId: 't1', secret: key });
 */
export function createAuiError(
  kind: AuiErrorKind,
  message: string,
  init: AuiErrorInit = {},
  ctx: FailureContext = {},
  phase: AuiTimeoutPhase = 'request',
): AuiError {
  const { secret } = ctx;
  const clean: AuiErrorInit = {
    ...init,
    taskId: init.taskId ?? ctx.taskId,
    reason: init.reason === undefined ? undefined : redactText(init.reason, secret),
    body: redactSecret(init.body, secret),
    issues: init.issues === undefined ? undefined : redactSecret(init.issues as AuiIssue[], secret),
    cause: redactCause(init.cause, secret),
  };
  const text = redactText(message, secret);
  return kind === 'timeout' ? new AuiTimeoutError(text, phase, clean) : new CLASS_OF[kind](text, clean);
}

/**
 * `error` again, made through {@link createAuiError} with `ctx`: for an error built where the task and
 * key were not known (the frame parsers), so that it too carries the task and no form of the key.
 * A foreign value becomes an `AuiConnectionError` that keeps it as `cause`.
 *
 * @example
 * inContext(parseError, { taskId: 't1', secret: key });
 */
export function inContext(error: unknown, ctx: FailureContext): AuiError {
  if (!isAuiError(error)) return createAuiError('connection', 'Unexpected failure while reading a frame', { cause: error }, ctx);
  const { status, closeCode, reason, body, taskId, retryAfterMs, issues } = error;
  const init: AuiErrorInit = { status, closeCode, reason, body, taskId, retryAfterMs, issues, cause: (error as { cause?: unknown }).cause };
  const phase = error instanceof AuiTimeoutError ? error.phase : undefined;
  return createAuiError(error.kind, error.message, error.retryable || !retryableFor(error.kind, init) ? init : { ...init, retryable: false }, ctx, phase);
}

const CLOSE_NAMES: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status',
  1006: 'abnormal closure',
  1007: 'invalid payload',
  1008: 'policy violation',
  1009: 'message too big',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
  4001: 'invalid authentication',
  4002: 'task not found',
  4003: 'rate limit exceeded',
};

/** How an error frame's message starts, by kind. */
const FRAME_PREFIX: Readonly<Partial<Record<AuiErrorKind, string>>> = {
  authentication: 'Authentication failed',
  validation: 'The server rejected the message',
  'rate-limit': 'The server is rate limiting this client',
  server: 'The server failed',
  application: 'The server refused the message',
  timeout: 'The server timed out',
};

function describeClose(close: SocketCloseEvent): string {
  const name = CLOSE_NAMES[close.code];
  return `${close.code}${name ? ` ${name}` : ''}${close.reason ? `: ${clip(close.reason)}` : ''}`;
}

function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** True when the socket error says a frame exceeded the payload limit (`ws` reports it this way). */
export function isPayloadTooLarge(error: unknown): boolean {
  if (errorCode(error) === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return true;
  return error instanceof Error && /max(imum)? payload/i.test(error.message);
}

/** What an error body or frame says, on one line and clipped. */
function bodyDetail(body: unknown): { readonly detail: string; readonly issues?: readonly AuiIssue[] | undefined } {
  const summary = summarizeErrorBody(body);
  return { detail: summary.message ? clip(summary.message.replace(/\s+/g, ' ').trim()) : '', issues: summary.issues };
}

/**
 * Turns the facts of a failure into its one aui-rx error: the status table for HTTP responses,
 * refused handshakes and error frames, the close-code table for closes without an error frame.
 * Messages are human and name neither the key nor the session URL.
 *
 * @example
 * failureError({ source: 'socket', close: { code: 1011, reason: '', opened: true } }, { taskId: 't1' });
 * // AuiServerError, closeCode 1011, retryable
 */
export function failureError(facts: FailureFacts, ctx: FailureContext = {}): AuiError {
  return facts.source === 'http' ? httpFailure(facts, ctx) : socketFailure(facts, ctx);
}

function httpFailure(facts: Extract<FailureFacts, { source: 'http' }>, ctx: FailureContext): AuiError {
  const { status, body } = facts;
  const kind = kindForStatus(status);
  const { detail, issues } = bodyDetail(body);
  const line = `HTTP ${status} ${clip(facts.statusText.trim())}`.trimEnd();
  const message =
    kind === 'protocol'
      ? `${line}: unexpected status${detail ? ` (${detail})` : ''} (${facts.request})`
      : `${line}${detail ? `: ${detail}` : ''} (${facts.request})`;
  return createAuiError(kind, message, withKindFacts(kind, { status, body, retryAfterMs: facts.retryAfterMs }, issues), ctx);
}

/** The facts that only some kinds carry: `issues` for validation, `retryAfterMs` for retryable ones. */
function withKindFacts(kind: AuiErrorKind, init: AuiErrorInit, issues: readonly AuiIssue[] | undefined): AuiErrorInit {
  const retry = kind === 'rate-limit' || kind === 'server' || kind === 'timeout' ? init.retryAfterMs : undefined;
  return { ...init, retryAfterMs: retry, issues: kind === 'validation' ? (issues ?? []) : undefined };
}

function socketFailure(facts: Extract<FailureFacts, { source: 'socket' }>, ctx: FailureContext): AuiError {
  const { close, errorFrame } = facts;
  const base: AuiErrorInit = { cause: close?.error, reason: close?.reason ? close.reason : undefined };

  if (errorFrame) {
    const status = errorFrame.status_code;
    const kind = kindForStatus(status);
    const { detail, issues } = bodyDetail(errorFrame);
    const closed = close ? ` (connection closed with ${describeClose(close)})` : '';
    const text = `${FRAME_PREFIX[kind] ?? 'The server reported an error'}${detail ? `: ${detail}` : ` (status ${status})`}${closed}`;
    return createAuiError(kind, text, withKindFacts(kind, { ...base, status, body: errorFrame, closeCode: close?.code }, issues), ctx);
  }
  if (!close) return createAuiError('connection', 'The turn ended without a close or an error frame', base, ctx);
  if (close.connectTimeoutMs !== undefined) {
    return createAuiError('timeout', `The WebSocket did not open within ${close.connectTimeoutMs} ms`, base, ctx, 'connect');
  }
  if (close.handshakeStatus !== undefined) {
    const status = close.handshakeStatus;
    const kind = kindForStatus(status);
    const hint = kind === 'authentication' ? ': check the API key' : '';
    return createAuiError(kind, `WebSocket handshake refused with HTTP ${status}${hint}`, { ...base, status }, ctx);
  }
  const withCode: AuiErrorInit = { ...base, closeCode: close.code };
  if (close.code === 1009 || isPayloadTooLarge(close.error)) {
    const limit = facts.maxPayloadBytes !== undefined ? ` of ${facts.maxPayloadBytes} bytes` : '';
    return createAuiError('protocol', `A frame exceeded the maximum payload size${limit}; the connection was closed`, { ...withCode, closeCode: 1009 }, ctx);
  }
  if (close.code === 1007 || errorCode(close.error) === 'WS_ERR_INVALID_UTF8') {
    return createAuiError('protocol', 'The server sent a text frame that is not valid UTF-8; the connection was closed', { ...withCode, closeCode: 1007 }, ctx);
  }
  const kind = kindForCloseCode(close.code);
  if (kind === 'connection' && !close.opened) {
    const code = errorCode(close.error);
    return createAuiError('connection', `Could not connect to the WebSocket server${code ? ` (${clip(code)})` : ''}`, withCode, ctx);
  }
  const text =
    kind === 'authentication'
      ? `Authentication failed: the server closed the connection with ${describeClose(close)}`
      : kind === 'connection'
        ? `The connection closed with ${describeClose(close)} before the reply was complete`
        : `The server closed the connection with ${describeClose(close)}`;
  return createAuiError(kind, text, withCode, ctx);
}

/**
 * Whether `error` is one `failFastOn1008` latches on: an aui-rx error with close code 1008, or of kind
 * `authentication` (HTTP/handshake/error-frame 401/403, close 4001).
 *
 * @example
 * isAuthFailure(new AuiAuthenticationError('bad key', { status: 401 })); // true
 */
export function isAuthFailure(error: unknown): error is AuiError {
  return isAuiError(error) && (error.closeCode === 1008 || error.kind === 'authentication');
}

/**
 * Whether `error` is one `retryOn1011` retries: a retryable aui-rx error that ended with close 1011,
 * or (with `http`) a retryable HTTP 5xx without a close code. An error frame 400/422 followed by 1011
 * is not retryable, so it is not retried.
 *
 * @example
 * isServerFailure(new AuiServerError('x', { closeCode: 1011 })); // true
 */
export function isServerFailure(error: unknown, http = false): boolean {
  if (!isAuiError(error) || !error.retryable) return false;
  if (error.closeCode !== undefined) return error.closeCode === 1011;
  return http && typeof error.status === 'number' && error.status >= 500 && error.status <= 599;
}

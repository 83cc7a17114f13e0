/**
 * The failure policy: the ONE place that decides what a failure means. A single status table
 * serves HTTP responses, refused WebSocket handshakes and error frames alike; a close-code table
 * serves WebSocket closes (`failureError` in `failure-error.ts` applies both to the facts of a
 * failure), and {@link createAuiError}, which makes every error of the transports, redacts the API
 * key and stamps the task. Retryability is computed from the result by `retryableFor` in `errors.ts`, and the
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
} from './errors.js';
import { redactCause, redactSecret, redactText } from './internal/redact-secret.js';

/** Where a failure happened, as far as the error needs to know. */
export interface FailureContext {
  /** The task the failed operation concerned; copied to the error. */
  readonly taskId?: string | undefined;
  /** The API key in use: no form of it survives in the error (message, reason, body, issues, cause). */
  readonly secret?: string | undefined;
}

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
  // A final error (retryable false though its kind is retryable) stays final.
  return createAuiError(error.kind, error.message, { ...init, retryable: error.retryable ? undefined : false }, ctx, phase);
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

/**
 * The one place where an HTTP outcome becomes an aui-rx error: status + body ({@link mapHttpError}),
 * network failure, refused redirect, request timeout and an unreadable 2xx body.
 *
 * Status policy:
 * - 401, 403 → `AuiAuthenticationError`
 * - 400 → `AuiApplicationError` (moderation details stay in `body.extra_data`)
 * - 404, 405, 409, 410 and every other 4xx not listed here → `AuiApplicationError` (the request
 *   reached the API and was refused for a reason repeating it will not fix)
 * - 408 → `AuiTimeoutError` with phase `'request'` (the server gave up waiting for us)
 * - 422 → `AuiValidationError` with `issues` from `detail[]` or `errors[]`
 * - 429 → `AuiRateLimitError` with `retryAfterMs` from `Retry-After`
 * - 5xx (JSON, HTML or empty body) → `AuiServerError` (`retryAfterMs` too when the server sent one)
 * - anything else (1xx, a 3xx that is not a followable redirect, unknown codes) → `AuiProtocolError`
 *
 * Messages read `HTTP 401 Unauthorized: Not authenticated (GET /api/v1/external/tasks)`: status,
 * the server's reason phrase (absent over HTTP/2, which has none), what the body says, method and
 * path, never the query and never the API key.
 *
 * @packageDocumentation
 */
import type { z } from 'zod';
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
} from '../../errors.js';
import { summarizeErrorBody } from '../../protocol/error-bodies.js';
import { describeIssue, toAuiIssues } from '../../internal/zod-issues.js';
import { parseRetryAfter } from './retry-after.js';
import { redactSecret } from '../../internal/redact-secret.js';

/** What the mapping needs to know about the request an outcome belongs to. */
export interface HttpErrorContext {
  /** HTTP method, e.g. `GET`. */
  readonly method: string;
  /** Endpoint path without query, e.g. `/api/v1/external/tasks`. */
  readonly path: string;
  /** The task concerned, when the operation names one. */
  readonly taskId?: string | undefined;
  /** The API key used: removed from every message and body. */
  readonly secret?: string;
  /** The current time in ms (the scheduler's `now()`), for `Retry-After` dates. */
  readonly now: () => number;
}

/** The facts of an HTTP response the mapping reads. */
export interface HttpResponseFacts {
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  /** The raw body text ('' when empty). */
  readonly text: string;
}

/** Longest raw (non-JSON) body kept on an error. */
export const MAX_RAW_BODY_CHARS = 4096;
const MAX_DETAIL_CHARS = 300;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Parses a body as JSON when it is JSON; otherwise keeps the (clipped) text. */
export function parseBodyText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed !== '' && (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"'))) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      // not JSON after all: keep the text
    }
  }
  return clip(text, MAX_RAW_BODY_CHARS);
}

function where(ctx: HttpErrorContext): string {
  return `(${ctx.method} ${ctx.path})`;
}

/** `HTTP 404 Not Found`, or `HTTP 404` when the response has no reason phrase (HTTP/2 never has one). */
function statusLine(status: number, statusText: string): string {
  return `HTTP ${status} ${statusText.trim()}`.trimEnd();
}

/**
 * Maps a non-2xx response (status + body) to the matching aui-rx error. Accepts every documented
 * error body (`detail` string or array, `{status_code, errors}`, `{status_code, description,
 * message, extra_data}`) and anything else (HTML, empty, plain text).
 *
 * @example
 * mapHttpError({ status: 401, statusText: '', headers, text: '{"detail":"Not authenticated"}' },
 *   { method: 'GET', path: '/api/v1/external/tasks', now: () => scheduler.now() });
 * // AuiAuthenticationError: HTTP 401: Not authenticated (GET /api/v1/external/tasks)
 */
export function mapHttpError(response: HttpResponseFacts, ctx: HttpErrorContext): AuiError {
  const { status } = response;
  const body = redactSecret(parseBodyText(response.text), ctx.secret);
  const summary = summarizeErrorBody(body);
  const detail = summary.message ? clip(summary.message.replace(/\s+/g, ' ').trim(), MAX_DETAIL_CHARS) : '';
  const line = statusLine(status, response.statusText);
  const message = `${line}${detail ? `: ${detail}` : ''} ${where(ctx)}`;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), ctx.now());
  const init: AuiErrorInit = { status, body, taskId: ctx.taskId };
  const withRetry = { ...init, retryAfterMs };

  if (status === 401 || status === 403) return new AuiAuthenticationError(message, init);
  if (status === 422) return new AuiValidationError(message, { ...init, issues: summary.issues ?? [] });
  if (status === 429) return new AuiRateLimitError(message, withRetry);
  if (status === 408) return new AuiTimeoutError(message, 'request', init);
  if (status >= 500 && status <= 599) return new AuiServerError(message, withRetry);
  if (status >= 400 && status <= 499) return new AuiApplicationError(message, init);
  return new AuiProtocolError(`${line}: unexpected status${detail ? ` (${detail})` : ''} ${where(ctx)}`, init);
}

/**
 * Maps a 2xx body that is not JSON, or fails `schema`, to an {@link AuiProtocolError} carrying
 * the zod `issues`; returns the parsed value otherwise.
 */
export function decodeHttpBody<T>(response: HttpResponseFacts, schema: z.ZodType<T>, ctx: HttpErrorContext): T {
  const line = statusLine(response.status, response.statusText);
  let raw: unknown;
  try {
    raw = JSON.parse(response.text) as unknown;
  } catch (cause) {
    const body = redactSecret(clip(response.text, MAX_RAW_BODY_CHARS), ctx.secret);
    const what = response.text.trim() === '' ? 'response body is empty' : 'response body is not JSON';
    throw new AuiProtocolError(`${line}: ${what} ${where(ctx)}`, { status: response.status, body, cause, taskId: ctx.taskId });
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = toAuiIssues(result.error);
  const first = issues[0];
  const hint = first ? describeIssue(first) : 'schema mismatch';
  throw new AuiProtocolError(`${line}: unexpected response body, ${clip(hint, MAX_DETAIL_CHARS)} ${where(ctx)}`, {
    status: response.status,
    body: redactSecret(raw, ctx.secret),
    issues,
    taskId: ctx.taskId,
  });
}

type ErrorLike = { readonly message?: unknown; readonly name?: unknown; readonly code?: unknown; readonly cause?: unknown };

/** Duck-typed on purpose: fetch errors may come from another realm, where `instanceof Error` is false. */
function describeCause(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (typeof cause !== 'object' || cause === null) return 'request failed';
  const error = cause as ErrorLike;
  const inner = error.cause as ErrorLike | undefined;
  const code = (typeof inner === 'object' && inner !== null ? inner.code : undefined) ?? error.code;
  const text = typeof error.message === 'string' && error.message ? error.message : typeof error.name === 'string' ? error.name : 'request failed';
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}

/**
 * Maps a failed `fetch` (DNS, refused or reset connection, TLS, CORS…) to an
 * {@link AuiConnectionError}; an aui-rx error passes through unchanged.
 */
export function mapNetworkError(cause: unknown, ctx: HttpErrorContext): AuiError {
  if (isAuiError(cause)) return cause;
  const text = redactSecret(clip(describeCause(cause), MAX_DETAIL_CHARS), ctx.secret);
  return new AuiConnectionError(`Network error: ${text} ${where(ctx)}`, { cause, taskId: ctx.taskId });
}

/**
 * The error for a redirect aui-rx will not follow: to another origin (the API key must never reach
 * it), an opaque browser redirect whose target is hidden, or too many hops.
 */
export function redirectRefusedError(
  ctx: HttpErrorContext,
  why: { readonly status: number; readonly targetOrigin?: string; readonly tooMany?: boolean },
): AuiConnectionError {
  const line = why.status > 0 ? `HTTP ${why.status} redirect` : 'Redirect';
  const text = why.tooMany
    ? `${line} refused: too many redirects`
    : why.targetOrigin
      ? `${line} to another origin (${why.targetOrigin}) refused: the API key is never sent to another origin`
      : `${line} refused: its target is hidden (opaque redirect) and may be another origin`;
  return new AuiConnectionError(`${text} ${where(ctx)}`, { status: why.status > 0 ? why.status : undefined, taskId: ctx.taskId });
}

/** The error for a request that got no complete response within `ms` (measured on the scheduler). */
export function requestTimeoutError(ctx: HttpErrorContext, ms: number): AuiTimeoutError {
  return new AuiTimeoutError(`No response within ${ms} ms ${where(ctx)}`, 'request', { taskId: ctx.taskId });
}

/**
 * The facts of an HTTP outcome, gathered for the failure policy (`lib/failure-policy.ts`, which
 * decides every class): a non-2xx status and its body ({@link mapHttpError}), a network failure, a
 * refused redirect, a request timeout and an unreadable 2xx body.
 *
 * Messages read `HTTP 401 Unauthorized: Not authenticated (GET /api/v1/external/tasks)`: status,
 * the server's reason phrase (absent over HTTP/2, which has none), what the body says, method and
 * path (clipped), never the query and never the API key.
 *
 * @packageDocumentation
 */
import type * as z from 'zod/mini';
import type { AuiError } from '../../errors.js';
import { isAuiError } from '../../errors.js';
import { failureError } from '../../failure-error.js';
import { clip, createAuiError, MAX_QUOTED_CHARS, type FailureContext } from '../../failure-policy.js';
import { describeIssue, safeParseWire } from '../../internal/zod-issues.js';
import { parseRetryAfter } from './retry-after.js';

/** What the mapping needs to know about the request an outcome belongs to. */
export interface HttpErrorContext extends FailureContext {
  /** HTTP method, e.g. `GET`. */
  readonly method: string;
  /** Endpoint path without query, e.g. `/api/v1/external/tasks`. */
  readonly path: string;
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

/** `GET /api/v1/external/tasks`: the request, with its path clipped (a task id may be huge). */
function request(ctx: HttpErrorContext): string {
  return `${ctx.method} ${clip(ctx.path)}`;
}

function where(ctx: HttpErrorContext): string {
  return `(${request(ctx)})`;
}

/** `HTTP 404 Not Found`, or `HTTP 404` when the response has no reason phrase (HTTP/2 never has one). */
function statusLine(status: number, statusText: string): string {
  return `HTTP ${status} ${clip(statusText.trim())}`.trimEnd();
}

/**
 * Maps a non-2xx response (status + body) to its aui-rx error through the failure policy's status
 * table. Accepts every documented error body (`detail` string or array, `{status_code, errors}`,
 * `{status_code, description, message, extra_data}`, with `null` members) and anything else (HTML,
 * empty, plain text).
 *
 * @example
 * mapHttpError({ status: 401, statusText: '', headers, text: '{"detail":"Not authenticated"}' },
 *   { method: 'GET', path: '/api/v1/external/tasks', now: () => scheduler.now() });
 * // AuiAuthenticationError: HTTP 401: Not authenticated (GET /api/v1/external/tasks)
 */
export function mapHttpError(response: HttpResponseFacts, ctx: HttpErrorContext): AuiError {
  return failureError(
    {
      source: 'http',
      status: response.status,
      statusText: response.statusText,
      body: parseBodyText(response.text),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), ctx.now()),
      request: request(ctx),
    },
    ctx,
  );
}

/**
 * Maps a 2xx body that is not JSON, or fails `schema`, to an {@link AuiProtocolError} carrying
 * the zod `issues`; returns the parsed value otherwise.
 */
export function decodeHttpBody<T>(response: HttpResponseFacts, schema: z.core.$ZodType<T>, ctx: HttpErrorContext): T {
  const line = statusLine(response.status, response.statusText);
  let raw: unknown;
  try {
    raw = JSON.parse(response.text) as unknown;
  } catch (cause) {
    const body = clip(response.text, MAX_RAW_BODY_CHARS);
    const what = response.text.trim() === '' ? 'response body is empty' : 'response body is not JSON';
    throw createAuiError('protocol', `${line}: ${what} ${where(ctx)}`, { status: response.status, body, cause }, ctx);
  }
  const result = safeParseWire(schema, raw);
  if (result.success) return result.data;
  const issues = result.issues;
  const first = issues[0];
  const hint = first ? describeIssue(first) : 'schema mismatch';
  throw createAuiError('protocol', `${line}: unexpected response body, ${clip(hint)} ${where(ctx)}`, { status: response.status, body: raw, issues }, ctx);
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
  return createAuiError('connection', `Network error: ${clip(describeCause(cause), MAX_QUOTED_CHARS)} ${where(ctx)}`, { cause }, ctx);
}

/**
 * The error for a redirect aui-rx will not follow: to another origin (the API key must never reach
 * it), an opaque browser redirect whose target is hidden, or too many hops.
 */
export function redirectRefusedError(
  ctx: HttpErrorContext,
  why: { readonly status: number; readonly targetOrigin?: string; readonly tooMany?: boolean },
): AuiError {
  const line = why.status > 0 ? `HTTP ${why.status} redirect` : 'Redirect';
  const text = why.tooMany
    ? `${line} refused: too many redirects`
    : why.targetOrigin
      ? `${line} to another origin (${clip(why.targetOrigin)}) refused: the API key is never sent to another origin`
      : `${line} refused: its target is hidden (opaque redirect) and may be another origin`;
  return createAuiError('connection', `${text} ${where(ctx)}`, { status: why.status > 0 ? why.status : undefined }, ctx);
}

/** The error for a request that got no complete response within `ms` (measured on the scheduler). */
export function requestTimeoutError(ctx: HttpErrorContext, ms: number): AuiError {
  return createAuiError('timeout', `No response within ${ms} ms ${where(ctx)}`, {}, ctx, 'request');
}

/**
 * The facts of a failure, turned into its one aui-rx error by {@link failureError}: a non-2xx HTTP
 * response, a refused WebSocket handshake, or how a turn's socket ended (close and/or error frame).
 * The class comes from the failure policy's tables (`failure-policy.ts`); this file gathers what the
 * error says (its message and facts), and every error is made by the policy's `createAuiError`.
 *
 * @packageDocumentation
 */
import type { AuiError, AuiErrorInit, AuiErrorKind, AuiIssue } from './errors.js';
import { clip, createAuiError, kindForCloseCode, kindForStatus, type FailureContext } from './failure-policy.js';
import { summarizeErrorBody } from './protocol/error-bodies.js';
import type { ErrorFrame } from './protocol/server-frames.js';

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
  if (isPayloadTooLarge(close.error)) {
    // Our socket refused a frame of the server's: our limit was the one passed.
    const limit = facts.maxPayloadBytes !== undefined ? ` of ${facts.maxPayloadBytes} bytes (limits.maxFrameBytes)` : '';
    return createAuiError('protocol', `A frame from the server exceeded the maximum payload size${limit}; the connection was closed`, { ...withCode, closeCode: 1009 }, ctx);
  }
  if (close.code === 1009) {
    // The server closed with 1009: a frame of ours passed its limit, whatever ours is.
    return createAuiError('protocol', 'The server closed the connection with 1009 (message too big): a frame sent to it exceeded its size limit', withCode, ctx);
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


/**
 * Close code + error frame → error: the ONE place where the way a WebSocket ended becomes an
 * {@link AuiError}. Every other file of the WebSocket transport hands its facts here.
 *
 * | what ended the turn | error | `closeCode` |
 * |---|---|---|
 * | close 1008, no error frame (or frame 401/403) | `AuiAuthenticationError` | 1008 |
 * | error frame 422 / 400 / 429 / 5xx (any close) | `AuiValidationError` / `AuiApplicationError` / `AuiRateLimitError` / `AuiServerError` | the close's |
 * | close 1011, no error frame | `AuiServerError` (retryable) | 1011 |
 * | handshake refused with HTTP 401/403 | `AuiAuthenticationError` (`status`) | none |
 * | other refused handshake, network failure, 1006, 1001, 1000 mid-turn, any other code | `AuiConnectionError` | the close's |
 * | a frame above the payload limit (1009) | `AuiProtocolError` | 1009 |
 * | no open within `timeouts.connectMs` | `AuiTimeoutError` (`phase: 'connect'`) | none |
 * | error frame and no close within the wait | the frame's class | none |
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
  type AuiError,
  type AuiErrorInit,
} from '../../errors.js';
import { summarizeErrorBody } from '../../protocol/error-bodies.js';
import type { ErrorFrame } from '../../protocol/server-frames.js';
import { redactSecret } from '../../internal/redact-secret.js';

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
  /** The last error the socket reported (network error, payload too large, …). */
  readonly error?: unknown;
  /** Set when the client gave up waiting for `open`: the connect timeout that passed, in ms. */
  readonly connectTimeoutMs?: number;
}

/** What {@link mapCloseToError} needs: the close (if any), the error frame (if any) and context. */
export interface CloseToErrorInput {
  /** The close; absent when an error frame was not followed by a close in time. */
  readonly close?: SocketCloseEvent | undefined;
  /** The error frame received before the close, if any. */
  readonly errorFrame?: ErrorFrame | undefined;
  /** The task of the turn, copied to the error. */
  readonly taskId?: string | undefined;
  /** The payload limit in force, quoted in the message of a too-large frame. */
  readonly maxPayloadBytes?: number | undefined;
  /** The API key, scrubbed from any server-supplied text that reaches the error. */
  readonly secret?: string | undefined;
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
};

type ErrorClass = new (message: string, init?: AuiErrorInit) => AuiError;

/** The error class an HTTP-like status selects (shared by handshake statuses and error frames). */
function classForStatus(status: number): ErrorClass {
  if (status === 401 || status === 403) return AuiAuthenticationError;
  if (status === 422) return AuiValidationError;
  if (status === 429) return AuiRateLimitError;
  if (status >= 500) return AuiServerError;
  return AuiApplicationError;
}

const PREFIX = new Map<ErrorClass, string>([
  [AuiAuthenticationError, 'Authentication failed'],
  [AuiValidationError, 'The server rejected the message'],
  [AuiRateLimitError, 'The server is rate limiting this client'],
  [AuiServerError, 'The server failed'],
  [AuiApplicationError, 'The server refused the message'],
]);

function describeClose(close: SocketCloseEvent, secret: string | undefined): string {
  const name = CLOSE_NAMES[close.code];
  const reason = close.reason ? `: ${redactSecret(close.reason, secret)}` : '';
  return `${close.code}${name ? ` ${name}` : ''}${reason}`;
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

/**
 * Turns how a turn's socket ended (close event and/or error frame) into one {@link AuiError}. The
 * error frame, when present, decides the class; the close adds `closeCode` and `reason`. A close with
 * 1008 always sets `closeCode: 1008`. Messages are human and contain neither the key nor the URL.
 *
 * @example
 * mapCloseToError({ close: { code: 1011, reason: '', opened: true } }); // AuiServerError, closeCode 1011
 */
export function mapCloseToError(input: CloseToErrorInput): AuiError {
  const { close, errorFrame, secret } = input;
  const base: AuiErrorInit = {
    taskId: input.taskId,
    cause: close?.error,
    reason: close?.reason ? redactSecret(close.reason, secret) : undefined,
  };

  if (errorFrame) {
    const Cls = classForStatus(errorFrame.status_code);
    const summary = summarizeErrorBody(errorFrame).message;
    const detail = summary ? `: ${redactSecret(summary, secret)}` : ` (status ${errorFrame.status_code})`;
    const closed = close ? ` (connection closed with ${describeClose(close, secret)})` : '';
    return new Cls(`${PREFIX.get(Cls) ?? 'The server reported an error'}${detail}${closed}`, {
      ...base,
      status: errorFrame.status_code,
      body: errorFrame,
      closeCode: close?.code,
    });
  }
  if (!close) return new AuiConnectionError('The turn ended without a close or an error frame', base);

  if (close.connectTimeoutMs !== undefined) {
    return new AuiTimeoutError(`The WebSocket did not open within ${close.connectTimeoutMs} ms`, 'connect', base);
  }
  if (close.handshakeStatus !== undefined) {
    const status = close.handshakeStatus;
    if (status === 401 || status === 403) {
      return new AuiAuthenticationError(`WebSocket handshake refused with HTTP ${status}: check the API key`, { ...base, status });
    }
    return new AuiConnectionError(`WebSocket handshake failed with HTTP ${status}`, { ...base, status });
  }
  const withCode = { ...base, closeCode: close.code };
  if (close.code === 1009 || isPayloadTooLarge(close.error)) {
    const limit = input.maxPayloadBytes !== undefined ? ` of ${input.maxPayloadBytes} bytes` : '';
    return new AuiProtocolError(`A frame exceeded the maximum payload size${limit}; the connection was closed`, {
      ...withCode,
      closeCode: 1009,
    });
  }
  if (close.code === 1008) {
    return new AuiAuthenticationError(`Authentication failed: the server closed the connection with ${describeClose(close, secret)}`, withCode);
  }
  if (close.code === 1011) {
    return new AuiServerError(`The server closed the connection with ${describeClose(close, secret)}`, withCode);
  }
  if (!close.opened) {
    const code = errorCode(close.error);
    return new AuiConnectionError(`Could not connect to the WebSocket server${code ? ` (${code})` : ''}`, withCode);
  }
  return new AuiConnectionError(`The connection closed with ${describeClose(close, secret)} before the reply was complete`, withCode);
}

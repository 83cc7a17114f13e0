/**
 * The expected classification, written from the wire reference (shared/spec/messaging-api.md §5, §4.5)
 * and design.md §2 as data, not derived from lib/: the fuzz suite and the failure-policy spec use it as
 * their oracle. Each row says where it comes from. A status no row names falls in its range row.
 */
import type { AuiErrorKind } from '../../lib/errors.js';

/** One expected outcome. */
export interface Expected {
  readonly kind: AuiErrorKind;
  readonly name: string;
  readonly retryable: boolean;
  /** Where the row comes from. */
  readonly why: string;
}

const row = (kind: AuiErrorKind, name: string, retryable: boolean, why: string): Expected => ({ kind, name, retryable, why });

const AUTH = (why: string): Expected => row('authentication', 'AuiAuthenticationError', false, why);
const APP = (why: string): Expected => row('application', 'AuiApplicationError', false, why);
const SERVER = (why: string): Expected => row('server', 'AuiServerError', true, why);
const PROTOCOL = (why: string): Expected => row('protocol', 'AuiProtocolError', false, why);
const CONNECTION = (why: string): Expected => row('connection', 'AuiConnectionError', true, why);

/** Statuses named by the wire reference or design.md (HTTP, handshake and error-frame `status_code` alike). */
export const STATUS_ROWS: Readonly<Record<number, Expected>> = {
  400: APP('§5.1 400 application error (content moderation), body {status_code, description, message, extra_data}'),
  401: AUTH('§5.1 401 missing/invalid/expired key; §4.5 handshake 401; Fern error frame 401'),
  403: AUTH('§5.1 403 key valid but no access / task of another network; §4.5 handshake 403'),
  404: APP('§5.1 404 task not found (Fern docs): repeating it will not find the task'),
  405: APP('4xx not listed: the request was refused for a reason a retry does not fix'),
  408: row('timeout', 'AuiTimeoutError', true, '§5.1 SDK retry policy retries 408 (request timeout)'),
  409: APP('4xx not listed'),
  410: APP('4xx not listed'),
  422: row('validation', 'AuiValidationError', false, '§5.1 422 detail[] / errors[]; §4.3 C error frame 422'),
  429: row('rate-limit', 'AuiRateLimitError', true, '§5.1 SDK retry policy retries 429, honours Retry-After'),
  500: SERVER('§5.1 500 internal error; §4.3 C error frame 500'),
  502: SERVER('§5.1 5xx'),
  503: SERVER('§5.1 5xx'),
  504: SERVER('§5.1 5xx'),
};

/**
 * The expected outcome of an HTTP-like status: the named row, else its range: other 4xx application,
 * other 5xx server; 1xx, 2xx, 3xx and anything outside 100–599 are no error status at all (protocol).
 */
export function expectedForStatus(status: number): Expected {
  const named = STATUS_ROWS[status];
  if (named) return named;
  if (Number.isInteger(status) && status >= 500 && status <= 599) return SERVER('§5.1 5xx');
  if (Number.isInteger(status) && status >= 400 && status <= 499) return APP('4xx not listed');
  return PROTOCOL('not an error status (1xx/2xx/3xx/out of range): the server broke the protocol');
}

/** Close codes (no error frame before them), mid-turn on an opened socket. */
export const CLOSE_ROWS: Readonly<Record<number, Expected>> = {
  1000: CONNECTION('§4.5 1000 normal closure: mid-turn it is still a lost reply (design.md §2)'),
  1001: CONNECTION('going away'),
  1002: PROTOCOL('protocol error: a malformed frame'),
  1003: PROTOCOL('unsupported data'),
  1005: CONNECTION('no status'),
  1006: CONNECTION('abnormal closure (network)'),
  1007: PROTOCOL('invalid payload (not UTF-8): malformed input'),
  1008: AUTH('§4.5 1008 policy violation: authentication or application error, never retried'),
  1009: PROTOCOL('message too big: over limits.maxFrameBytes'),
  1011: SERVER('§4.5 1011 internal error: retry the connection'),
  1012: CONNECTION('service restart'),
  1013: CONNECTION('try again later'),
  4001: AUTH('§4.5 Fern concepts page: 4001 invalid authentication'),
  4002: APP('§4.5 Fern concepts page: 4002 task not found'),
  4003: row('rate-limit', 'AuiRateLimitError', true, '§4.5 Fern concepts page: 4003 rate limit exceeded'),
  4999: CONNECTION('an undocumented application code'),
};

/** The expected outcome of a close code with no error frame (unnamed codes: a lost connection). */
export function expectedForClose(code: number): Expected {
  return CLOSE_ROWS[code] ?? CONNECTION('an undocumented close code');
}

/**
 * The expected outcome of an error frame with `status_code` then a close with `closeCode` (or none):
 * the frame decides the class; a 1008 close makes it non-retryable whatever the class (design.md §2).
 */
export function expectedForFrame(status: number, closeCode?: number): Expected {
  const byStatus = expectedForStatus(status);
  return closeCode === 1008 ? { ...byStatus, retryable: false, why: `${byStatus.why}; close 1008 never retried` } : byStatus;
}

/**
 * The answers the relay gives on its own (without asking upstream), each in a body shape the wire
 * reference documents, so the browser client classifies them as it would AUI's: 401
 * `{"detail": "Not authenticated"}`, 403 `{"status_code": 403, "errors": ["Forbidden"]}`, 404/405
 * `{"detail": …}`, 422 `{"detail": [ValidationItem…]}`, and `{status_code, description, message}`
 * for 413, 429, 502, 503 and 504. Also the refusal of a WebSocket upgrade on the raw socket.
 *
 * @packageDocumentation
 */
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** A status and JSON body the relay answers with. */
export interface RelayReply {
  /** HTTP status. */
  readonly status: number;
  /** The JSON body. */
  readonly body: unknown;
  /** Extra headers (e.g. `retry-after`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Headers on every REST answer the browser gets, the relay's own and upstream's: answers are one
 * user's data, so no shared cache keeps them, and they are data, never a page of the app's origin
 * (a `text/html` answer from upstream cannot run script there).
 */
export const ANSWER_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
};

/** The documented 401 body (G1). */
export const NOT_AUTHENTICATED: RelayReply = { status: 401, body: { detail: 'Not authenticated' } };
/** The documented 403 body (G0), for a task of another user. */
export const FORBIDDEN: RelayReply = { status: 403, body: { status_code: 403, errors: ['Forbidden'] } };
/** A path under `/api/v1/external` the relay does not serve. */
export const NOT_FOUND: RelayReply = { status: 404, body: { detail: 'Not Found' } };

/** `{status_code, description, message}` with the standard reason phrase as description. */
export function applicationReply(status: number, message: string, headers?: Readonly<Record<string, string>>): RelayReply {
  const body = { status_code: status, description: STATUS_CODES[status] ?? 'Error', message };
  return headers === undefined ? { status, body } : { status, body, headers };
}

/** 405 with the `Allow` header. */
export function methodNotAllowed(allow: readonly string[]): RelayReply {
  return { status: 405, body: { detail: 'Method Not Allowed' }, headers: { allow: allow.join(', ') } };
}

/** 422 in FastAPI's form, one problem at `loc`. */
export function unprocessable(loc: ReadonlyArray<string | number>, msg: string, type: string): RelayReply {
  return { status: 422, body: { detail: [{ loc, msg, type }] } };
}

/** 429 for a user past `maxSessionsPerUser`. */
export function tooManySessions(max: number): RelayReply {
  return applicationReply(429, `At most ${max} WebSocket sessions per user are open at once`, { 'retry-after': '1' });
}

/**
 * Writes `reply` as JSON (with `content-length`), unless a response was already started; `extra`
 * headers (CORS) are set first.
 *
 * @example
 * sendReply(res, NOT_AUTHENTICATED);
 */
export function sendReply(res: ServerResponse, reply: RelayReply): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...reply.headers,
    ...ANSWER_HEADERS,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/**
 * Refuses a WebSocket upgrade on its raw socket with `reply` as an HTTP response, then ends it.
 *
 * @example
 * refuseUpgrade(socket, tooManySessions(4));
 */
export function refuseUpgrade(socket: Duplex, reply: RelayReply): void {
  if (socket.destroyed) return;
  const text = JSON.stringify(reply.body);
  const headers = Object.entries({ ...reply.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), connection: 'close' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? 'Error'}\r\n${headers}\r\n${text}`);
}

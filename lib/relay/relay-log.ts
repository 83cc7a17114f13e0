/**
 * The relay's access log: one entry per REST request and per WebSocket session, handed to the
 * `onLog` option. Entries never carry the key: the path loses its `network_api_key` parameter and
 * every form of the key.
 *
 * @packageDocumentation
 */
import { redactText } from '../internal/redact-secret.js';
import { API_KEY_QUERY_PARAM } from '../transports/websocket/socket-url.js';

/** One access-log entry. */
export interface AuiRelayLogEntry {
  /** `rest` for a REST request, `session` for a WebSocket session (logged when it ends). */
  readonly type: 'rest' | 'session';
  /** The HTTP method (`GET` for a session's upgrade). */
  readonly method: string;
  /** The request path and query as the browser sent them, with no `network_api_key` and no form of the key. */
  readonly path: string;
  /** The user `authorize` returned; `undefined` when the request was refused before (401, 503). */
  readonly user: string | undefined;
  /** The HTTP status sent to the browser (101 for a session that was upgraded). */
  readonly status: number;
  /** Milliseconds from the request to its end (for a session: to the close of both sockets), on the relay's scheduler. */
  readonly durationMs: number;
  /** For a session: the close code the browser's socket ended with (1006 when it was dropped). */
  readonly closeCode?: number;
}

/**
 * `url` (a request's path and query) safe for a log: without `network_api_key` and with every form of
 * `secret` replaced; cut to 2048 characters.
 *
 * @example
 * logPath('/api/v1/external/session?network_api_key=k', 'k'); // '/api/v1/external/session'
 */
export function logPath(url: string, secret: string | undefined): string {
  let path = url;
  const q = url.indexOf('?');
  if (q !== -1) {
    const params = new URLSearchParams(url.slice(q + 1));
    params.delete(API_KEY_QUERY_PARAM);
    const query = params.toString();
    path = url.slice(0, q) + (query ? `?${query}` : '');
  }
  path = redactText(path, secret);
  return path.length > 2048 ? `${path.slice(0, 2048)}…` : path;
}

/**
 * Hands `entry` to `onLog`, if any; what the hook throws is swallowed (a broken logger must not
 * break the relay).
 *
 * @example
 * emitLog(options.onLog, { type: 'rest', method: 'GET', path: '/api/v1/external/tasks', user: 'u1', status: 200, durationMs: 3 });
 */
export function emitLog(onLog: ((entry: AuiRelayLogEntry) => void) | undefined, entry: AuiRelayLogEntry): void {
  if (onLog === undefined) return;
  try {
    onLog(entry);
  } catch {
    // ignored: see above
  }
}

/**
 * CORS for the relay's REST routes, only when the `cors` option is set (a page on another origin),
 * and the `Origin` check of its WebSocket upgrades (browsers send `Origin` on every upgrade, and CORS
 * does not protect WebSockets: without the check, any site could open a session with the user's cookies).
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuiRelayCors } from './relay-options.js';

/** Request headers a preflight may ask for are echoed when they are plain header names. */
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

/**
 * Whether `origin` is one `cors` allows.
 *
 * @example
 * corsAllows({ origin: ['https://app.example'] }, 'https://app.example'); // true
 */
export function corsAllows(cors: AuiRelayCors | undefined, origin: string): boolean {
  if (cors === undefined) return false;
  const allowed = cors.origin;
  if (typeof allowed === 'function') {
    try {
      return allowed(origin) === true;
    } catch {
      return false;
    }
  }
  if (typeof allowed === 'string') return allowed === '*' || allowed === origin;
  return allowed.includes(origin);
}

/**
 * Sets the CORS headers of a response when `cors` is set and the request's `Origin` is allowed, and
 * answers a preflight (`OPTIONS` with `Access-Control-Request-Method`) with 204. Returns true when the
 * request was a preflight and has been answered.
 *
 * @example
 * if (applyCors(options.cors, req, res)) return;
 */
export function applyCors(cors: AuiRelayCors | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  if (cors === undefined) return false;
  const origin = req.headers.origin;
  const allowed = typeof origin === 'string' && corsAllows(cors, origin);
  if (allowed) {
    const any = cors.origin === '*' && cors.credentials !== true;
    res.setHeader('access-control-allow-origin', any ? '*' : origin);
    if (!any) res.setHeader('vary', 'Origin');
    if (cors.credentials === true) res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('access-control-expose-headers', 'retry-after');
  }
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (!preflight) return false;
  req.resume();
  const headers: Record<string, string> = { 'content-length': '0' };
  if (allowed) {
    const asked = req.headers['access-control-request-headers'];
    headers['access-control-allow-methods'] = 'GET, POST';
    headers['access-control-allow-headers'] = typeof asked === 'string' && HEADER_LIST.test(asked.trim()) ? asked.trim() : 'content-type, accept';
    headers['access-control-max-age'] = String(cors.maxAgeSeconds ?? 600);
  }
  res.writeHead(204, headers).end();
  return true;
}

/**
 * Whether a WebSocket upgrade may proceed: no `Origin` (not a browser), an `Origin` whose host is the
 * request's `Host` (same origin, also through a dev-server proxy that keeps `Host`), or one `cors`
 * names (a listed origin or the predicate). `'*'` does not count here: it means "any site, without
 * credentials", and a browser sends its cookies with every WebSocket.
 *
 * @example
 * if (!upgradeOriginAllowed(options.cors, req)) refuseUpgrade(socket, FORBIDDEN);
 */
export function upgradeOriginAllowed(cors: AuiRelayCors | undefined, req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (cors?.origin !== '*' && corsAllows(cors, origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

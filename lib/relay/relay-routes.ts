/**
 * Which of the relay's routes a request path names. The relay serves the paths of AUI under its
 * `basePath`: the four REST resources and the WebSocket session; every other path under
 * `/api/v1/external` is refused (never forwarded), and paths outside it are not the relay's.
 *
 * @packageDocumentation
 */
import { SESSION_PATH } from '../options.js';

/** Every path the relay serves starts with this (after the base path). */
export const EXTERNAL_PREFIX = '/api/v1/external';

/** A REST route of the relay. */
export type RelayRoute =
  /** `GET` (list) or `POST` (create) `/tasks`. */
  | { readonly kind: 'tasks' }
  /** `GET /tasks/{task_id}`; `taskId` decoded, or `undefined` when its encoding is broken. */
  | { readonly kind: 'task'; readonly taskId: string | undefined }
  /** `GET /tasks/{task_id}/messages`. */
  | { readonly kind: 'messages'; readonly taskId: string | undefined }
  /** `POST /message`. */
  | { readonly kind: 'message' }
  /** The WebSocket session path. */
  | { readonly kind: 'session' }
  /** A path under `/api/v1/external` the relay does not serve (404). */
  | { readonly kind: 'unknown' };

/** The methods each REST route allows. */
export const ROUTE_METHODS: Readonly<Record<RelayRoute['kind'], readonly string[]>> = {
  tasks: ['GET', 'POST'],
  task: ['GET'],
  messages: ['GET'],
  message: ['POST'],
  session: ['GET'],
  unknown: [],
};

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The route `pathname` names under `basePath`, or `undefined` when the path is not the relay's (the
 * handler then calls `next()`).
 *
 * @example
 * matchRoute('/aui/api/v1/external/tasks/abc/messages', '/aui'); // { kind: 'messages', taskId: 'abc' }
 */
export function matchRoute(pathname: string, basePath: string): RelayRoute | undefined {
  if (!pathname.startsWith(basePath)) return undefined;
  const path = pathname.slice(basePath.length);
  if (path !== EXTERNAL_PREFIX && !path.startsWith(`${EXTERNAL_PREFIX}/`)) return undefined;
  if (path === SESSION_PATH) return { kind: 'session' };
  const rest = path.slice(EXTERNAL_PREFIX.length);
  if (rest === '/tasks') return { kind: 'tasks' };
  if (rest === '/message') return { kind: 'message' };
  const task = /^\/tasks\/([^/]+)(\/messages)?$/.exec(rest);
  if (task?.[1] !== undefined) return { kind: task[2] ? 'messages' : 'task', taskId: decode(task[1]) };
  return { kind: 'unknown' };
}

/**
 * The path and query of a request as the relay sees it: Express's `originalUrl` when mounted with a
 * path (`app.use('/aui', relay.handler)` strips `/aui` from `url`), else `url`.
 *
 * @example
 * requestTarget({ url: '/api/v1/external/tasks' }); // '/api/v1/external/tasks'
 */
export function requestTarget(req: { readonly url?: string | undefined; readonly originalUrl?: unknown }): string {
  return typeof req.originalUrl === 'string' ? req.originalUrl : (req.url ?? '/');
}

/**
 * Splits a request target into its path and query (the path as sent, not decoded).
 *
 * @example
 * splitTarget('/a/b?x=1'); // { pathname: '/a/b', query: new URLSearchParams('x=1') }
 */
export function splitTarget(target: string): { pathname: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  const hash = target.indexOf('#');
  const end = hash === -1 ? target.length : hash;
  if (q === -1 || q > end) return { pathname: target.slice(0, end), query: new URLSearchParams() };
  return { pathname: target.slice(0, q), query: new URLSearchParams(target.slice(q + 1, end)) };
}

/**
 * The relay's REST side: one browser request, scoped to the user `authorize` names, then forwarded.
 * Create and list use that user (a `user_id` that differs is a 403); get task, task messages and send
 * message are forwarded only for a task that user owns (otherwise 403, nothing forwarded); upstream's
 * status and body come back unchanged except for key redaction. One access-log entry per request.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonObject, readBody } from './relay-body.js';
import { applyCors } from './relay-cors.js';
import { readRelayKey } from './relay-key.js';
import { emitLog, logPath } from './relay-log.js';
import type { ResolvedRelayOptions } from './relay-options.js';
import { ANSWER_HEADERS, applicationReply, FORBIDDEN, methodNotAllowed, NOT_AUTHENTICATED, NOT_FOUND, sendReply, unprocessable, type RelayReply } from './relay-replies.js';
import { EXTERNAL_PREFIX, ROUTE_METHODS, type RelayRoute } from './relay-routes.js';
import type { RestUpstream, UpstreamRequest } from './rest-forward.js';
import type { TaskScope } from './scope.js';

/** What the REST side shares with the rest of the relay. @internal */
export interface RestContext {
  readonly options: ResolvedRelayOptions;
  readonly scope: TaskScope;
  readonly upstream: RestUpstream;
  /** Whether `close()` was called. */
  isClosed(): boolean;
  /** Registers a request in flight (aborted by `close()`); returns its release. */
  track(controller: AbortController): () => void;
}

/** What the browser gets: the relay's own reply, or upstream's. */
type Answer = { readonly status: number; readonly write: (res: ServerResponse) => void };

/**
 * The user `authorize` returns for `req`, or `undefined` (also when it throws or rejects, or returns
 * something that is not a non-empty string).
 *
 * @example
 * const user = await authorizeRequest(options.authorize, req);
 */
export async function authorizeRequest(authorize: ResolvedRelayOptions['authorize'], req: IncomingMessage): Promise<string | undefined> {
  try {
    const user: unknown = await authorize(req);
    return typeof user === 'string' && user !== '' ? user : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Query parameters forwarded, per route (list: paging; send: the flag the client sends); no other
 * one is. The trace flags of send (`include_*_trace`) stay at the relay: a trace shows the network's
 * business logic and integration calls, which are not the browser user's to read.
 */
const QUERY_PARAMS: Readonly<Record<string, readonly string[]>> = { 'GET tasks': ['page', 'size'], 'POST message': ['is_external_api'] };

/**
 * The query that goes upstream: only the parameters `keep` names, so nothing the relay did not check
 * does (a browser's `network_api_key`, or any parameter a future AUI might read a user from).
 */
function upstreamQuery(query: URLSearchParams, keep: readonly string[]): URLSearchParams {
  const out = new URLSearchParams();
  for (const [name, value] of query) if (keep.includes(name)) out.append(name, value);
  return out;
}

/** The upstream request for `route`, or the reply that refuses it. */
async function scoped(ctx: RestContext, route: RelayRoute, method: string, user: string, query: URLSearchParams, bytes: Buffer, contentType: string | undefined, signal: AbortSignal): Promise<UpstreamRequest | RelayReply> {
  // On every route: a query `user_id` names the user or the request is refused.
  if (query.getAll('user_id').some((id) => id !== user)) return FORBIDDEN;
  const base = { method, query: upstreamQuery(query, QUERY_PARAMS[`${method} ${route.kind}`] ?? []), signal };
  switch (route.kind) {
    case 'tasks': {
      if (method === 'GET') {
        base.query.set('user_id', user);
        return { ...base, path: `${EXTERNAL_PREFIX}/tasks` };
      }
      const parsed = jsonObject(bytes, contentType);
      if ('reply' in parsed) return parsed.reply;
      const body = parsed.object;
      if (body['user_id'] !== undefined && body['user_id'] !== user) return FORBIDDEN;
      return { ...base, path: `${EXTERNAL_PREFIX}/tasks`, body: JSON.stringify({ ...body, user_id: user }) };
    }
    case 'task':
    case 'messages': {
      if (route.taskId === undefined) return FORBIDDEN;
      const verdict = await ctx.scope.check(user, route.taskId);
      if (!verdict.allowed) return verdict.reply;
      const path = `${EXTERNAL_PREFIX}/tasks/${encodeURIComponent(route.taskId)}${route.kind === 'messages' ? '/messages' : ''}`;
      return { ...base, path };
    }
    case 'message': {
      const parsed = jsonObject(bytes, contentType);
      if ('reply' in parsed) return parsed.reply;
      const taskId = parsed.object['task_id'];
      if (typeof taskId !== 'string') return unprocessable(['body', 'task_id'], 'str type expected', 'type_error.str');
      const verdict = await ctx.scope.check(user, taskId);
      if (!verdict.allowed) return verdict.reply;
      return { ...base, path: `${EXTERNAL_PREFIX}/message`, body: JSON.stringify(parsed.object) };
    }
    case 'session':
      return applicationReply(426, 'The session is a WebSocket: send an upgrade request', { upgrade: 'websocket' });
    default:
      return NOT_FOUND;
  }
}

/** Remembers the owner of every task in a 200 answer to create or list (saves a lookup later). */
function learnOwners(scope: TaskScope, route: RelayRoute, status: number, body: Buffer): void {
  if (route.kind !== 'tasks' || status !== 200) return;
  try {
    const value = JSON.parse(body.toString()) as { id?: unknown; user_id?: unknown; tasks?: unknown };
    const tasks = Array.isArray(value.tasks) ? (value.tasks as unknown[]) : [value];
    for (const task of tasks.slice(0, 100)) {
      const { id, user_id } = (task ?? {}) as { id?: unknown; user_id?: unknown };
      if (typeof id === 'string' && typeof user_id === 'string') scope.remember(id, user_id);
    }
  } catch {
    // not JSON: nothing to learn
  }
}

const fromReply = (reply: RelayReply): Answer => ({ status: reply.status, write: (res) => sendReply(res, reply) });

async function answer(ctx: RestContext, req: IncomingMessage, res: ServerResponse, route: RelayRoute, query: URLSearchParams, user: string): Promise<Answer | undefined> {
  const method = (req.method ?? 'GET').toUpperCase();
  const allowed = ROUTE_METHODS[route.kind];
  if (route.kind === 'unknown') return fromReply(NOT_FOUND);
  if (!allowed.includes(method)) return fromReply(methodNotAllowed(allowed));
  const read = await readBody(req, res, ctx.options.limits.maxBodyBytes);
  if ('aborted' in read) return undefined;
  if ('reply' in read) return fromReply(read.reply);
  const controller = new AbortController();
  const release = ctx.track(controller);
  let gone = false;
  const onClose = (): void => {
    gone = !res.writableFinished;
    if (gone) controller.abort();
  };
  res.once('close', onClose);
  try {
    const request = await scoped(ctx, route, method, user, query, read.bytes, req.headers['content-type'], controller.signal);
    if (!('path' in request)) return fromReply(request);
    let key: string;
    try {
      const { upstream: up, scheduler } = ctx.options;
      key = await readRelayKey(up.apiKey, up.timeouts.requestMs, scheduler, 'request');
    } catch {
      return fromReply(applicationReply(500, 'The relay could not read its API key'));
    }
    const forwarded = await ctx.upstream.send(request, key);
    if ('aborted' in forwarded) return gone ? undefined : fromReply(applicationReply(503, 'The relay is closed'));
    if ('reply' in forwarded) return fromReply(forwarded.reply);
    const { status, headers, body } = forwarded.upstream;
    learnOwners(ctx.scope, route, status, body);
    return {
      status,
      write: (out) => {
        if (out.headersSent || out.destroyed) return;
        out.writeHead(status, { ...headers, ...ANSWER_HEADERS, 'content-length': String(body.length) }).end(body);
      },
    };
  } finally {
    res.off('close', onClose);
    release();
  }
}

/**
 * Answers one REST request on a relay route: CORS (when configured), 503 once closed, 401 without a
 * user, then the route. Never rejects.
 *
 * @example
 * void handleRest(ctx, req, res, route, query);
 */
export async function handleRest(ctx: RestContext, req: IncomingMessage, res: ServerResponse, route: RelayRoute, target: string, query: URLSearchParams): Promise<void> {
  const { options } = ctx;
  const started = options.scheduler.now();
  const method = (req.method ?? 'GET').toUpperCase();
  let user: string | undefined;
  let status = 0;
  try {
    if (applyCors(options.cors, req, res)) {
      status = 204;
      return;
    }
    let result: Answer | undefined;
    if (ctx.isClosed()) result = fromReply(applicationReply(503, 'The relay is closed'));
    else user = await authorizeRequest(options.authorize, req);
    if (result === undefined) result = user === undefined ? fromReply(NOT_AUTHENTICATED) : await answer(ctx, req, res, route, query, user);
    if (result === undefined) {
      status = 499;
      return;
    }
    status = result.status;
    result.write(res);
  } catch {
    status = 500;
    sendReply(res, applicationReply(500, 'The relay failed'));
  } finally {
    const key = options.upstream.apiKey.lastKey;
    emitLog(options.onLog, { type: 'rest', method, path: logPath(target, key), user, status, durationMs: options.scheduler.now() - started });
  }
}

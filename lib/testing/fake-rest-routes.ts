/**
 * The REST half of FakeAuiServer (wire reference §2): tasks, task pages, one task, a task's
 * messages and send-message, with the `x-network-api-key` check, FastAPI-style 422 bodies, 403 for
 * another network's task, the canned agent, and the scripted REST faults of `fake-faults.ts`.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentMessage, Task } from '../protocol/rest.js';
import type { FakeServerContext } from './fake-aui-server.js';
import type { RestFault } from './fake-faults.js';
import { agentMessage, agentReplyText } from './fake-agent.js';
import { FORBIDDEN_BODY, NOT_AUTHENTICATED_BODY } from './fake-bodies.js';

/** Every REST path starts with this. */
const EXTERNAL = '/api/v1/external';
/** Largest request body the fake accepts. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Request headers a browser page may send cross-origin (answered in the CORS preflight). */
const CORS_ALLOW_HEADERS = 'x-network-api-key, content-type, accept';

/** One FastAPI validation item. */
interface Problem {
  readonly loc: ReadonlyArray<string | number>;
  readonly msg: string;
  readonly type: string;
}

/** The parsed request a route sees. */
interface Exchange {
  readonly ctx: FakeServerContext;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly bodyIsJson: boolean;
  readonly key: string;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json';
  res.writeHead(status, { 'content-type': type, ...headers }).end(text);
}

function invalid(res: ServerResponse, problems: readonly Problem[]): void {
  send(res, 422, { detail: problems });
}

const missing = (...loc: Array<string | number>): Problem => ({ loc, msg: 'field required', type: 'value_error.missing' });
const notString = (...loc: Array<string | number>): Problem => ({ loc, msg: 'str type expected', type: 'type_error.str' });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function parseJson(text: string): { body: unknown; isJson: boolean } {
  if (text === '') return { body: undefined, isJson: false };
  try {
    return { body: JSON.parse(text) as unknown, isJson: true };
  } catch {
    return { body: text, isJson: false };
  }
}

/** The fake's clock in the shape each reply style uses: G0 `2025-10-09 12:26:07.576000` or ISO `…Z`. */
function timestamp(ctx: FakeServerContext, legacy: boolean): string {
  const iso = ctx.now();
  return legacy ? iso.replace('T', ' ').replace(/(\.\d{3})Z$/, '$1000').replace(/Z$/, '') : iso;
}

/**
 * CORS, so a browser page served from another loopback origin can call the fake: every answer
 * allows any origin (and exposes `Retry-After`); a preflight `OPTIONS` gets 204 at once, without
 * the key check, and is neither counted, recorded, nor matched against scripted faults.
 * Returns true when the request was a preflight (already answered).
 */
function applyCors(req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', 'retry-after');
  if ((req.method ?? '').toUpperCase() !== 'OPTIONS') return false;
  req.resume();
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': CORS_ALLOW_HEADERS,
    'access-control-max-age': '600',
    'content-length': '0',
  }).end();
  return true;
}

/** Answers one REST request (everything under the base path), CORS preflights included. */
export async function handleRestRequest(
  ctx: FakeServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  if (applyCors(req, res)) return;
  ctx.stats.restRequests += 1;
  let closedByServer = false;
  res.on('close', () => {
    if (!res.writableFinished && !closedByServer) ctx.stats.abortedRequests += 1;
  });
  let text: string;
  try {
    text = await readBody(req);
  } catch {
    return; // the client went away while sending; `close` counts it
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const { body, isJson } = parseJson(text);
  ctx.requests.push({ method, path, query, headers: req.headers, body });
  const header = req.headers['x-network-api-key'];
  const exchange: Exchange = { ctx, req, res, method, path, query, body, bodyIsJson: isJson, key: typeof header === 'string' ? header : '' };

  const fault = ctx.takeRestFault(method, path.startsWith(EXTERNAL) ? path.slice(EXTERNAL.length) || '/' : path);
  if (fault) {
    applyFault(exchange, fault, () => {
      closedByServer = true;
    });
    return;
  }
  route(exchange);
}

function applyFault(ex: Exchange, fault: RestFault, markServerClose: () => void): void {
  const { res } = ex;
  switch (fault.type) {
    case 'status': {
      const headers: Record<string, string> = { ...(fault.headers ?? {}) };
      if (fault.contentType) headers['content-type'] = fault.contentType;
      send(res, fault.status, fault.body, headers);
      return;
    }
    case 'delay':
      ex.ctx.later(fault.ms, () => {
        if (!res.destroyed) route(ex);
      });
      return;
    case 'stall':
      return; // never answer; the client gives up or the server stops
    case 'reset':
      markServerClose();
      ex.req.socket.destroy();
      return;
    case 'redirect':
      if (!res.headersSent) res.writeHead(fault.status ?? 307, { location: fault.location, 'content-length': '0' }).end();
      return;
    case 'raw':
      if (!res.headersSent) {
        res.writeHead(fault.status ?? 200, { 'content-type': fault.contentType ?? 'application/json' }).end(fault.text);
      }
      return;
  }
}

function route(ex: Exchange): void {
  const { ctx, res, method, path } = ex;
  if (!ctx.isValidKey(ex.key || undefined)) return send(res, 401, NOT_AUTHENTICATED_BODY);
  if (!path.startsWith(`${EXTERNAL}/`)) return send(res, 404, { detail: 'Not Found' });
  const rest = path.slice(EXTERNAL.length);
  const taskMatch = /^\/tasks\/([^/]+)(\/messages)?$/.exec(rest);
  const allow = (...methods: string[]): boolean => {
    if (methods.includes(method)) return true;
    send(res, 405, { detail: 'Method Not Allowed' }, { allow: methods.join(', ') });
    return false;
  };
  if (rest === '/tasks') {
    if (!allow('GET', 'POST')) return;
    return method === 'POST' ? createTask(ex) : listTasks(ex);
  }
  if (rest === '/message') return allow('POST') ? sendMessage(ex) : undefined;
  if (taskMatch?.[1] !== undefined) {
    if (!allow('GET')) return;
    let id: string;
    try {
      id = decodeURIComponent(taskMatch[1]);
    } catch {
      return send(res, 404, { detail: 'Task not found' });
    }
    const task = ownedTask(ex, id);
    if (!task) return;
    return send(res, 200, taskMatch[2] ? (ctx.store.messages.get(task.id) ?? []) : task);
  }
  send(res, 404, { detail: 'Not Found' });
}

/** The task if it exists and belongs to the caller's network; otherwise answers 404/403 and returns undefined. */
function ownedTask(ex: Exchange, id: string): Task | undefined {
  const task = ex.ctx.store.getTask(id);
  if (!task) {
    send(ex.res, 404, { detail: 'Task not found' });
    return undefined;
  }
  if (ex.ctx.store.owners.get(task.id) !== ex.key) {
    send(ex.res, 403, FORBIDDEN_BODY);
    return undefined;
  }
  return task;
}

/** The JSON object body, or answers 422 and returns undefined. */
function objectBody(ex: Exchange): Record<string, unknown> | undefined {
  if (ex.body === undefined) {
    invalid(ex.res, [missing('body')]);
    return undefined;
  }
  if (!ex.bodyIsJson) {
    invalid(ex.res, [{ loc: ['body', 0], msg: 'JSON decode error', type: 'value_error.jsondecode' }]);
    return undefined;
  }
  if (typeof ex.body !== 'object' || ex.body === null || Array.isArray(ex.body)) {
    invalid(ex.res, [{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
    return undefined;
  }
  return ex.body as Record<string, unknown>;
}

function requireStrings(body: Record<string, unknown>, names: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  for (const name of names) {
    if (body[name] === undefined || body[name] === null) problems.push(missing('body', name));
    else if (typeof body[name] !== 'string') problems.push(notString('body', name));
  }
  return problems;
}

function createTask(ex: Exchange): void {
  const body = objectBody(ex);
  if (!body) return;
  const problems = requireStrings(body, ['user_id']);
  if (problems.length) return invalid(ex.res, problems);
  send(ex.res, 200, ex.ctx.store.createTask(body['user_id'] as string, ex.key));
}

function positiveInt(ex: Exchange, name: string, fallback: number, problems: Problem[]): number {
  const raw = ex.query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
    problems.push({ loc: ['query', name], msg: 'value is not a valid integer', type: 'type_error.integer' });
  } else if (value < 1) {
    problems.push({ loc: ['query', name], msg: 'ensure this value is greater than or equal to 1', type: 'value_error.number.not_ge' });
  }
  return value;
}

function listTasks(ex: Exchange): void {
  const problems: Problem[] = [];
  const userId = ex.query.get('user_id');
  if (userId === null) problems.push(missing('query', 'user_id'));
  const page = positiveInt(ex, 'page', 1, problems);
  const size = positiveInt(ex, 'size', 10, problems);
  if (problems.length || userId === null) return invalid(ex.res, problems);
  const all = ex.ctx.store.tasksOf(userId, ex.key);
  send(ex.res, 200, { tasks: all.slice((page - 1) * size, page * size), total: all.length, page, size });
}

function sendMessage(ex: Exchange): void {
  const body = objectBody(ex);
  if (!body) return;
  const problems = requireStrings(body, ['task_id', 'text']);
  const context = body['context'];
  if (context !== undefined && context !== null && (typeof context !== 'object' || Array.isArray(context))) {
    problems.push({ loc: ['body', 'context'], msg: 'value is not a valid dict', type: 'type_error.dict' });
  }
  if (problems.length) return invalid(ex.res, problems);
  const task = ownedTask(ex, body['task_id'] as string);
  if (!task) return;
  const { store, settings } = ex.ctx;
  const legacy = settings.replyShape === 'legacy';
  const createdAt = timestamp(ex.ctx, legacy);
  const text = body['text'] as string;
  const userMessage: AgentMessage = {
    id: store.nextId(),
    created_at: createdAt,
    text,
    sender: { id: task.user_id, type: 'user', email: null },
    receiver: { id: 'intelligent-agent', type: 'agent', email: null },
    ...(legacy ? { options: [], variants_options: [] } : { cards: [] }),
    followup_suggestions: [],
  };
  const reply = agentMessage({ id: store.nextId(), text: agentReplyText(text), userId: task.user_id, shape: settings.replyShape, createdAt });
  store.addMessage(task.id, userMessage);
  store.addMessage(task.id, reply);
  send(ex.res, 200, reply);
}

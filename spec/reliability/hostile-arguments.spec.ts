/**
 * Hostile callers (design.md §7, "Arguments" and "Ids and URLs"): every method, REST and WebSocket
 * alike, refuses a bad argument with one AuiValidationError in one message format, before any
 * request, upgrade or even TCP connection; a getter that throws, a Proxy, a cycle, a BigInt, a path
 * segment like '..', a control character or a 1 MB id included. A key with a line break is refused
 * the same way on both transports.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { lastValueFrom, toArray, type Observable } from 'rxjs';
import { AuiClient, AuiValidationError, isAuiError, type AuiClientOptions } from '../../lib/index';
import * as F from '../helpers/fixtures';
import { randomApiKey, waitFor } from '../helpers/rest-helpers';

const EXT = '/api/v1/external';
const FORMAT = /^Invalid arguments for (createTask|listTasks|listAllTasks|getTask|getTaskMessages|sendMessage|streamMessage): .+; no request was sent$/s;
/** Longest message any refusal may have, whatever it was given. */
const MAX_MESSAGE = 2_000;
const HUGE_ID = `${'x'.repeat(1024 * 1024 - 1)}y`;

/** A node:http + ws server on 127.0.0.1 that counts every TCP connection, request and upgrade. */
interface CountingServer {
  readonly baseUrl: string;
  readonly seen: { connections: number; requests: number; upgrades: number };
  stop(): Promise<void>;
}

function answer(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const json = (body: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (path === `${EXT}/tasks` && req.method === 'POST') return json(F.TASK_G1);
  if (path === `${EXT}/tasks`) return json({ tasks: [F.TASK_G1], total: 1, page: 1, size: 10 });
  if (path.endsWith('/messages')) return json([F.AGENT_MESSAGE_G1]);
  if (path.startsWith(`${EXT}/tasks/`)) return json(F.TASK_G1);
  if (path === `${EXT}/message`) return json(F.AGENT_MESSAGE_G1);
  res.writeHead(404).end();
}

async function startCountingServer(): Promise<CountingServer> {
  const seen = { connections: 0, requests: 0, upgrades: 0 };
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer((req, res) => {
    seen.requests++;
    answer(req, res);
  });
  server.on('connection', () => void seen.connections++);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    seen.upgrades++;
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', () => ws.send(JSON.stringify(F.AGENT_MESSAGE_G1)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    stop: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Subscribes; resolves with the error (fails when the source emits or completes instead). */
function refusalOf(source: Observable<unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    source.subscribe({
      next: (v) => reject(new Error(`expected an error, got a value ${JSON.stringify(v)?.slice(0, 200)}`)),
      error: resolve,
      complete: () => reject(new Error('expected an error, got completion')),
    });
  });
}

/** A few macrotasks, so a request that would still go out has the time to reach the server. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

type Call = (client: AuiClient) => Observable<unknown>;

/** A Proxy whose every trap throws. */
function hostileProxy(): object {
  const boom = (): never => {
    throw new Error('proxy trap');
  };
  return new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
}

function throwingGetter<T extends object>(base: T, name: string): T {
  return Object.defineProperty({ ...base }, name, {
    enumerable: true,
    get: () => {
      throw new Error(`getter ${name}`);
    },
  });
}

const cyclic = (): Record<string, unknown> => {
  const c: Record<string, unknown> = { a: 1 };
  c['self'] = c;
  return c;
};

/** The task id an error must carry for a given raw id: trimmed, absent when blank, clipped when huge. */
function expectedTaskId(raw: string): ((taskId: string | undefined) => void) {
  const trimmed = raw.trim();
  if (trimmed === '') return (taskId) => expect(taskId).toBeUndefined();
  if (trimmed.length > 1000) {
    return (taskId) => {
      expect(taskId?.length).toBeLessThanOrEqual(200);
      expect(trimmed.startsWith((taskId ?? '').replace(/…$/, ''))).toBe(true);
    };
  }
  return (taskId) => expect(taskId).toBe(trimmed);
}

const BAD_TASK_IDS: Array<[string, string]> = [
  ["'.'", '.'],
  ["'..'", '..'],
  ["' .. '", ' .. '],
  ['NUL', '\u0000'],
  ['a line feed inside', 'a\nb'],
  ['DEL', 'a\u007fb'],
  ['a C1 control (U+0085)', 'a\u0085b'],
  ['empty', ''],
  ['1 MB', HUGE_ID],
];

const BAD_USER_IDS: Array<[string, string]> = [
  ['NUL', 'u\u0000'],
  ['a line feed inside', 'u\nv'],
  ['empty', ''],
  ['1 MB', HUGE_ID],
];

describe('hostile arguments: refused before anything reaches the server', () => {
  let server: CountingServer;
  let client: AuiClient;
  const clients: AuiClient[] = [];

  const newClient = (extra: Partial<AuiClientOptions> = {}): AuiClient => {
    const c = new AuiClient({ apiKey: randomApiKey(), baseUrl: server.baseUrl, timeouts: { connectMs: 5_000, idleMs: 5_000, requestMs: 5_000 }, ...extra });
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    server = await startCountingServer();
    client = newClient();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.stop();
  });

  /** Calls, proves no synchronous throw, and checks the refusal: class, format, retryable, bounded, nothing sent. */
  async function expectRefused(call: Call, on: AuiClient = client): Promise<AuiValidationError> {
    let source: Observable<unknown> | undefined;
    expect(() => (source = call(on))).not.toThrow();
    const error = await refusalOf(source as Observable<unknown>);
    expect(error).toBeInstanceOf(AuiValidationError);
    const e = error as AuiValidationError;
    expect(isAuiError(e)).toBe(true);
    expect(e.kind).toBe('validation');
    expect(e.retryable).toBe(false);
    expect(e.message.length).toBeLessThan(MAX_MESSAGE);
    expect(String(e).length).toBeLessThan(MAX_MESSAGE + 100);
    expect(JSON.stringify(e).length).toBeLessThan(10_000);
    await settle();
    expect(server.seen).toEqual({ connections: 0, requests: 0, upgrades: 0 });
    return e;
  }

  describe.each(BAD_TASK_IDS)('task id %s', (_label, id) => {
    const calls: Array<[string, Call]> = [
      ['getTask', (c) => c.getTask(id)],
      ['getTaskMessages', (c) => c.getTaskMessages(id)],
      ['sendMessage', (c) => c.sendMessage({ task_id: id, text: 'hi' })],
      ['streamMessage', (c) => c.streamMessage({ task_id: id, text: 'hi' })],
    ];
    it.each(calls)('%s → AuiValidationError, one format, taskId where known, nothing sent', async (method, call) => {
      const error = await expectRefused(call);
      expect(error.message).toMatch(FORMAT);
      expect(error.message.startsWith(`Invalid arguments for ${method}: `)).toBe(true);
      expect(error.issues?.length).toBeGreaterThan(0);
      expectedTaskId(id)(error.taskId);
    });
  });

  describe.each(BAD_USER_IDS)('user id %s', (_label, id) => {
    const calls: Array<[string, Call]> = [
      ['createTask', (c) => c.createTask({ user_id: id })],
      ['listTasks', (c) => c.listTasks({ user_id: id })],
      ['listAllTasks', (c) => c.listAllTasks({ user_id: id })],
    ];
    it.each(calls)('%s → AuiValidationError, nothing sent', async (method, call) => {
      const error = await expectRefused(call);
      expect(error.message).toMatch(FORMAT);
      expect(error.message.startsWith(`Invalid arguments for ${method}: user_id: `)).toBe(true);
      expect(error.taskId).toBeUndefined();
    });
  });

  const hostileValues: Array<[string, Call, string | undefined]> = [
    ['createTask, user_id getter throws', (c) => c.createTask(throwingGetter({ user_id: 'u' }, 'user_id')), undefined],
    ['createTask, Proxy', (c) => c.createTask(hostileProxy() as never), undefined],
    ['createTask, a cycle', (c) => c.createTask({ user_id: 'u', extra: cyclic() } as never), undefined],
    ['createTask, a BigInt', (c) => c.createTask({ user_id: 'u', agent: { agent_id: 'a', n: 10n } } as never), undefined],
    ['listTasks, user_id getter throws', (c) => c.listTasks(throwingGetter({ user_id: 'u' }, 'user_id')), undefined],
    ['listTasks, Proxy', (c) => c.listTasks(hostileProxy() as never), undefined],
    ['listAllTasks, size getter throws', (c) => c.listAllTasks(throwingGetter({ user_id: 'u', size: 5 }, 'size')), undefined],
    ['listAllTasks, Proxy', (c) => c.listAllTasks(hostileProxy() as never), undefined],
    ['getTask, Proxy', (c) => c.getTask(hostileProxy() as never), undefined],
    ['getTaskMessages, an object with a throwing toString', (c) => c.getTaskMessages({ toString: () => { throw new Error('x'); } } as never), undefined],
    ['sendMessage, task_id getter throws', (c) => c.sendMessage(throwingGetter({ task_id: 't1', text: 'hi' }, 'task_id')), undefined],
    ['sendMessage, text getter throws', (c) => c.sendMessage(throwingGetter({ task_id: ' t1 ', text: 'hi' }, 'text')), 't1'],
    ['sendMessage, Proxy', (c) => c.sendMessage(hostileProxy() as never), undefined],
    ['sendMessage, a cycle in context', (c) => c.sendMessage({ task_id: 't1', text: 'hi', context: { lead_details: cyclic() } }), 't1'],
    ['sendMessage, a BigInt in agent_variables', (c) => c.sendMessage({ task_id: 't1', text: 'hi', agent_variables: { n: 10n } }), 't1'],
    ['streamMessage, task_id getter throws', (c) => c.streamMessage(throwingGetter({ task_id: 't1', text: 'hi' }, 'task_id')), undefined],
    ['streamMessage, text getter throws', (c) => c.streamMessage(throwingGetter({ task_id: ' t1 ', text: 'hi' }, 'text')), 't1'],
    ['streamMessage, context getter throws', (c) => c.streamMessage(throwingGetter({ task_id: 't1', text: 'hi', context: {} }, 'context')), 't1'],
    ['streamMessage, Proxy', (c) => c.streamMessage(hostileProxy() as never), undefined],
    ['streamMessage, a cycle in context', (c) => c.streamMessage({ task_id: 't1', text: 'hi', context: { lead_details: cyclic() } }), 't1'],
    ['streamMessage, a BigInt in agent_variables', (c) => c.streamMessage({ task_id: 't1', text: 'hi', agent_variables: { n: 10n } }), 't1'],
    ['streamMessage, null', (c) => c.streamMessage(null as never), undefined],
    ['streamMessage, blank text', (c) => c.streamMessage({ task_id: ' t1 ', text: ' \n ' }), 't1'],
  ];

  it.each(hostileValues)('%s → AuiValidationError (cause kept), one format, nothing sent', async (_label, call, taskId) => {
    const error = await expectRefused(call);
    expect(error.message).toMatch(FORMAT);
    expect(error.issues?.length).toBeGreaterThan(0);
    expect(error.taskId).toBe(taskId);
  });

  it('a getter that throws keeps its error as cause', async () => {
    const error = await expectRefused((c) => c.streamMessage(throwingGetter({ task_id: 't1', text: 'hi' }, 'text')));
    expect((error.cause as Error).message).toBe('getter text');
  });

  describe('a bad API key is refused alike on both transports, before any connection', () => {
    const keys: Array<[string, AuiClientOptions['apiKey'], RegExp]> = [
      ['a line break in a string key', 'API_KEY_01\r\nX-Injected: 1', /^apiKey contains characters that are not allowed in an HTTP header; no request was sent$/],
      ['a line break from a key function', () => 'API_KEY_01\nX', /^apiKey contains characters that are not allowed in an HTTP header; no request was sent$/],
      ['a key function that throws', () => { throw new Error('vault down'); }, /^apiKey function threw; no request was sent$/],
      ['a key function that returns ""', () => '', /^apiKey function returned no key; no request was sent$/],
    ];
    it.each(keys)('%s: REST and WebSocket give the same AuiValidationError', async (_label, apiKey, message) => {
      const bad = newClient({ apiKey });
      const rest = await expectRefused((c) => c.getTask('t1'), bad);
      const ws = await expectRefused((c) => c.streamMessage({ task_id: 't1', text: 'hi' }), bad);
      expect(rest.message).toMatch(message);
      expect(ws.message).toBe(rest.message);
      expect(ws.taskId).toBe('t1');
      expect(rest.taskId).toBe('t1');
      expect(ws.issues).toEqual(rest.issues);
    });
  });

  it('control: valid calls do reach the server (the counters count)', async () => {
    const task = await lastValueFrom(client.getTask('68e78d0dc5a4b19a030d03d6'));
    expect(task.id).toBe(F.TASK_G1.id);
    expect(server.seen.requests).toBe(1);
    const events = await lastValueFrom(client.streamMessage({ task_id: '68e78d0dc5a4b19a030d03d6', text: 'hi' }).pipe(toArray()));
    expect(events.map((e) => e.kind)).toEqual(['final']);
    await waitFor(() => server.seen.upgrades === 1, 'the upgrade to be counted');
    // A percent-encoded id with dots inside (not a dot segment) is fine.
    await lastValueFrom(client.getTask('a..b'));
    expect(server.seen.requests).toBe(2);
  });
});

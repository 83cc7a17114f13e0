/**
 * FastAPI-style nulls (design.md §7, "Nulls"): the real server writes `null` for every unset optional
 * field. Every endpoint and the WebSocket session answer here with `null` in every optional field:
 * the values parse, with those keys absent (`field?: T`, never `field: null`), and defaults (`[]`)
 * where the schema has one. Error bodies and error frames whose fields are null still classify by
 * their status, and the 1008 latch still costs one connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { lastValueFrom, retry, toArray } from 'rxjs';
import {
  AuiApplicationError,
  AuiAuthenticationError,
  AuiClient,
  AuiServerError,
  AuiValidationError,
  failFastOn1008,
  type AuiError,
} from '../../lib/index';
import { errorOf, randomApiKey, waitFor } from '../helpers/rest-helpers';

const EXT = '/api/v1/external';
const EVENT = 'thread-message-text-content-updated';
const TASK_ID = '68e78d0dc5a4b19a030d03d6';

const TASK_NULLS = { id: TASK_ID, user_id: 'u1', title: 'New Task', welcome_message: null, followup_suggestions: null };
const TASK_PARSED = { id: TASK_ID, user_id: 'u1', title: 'New Task' };

const PARTY_NULLS = (id: string, type: string) => ({ id, type, email: null });
const MESSAGE_BASE = {
  id: 'm1',
  created_at: '2025-10-09 12:26:07.576000',
  text: 'Two ovens fit.',
  sender: PARTY_NULLS('intelligent-agent', 'agent'),
  receiver: PARTY_NULLS('u1', 'user'),
  followup_suggestions: null,
  welcome_message: null,
  executed_workflows: null,
  url: null,
  trace_info: null,
};
const MESSAGE_BASE_PARSED = {
  id: 'm1',
  created_at: '2025-10-09 12:26:07.576000',
  text: 'Two ovens fit.',
  sender: { id: 'intelligent-agent', type: 'agent' },
  receiver: { id: 'u1', type: 'user' },
};
/** Current shape: cards with every optional member null; legacy members null. */
const MESSAGE_CARDS_NULLS = {
  ...MESSAGE_BASE,
  options: null,
  variants_options: null,
  cards: [
    { id: 'p1', name: 'Oven', category: null, parameters: null, is_recommended: null },
    { id: 'p2', name: 'Hob', category: 'kitchen', parameters: [{ param: null, title: 'Price', value: null, type: null }], is_recommended: true },
  ],
};
const MESSAGE_CARDS_PARSED = {
  ...MESSAGE_BASE_PARSED,
  cards: [
    { id: 'p1', name: 'Oven', parameters: [] },
    // A parameter's value null is a value (kept as sent), not an unset field.
    { id: 'p2', name: 'Hob', category: 'kitchen', parameters: [{ title: 'Price', value: null }], is_recommended: true },
  ],
};
/** Legacy shape: options with every optional member null; cards null. */
const MESSAGE_LEGACY_NULLS = {
  ...MESSAGE_BASE,
  cards: null,
  variants_options: null,
  options: [
    { is_recommended: null, widget_parameters: null },
    { is_recommended: false, widget_parameters: [{ title: 'Price', value: null, type: 'numeric' }] },
  ],
};
const MESSAGE_LEGACY_PARSED = {
  ...MESSAGE_BASE_PARSED,
  options: [{ widget_parameters: [] }, { is_recommended: false, widget_parameters: [{ title: 'Price', value: null, type: 'numeric' }] }],
};

/** A1 text frames with every optional member null. */
const A1_NULLS = (text: string) => ({
  channel: { type: null, channel_name: null, event_name: EVENT },
  scope: { type: null, data: null, context: { message_id: null, task_id: TASK_ID, interaction_id: null, pillar: null } },
  data: { text },
  timestamp: null,
});
const A1_SCOPE_NULL = (text: string) => ({ channel: { event_name: EVENT, type: null }, scope: null, data: { text }, timestamp: null });

type Route = (req: IncomingMessage, res: ServerResponse) => void;
type Session = (ws: WebSocket) => void;

interface NullServer {
  readonly baseUrl: string;
  readonly seen: { requests: number; connections: number };
  route: Route;
  session: Session;
  stop(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown): void =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** Every endpoint, FastAPI style. */
const nullRoutes: Route = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  if (path === `${EXT}/tasks` && req.method === 'POST') return json(res, 200, TASK_NULLS);
  if (path === `${EXT}/tasks`) {
    const page = Number(url.searchParams.get('page') ?? '1');
    return json(res, 200, page === 1 ? { tasks: [TASK_NULLS], total: 1, page: 1, size: 10 } : { tasks: null, total: 1, page, size: 10 });
  }
  if (path === `${EXT}/tasks/${TASK_ID}/messages`) return json(res, 200, [MESSAGE_CARDS_NULLS, MESSAGE_LEGACY_NULLS]);
  if (path === `${EXT}/tasks/${TASK_ID}`) return json(res, 200, TASK_NULLS);
  if (path === `${EXT}/message`) return json(res, 200, MESSAGE_LEGACY_NULLS);
  return json(res, 404, { detail: null });
};

/** A turn: A1 frames with nulls, then a final message with nulls. */
const nullSession: Session = (ws) => {
  ws.on('message', () => {
    ws.send(JSON.stringify(A1_NULLS('Two ')));
    ws.send(JSON.stringify(A1_SCOPE_NULL('ovens fit.')));
    ws.send(JSON.stringify(MESSAGE_CARDS_NULLS));
  });
};

async function startNullServer(): Promise<NullServer> {
  const wss = new WebSocketServer({ noServer: true });
  const state: NullServer = {
    baseUrl: '',
    seen: { requests: 0, connections: 0 },
    route: nullRoutes,
    session: nullSession,
    stop: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    state.seen.requests++;
    state.route(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    state.seen.connections++;
    wss.handleUpgrade(req, socket, head, (ws) => state.session(ws));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

describe('hostile nulls: FastAPI writes null for every unset optional field', () => {
  let server: NullServer;
  let client: AuiClient;

  beforeEach(async () => {
    server = await startNullServer();
    client = new AuiClient({ apiKey: randomApiKey(), baseUrl: server.baseUrl, timeouts: { connectMs: 5_000, idleMs: 5_000, requestMs: 5_000 } });
  });

  afterEach(async () => {
    client.close();
    await server.stop();
  });

  describe('every endpoint parses, with the null keys absent', () => {
    it('createTask and getTask: a task with welcome_message and followup_suggestions null', async () => {
      expect(await lastValueFrom(client.createTask({ user_id: 'u1' }))).toStrictEqual(TASK_PARSED);
      const task = await lastValueFrom(client.getTask(TASK_ID));
      expect(task).toStrictEqual(TASK_PARSED);
      expect('welcome_message' in task).toBe(false);
    });

    it('listTasks: tasks null reads as [] (the default); tasks inside lose their null keys', async () => {
      expect(await lastValueFrom(client.listTasks({ user_id: 'u1' }))).toStrictEqual({ tasks: [TASK_PARSED], total: 1, page: 1, size: 10 });
      expect(await lastValueFrom(client.listTasks({ user_id: 'u1', page: 2 }))).toStrictEqual({ tasks: [], total: 1, page: 2, size: 10 });
    });

    it('listAllTasks: walks the pages and emits the tasks without null keys', async () => {
      expect(await lastValueFrom(client.listAllTasks({ user_id: 'u1' }).pipe(toArray()))).toStrictEqual([TASK_PARSED]);
    });

    it('getTaskMessages: cards, options, variants_options, category, is_recommended, parameters, param/type, email… all null', async () => {
      const messages = await lastValueFrom(client.getTaskMessages(TASK_ID));
      expect(messages).toStrictEqual([MESSAGE_CARDS_PARSED, MESSAGE_LEGACY_PARSED]);
      const [cards] = messages;
      for (const key of ['options', 'variants_options', 'followup_suggestions', 'welcome_message', 'executed_workflows', 'url', 'trace_info']) {
        expect(key in (cards as object)).toBe(false);
      }
      expect('email' in (cards?.sender ?? {})).toBe(false);
      expect('category' in (cards?.cards?.[0] ?? {})).toBe(false);
    });

    it('sendMessage: the legacy reply with null options members', async () => {
      expect(await lastValueFrom(client.sendMessage({ task_id: TASK_ID, text: 'ovens?' }))).toStrictEqual(MESSAGE_LEGACY_PARSED);
    });

    it('streamMessage: A1 frames with null channel/scope/context/timestamp members, then a final message with nulls', async () => {
      const events = await lastValueFrom(client.streamMessage({ task_id: TASK_ID, text: 'ovens?' }).pipe(toArray()));
      expect(events.map((e) => e.kind)).toEqual(['text', 'text', 'final']);
      const last = events[2];
      expect(last?.kind === 'final' ? last.message : undefined).toStrictEqual(MESSAGE_CARDS_PARSED);
    });

    it('streamMessage: the {type, data} envelope with a final message full of nulls', async () => {
      server.session = (ws) =>
        ws.on('message', () => {
          ws.send(JSON.stringify({ type: 'streaming_update', data: { text: 'Two ovens fit.' } }));
          ws.send(JSON.stringify({ type: 'final_message', data: MESSAGE_LEGACY_NULLS }));
        });
      const events = await lastValueFrom(client.streamMessage({ task_id: TASK_ID, text: 'ovens?' }).pipe(toArray()));
      const last = events[events.length - 1];
      expect(last?.kind === 'final' ? last.message : undefined).toStrictEqual(MESSAGE_LEGACY_PARSED);
    });
  });

  describe('error bodies with null fields classify by their status', () => {
    it.each([
      [401, { status_code: 401, message: null, description: null }, AuiAuthenticationError],
      [403, { status_code: 403, message: null, description: null, extra_data: null }, AuiAuthenticationError],
      [400, { status_code: 400, description: 'Content moderation triggered', message: null, extra_data: null }, AuiApplicationError],
      [422, { detail: [{ loc: null, msg: 'field required', type: null }] }, AuiValidationError],
      [422, { status_code: null, errors: [{ loc: ['body', 'text'], msg: 'field required', type: null }] }, AuiValidationError],
      [500, { status_code: 500, message: null, description: null, extra_data: null }, AuiServerError],
    ] as const)('HTTP %i %j', async (status, body, Class) => {
      server.route = (_req, res) => json(res, status, body);
      const error = (await errorOf(client.getTask(TASK_ID))) as AuiError;
      expect(error).toBeInstanceOf(Class);
      expect(error.status).toBe(status);
      expect(error.taskId).toBe(TASK_ID);
      if (status === 400) expect(error.message).toContain('Content moderation triggered');
      if (status === 422) expect(error.issues?.[0]?.message).toBe('field required');
    });
  });

  describe('error frames with null fields classify by their status', () => {
    const frame401 = { status_code: 401, message: null, description: null };

    it('frame {status_code: 401, message: null, description: null} then close 1008 → AuiAuthenticationError, status 401, closeCode 1008', async () => {
      server.session = (ws) => ws.on('message', () => {
        ws.send(JSON.stringify(frame401));
        ws.close(1008, 'Invalid API key');
      });
      const error = (await errorOf(client.streamMessage({ task_id: TASK_ID, text: 'hi' }))) as AuiError;
      expect(error).toBeInstanceOf(AuiAuthenticationError);
      expect(error.status).toBe(401);
      expect(error.closeCode).toBe(1008);
      expect(error.retryable).toBe(false);
    });

    it('the same under failFastOn1008() + retry({count: 3}): exactly one connection', async () => {
      server.session = (ws) => ws.on('message', () => {
        ws.send(JSON.stringify(frame401));
        ws.close(1008, 'Invalid API key');
      });
      const error = (await errorOf(client.streamMessage({ task_id: TASK_ID, text: 'hi' }).pipe(failFastOn1008(), retry({ count: 3 })))) as AuiError;
      expect(error).toBeInstanceOf(AuiAuthenticationError);
      expect(error.closeCode).toBe(1008);
      expect(error.status).toBe(401);
      expect(server.seen.connections).toBe(1);
    });

    it('frame {status_code: 500, message: null, …} then close 1011 → AuiServerError, status 500, closeCode 1011', async () => {
      server.session = (ws) => ws.on('message', () => {
        ws.send(JSON.stringify({ status_code: 500, message: null, description: null, extra_data: null }));
        ws.close(1011, 'Internal error');
      });
      const error = (await errorOf(client.streamMessage({ task_id: TASK_ID, text: 'hi' }))) as AuiError;
      expect(error).toBeInstanceOf(AuiServerError);
      expect(error.status).toBe(500);
      expect(error.closeCode).toBe(1011);
      await waitFor(() => server.seen.connections === 1, 'one connection');
    });

    it('the envelope {type: error, data: {status_code: 422, message: null}} then close 1008 → AuiValidationError, status 422', async () => {
      server.session = (ws) => ws.on('message', () => {
        ws.send(JSON.stringify({ type: 'error', data: { status_code: 422, message: null, description: null } }));
        ws.close(1008, 'Invalid message');
      });
      const error = (await errorOf(client.streamMessage({ task_id: TASK_ID, text: 'hi' }))) as AuiError;
      expect(error).toBeInstanceOf(AuiValidationError);
      expect(error.status).toBe(422);
      expect(error.closeCode).toBe(1008);
    });
  });
});

/**
 * Hostile users and servers against createAuiChat (issue 16, brief ATTACK-CHAT). Part 1, virtual time:
 * a real AuiClient on MockWebSocket, commands fired in awkward orders, subscribers that close or throw,
 * a server that never stops failing; at the end no scheduled action may remain. Part 2, I/O: a hostile
 * `ws` peer on 127.0.0.1 (spec/helpers/hostile-ws-server.ts) that echoes the key and talks after final.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { PassThrough, type Duplex } from 'node:stream';
import { inspect } from 'node:util';
import { config, filter, firstValueFrom, of, timeout } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TestScheduler } from 'rxjs/testing';
import type { AuiChat, AuiChatState } from '../../lib/chat/chat-types.js';
import { createAuiChat } from '../../lib/chat/create-aui-chat.js';
import { AuiClient } from '../../lib/client.js';
import { createAuiError } from '../../lib/failure-policy.js';
import { MockWebSocket } from '../../lib/testing/mock-web-socket.js';
import { chatView, mockChat, recordAt } from '../helpers/chat-marbles.js';
import { chatCommand } from '../../lib/cli/chat-command.js';
import { captureIo, cleanEnv } from '../helpers/cli-kit.js';
import { HostileWsServer, finalFrame as hostileFinal, textA2 } from '../helpers/hostile-ws-server.js';
import { TASK_ID } from '../helpers/marble-events.js';
import { randomKey, secretLeaks } from '../helpers/reliability-kit.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';
import { a2, anError, at, finalFrame, sock } from '../helpers/ws-marbles.js';

/** Scheduled actions left in a TestScheduler (virtual timers nobody cancelled). */
const pendingActions = (scheduler: TestScheduler): number => (scheduler as unknown as { actions: unknown[] }).actions.length;

describe('hostile chat (virtual time)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = createTestScheduler();
  });

  it('close() from inside a state$ subscriber mid-reply: every subscriber gets the stopped snapshot, then completion', () => {
    const first: string[] = [];
    const second: string[] = [];
    let chat!: AuiChat;
    scheduler.run(() => {
      chat = mockChat(scheduler, { taskId: TASK_ID, history: false });
      chat.state$.subscribe({ next: (s) => { first.push(chatView(s)); if (s.status === 'streaming') chat.close(); }, complete: () => first.push('|') });
      chat.state$.subscribe({ next: (s) => second.push(chatView(s)), complete: () => second.push('|') });
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('Hel')));
    });
    const expected = ['ready', 'submitted u:Hi', 'streaming u:Hi | a:Hel…', 'ready u:Hi | a:Hel■', '|'];
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
    const late: AuiChatState[] = [];
    chat.state$.subscribe((s) => late.push(s));
    expect(late).toEqual([chat.state]);
  });

  it('snapshots are deep-frozen: the history and the final reply (cards, suggestions, sender) cannot be mutated', () => {
    let chat!: AuiChat;
    scheduler.run(({ cold }) => {
      const history = [JSON.parse(JSON.stringify(finalFrame('old')))];
      chat = mockChat(scheduler, { taskId: TASK_ID }, { getTaskMessages: () => cold('-h|', { h: history }) });
      at(scheduler, 2, () => chat.send('Hi'));
      at(scheduler, 3, () => sock(0).open());
      at(scheduler, 4, () => sock(0).receive({ ...finalFrame('new'), cards: [{ id: 'c', name: 'n', parameters: [{ title: 'p', value: 'v' }] }], followup_suggestions: ['more'] }));
    });
    const deepFrozen = (value: unknown): boolean =>
      value === null || typeof value !== 'object' || (Object.isFrozen(value) && Object.values(value as object).every(deepFrozen));
    expect(chat.state.messages.map((m) => m.text)).toEqual(['old', 'Hi', 'new']);
    expect(deepFrozen(chat.state)).toBe(true);
  });

  it('a server that closes 1011 forever: retries are bounded (3, then status error), nothing scheduled is left', () => {
    let chat!: AuiChat;
    let outcome: unknown[] = [];
    scheduler.run(() => {
      chat = mockChat(scheduler, { taskId: TASK_ID, history: false, retry: { jitter: false, initialDelayMs: 10, maxDelayMs: 10 } });
      outcome = recordAt(scheduler, chat.send('Hi'));
      for (let n = 0; n < 6; n++) {
        at(scheduler, 1 + 20 * n, () => {
          const ws = MockWebSocket.instances[n];
          if (ws === undefined) return;
          ws.open();
          ws.receive(a2(`try ${n}`));
          ws.serverClose(1011, 'Internal error');
        });
      }
    });
    expect(MockWebSocket.instances).toHaveLength(4);
    expect(chatView(chat.state)).toBe('error u:Hi | a:try 3');
    expect(chat.state.error).toEqual(anError('AuiServerError', { closeCode: 1011 }));
    expect(outcome).toEqual([[61, 'error', chat.state.error]]);
    expect(pendingActions(scheduler)).toBe(0);
  });

  it('an error frame, then 1011, then success: one reply, restarted in place, status ready', () => {
    let chat!: AuiChat;
    scheduler.run(() => {
      chat = mockChat(scheduler, { taskId: TASK_ID, history: false, retry: { jitter: false, initialDelayMs: 10 } });
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('Par')));
      at(scheduler, 3, () => sock(0).receive({ status_code: 500, description: 'Internal', message: 'boom' }));
      at(scheduler, 4, () => sock(0).serverClose(1011, 'Internal error'));
      at(scheduler, 20, () => sock(1).open());
      at(scheduler, 21, () => sock(1).receive(finalFrame('Whole')));
    });
    expect(chatView(chat.state)).toBe('ready u:Hi | a:Whole');
    expect(chat.state.messages.map((m) => m.id)).toEqual(['local-1', 'local-2']);
  });

  it('close() during the retry wait: no socket opens later, no scheduled action remains, state$ completes', () => {
    let chat!: AuiChat;
    let completed = false;
    scheduler.run(() => {
      chat = mockChat(scheduler, { taskId: TASK_ID, history: false, retry: { jitter: false, initialDelayMs: 100 } });
      chat.state$.subscribe({ complete: () => (completed = true) });
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('Hel')));
      at(scheduler, 3, () => sock(0).serverClose(1011));
      at(scheduler, 50, () => chat.close());
      at(scheduler, 51, () => expect(pendingActions(scheduler)).toBe(0));
    });
    expect(MockWebSocket.instances).toHaveLength(1);
    expect(completed).toBe(true);
    expect(chatView(chat.state)).toBe('ready u:Hi | a:Hel■');
  });

  it('send, stop, send again in one tick: the first turn is cut, the second runs on a new socket, no frame of the first reaches it', () => {
    let chat!: AuiChat;
    scheduler.run(() => {
      chat = mockChat(scheduler, { taskId: TASK_ID, history: false });
      chat.send('One');
      chat.stop();
      chat.send('Two');
      at(scheduler, 1, () => MockWebSocket.instances.forEach((ws) => ws.readyState === MockWebSocket.CONNECTING && ws.open()));
      at(scheduler, 2, () => MockWebSocket.instances.at(-1)?.receive(finalFrame('Reply to two')));
    });
    expect(chatView(chat.state)).toBe('ready u:One | u:Two | a:Reply to two');
    expect(MockWebSocket.instances.flatMap((ws) => ws.sentJson.map((m) => (m as { text: string }).text))).toEqual(['Two']);
  });

  it('frames after the final (text, another final) change nothing', () => {
    let chat!: AuiChat;
    scheduler.run(() => {
      chat = mockChat(scheduler, { taskId: TASK_ID, history: false });
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(finalFrame('Done')));
      at(scheduler, 3, () => sock(0).receive(a2('Done and more')));
      at(scheduler, 4, () => sock(0).receive(finalFrame('Another', 'msg-2')));
    });
    expect(chatView(chat.state)).toBe('ready u:Hi | a:Done');
  });

  it('a final with an empty text: the reply is final with text "", status ready', () => {
    let chat!: AuiChat;
    scheduler.run(() => {
      chat = mockChat(scheduler, { taskId: TASK_ID, history: false });
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(finalFrame('')));
    });
    expect(chat.state.status).toBe('ready');
    expect(chat.state.messages[1]).toMatchObject({ role: 'assistant', text: '', streaming: false, message: { text: '' } });
  });

  it('regenerate: after an error it resends (no duplicate user message); after close it is refused', () => {
    let chat!: AuiChat;
    scheduler.run(() => {
      chat = mockChat(scheduler, { taskId: TASK_ID, history: false, retry: false });
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('Par')));
      at(scheduler, 3, () => sock(0).serverClose(1011));
      at(scheduler, 4, () => chat.regenerate());
      at(scheduler, 5, () => MockWebSocket.instances.at(-1)?.open());
      at(scheduler, 6, () => MockWebSocket.instances.at(-1)?.receive(finalFrame('Full')));
    });
    expect(chatView(chat.state)).toBe('ready u:Hi | a:Full');
    chat.close();
    const seen: unknown[] = [];
    chat.regenerate().subscribe({ error: (e: unknown) => seen.push(e) });
    expect(seen).toEqual([anError('AuiValidationError', { taskId: TASK_ID })]);
  });

  it('1008 during the history load: status error with the typed error, no retry; send then fails at once without a socket', () => {
    let chat!: AuiChat;
    scheduler.run(({ cold }) => {
      const denied = createAuiError('authentication', 'Invalid API key', { status: 401 }, { taskId: TASK_ID });
      chat = mockChat(scheduler, { taskId: TASK_ID }, { getTaskMessages: () => cold('--#', undefined, denied) });
      at(scheduler, 5, () => chat.send('Hi'));
    });
    expect(chat.state).toMatchObject({ status: 'error', error: anError('AuiAuthenticationError', { status: 401 }) });
    expect(MockWebSocket.instances).toHaveLength(0);
  });

  it('stop() during the history load is a no-op (close() cancels it): the history still arrives', () => {
    let chat!: AuiChat;
    scheduler.run(({ cold }) => {
      chat = mockChat(scheduler, { taskId: TASK_ID }, { getTaskMessages: () => cold('---h|', { h: [finalFrame('old')] as never }) });
      at(scheduler, 1, () => chat.stop());
    });
    expect(chatView(chat.state)).toBe('ready a:old');
  });

  it('close() during createTask: the request is cancelled, nothing is sent, nothing scheduled remains', () => {
    let chat!: AuiChat;
    let unsubscribedAt: number | null = null;
    scheduler.run(({ cold }) => {
      const task$ = cold('----t|', { t: { id: TASK_ID } as never });
      chat = mockChat(scheduler, { userId: 'user-1' }, { createTask: () => task$ });
      chat.send('Hi');
      at(scheduler, 2, () => chat.close());
      at(scheduler, 3, () => (unsubscribedAt = task$.subscriptions[0]?.unsubscribedFrame ?? null));
    });
    expect(unsubscribedAt).toBe(2);
    expect(chat.state).toMatchObject({ taskId: undefined, status: 'ready' });
    expect(MockWebSocket.instances).toHaveLength(0);
    expect(pendingActions(scheduler)).toBe(0);
  });

  it('a subscriber that throws: the chat and the other subscribers carry on', () => {
    const seen: string[] = [];
    const reported: unknown[] = [];
    let chat!: AuiChat;
    const previous = config.onUnhandledError;
    config.onUnhandledError = (e) => reported.push(e);
    try {
      scheduler.run(() => {
        chat = mockChat(scheduler, { taskId: TASK_ID, history: false });
        chat.state$.subscribe(() => {
          throw new Error('consumer bug');
        });
        chat.state$.subscribe((s) => seen.push(chatView(s)));
        chat.send('Hi');
        at(scheduler, 1, () => sock(0).open());
        at(scheduler, 2, () => sock(0).receive(finalFrame('Fine')));
      });
    } finally {
      config.onUnhandledError = previous;
    }
    expect(seen).toEqual(['ready', 'submitted u:Hi', 'ready u:Hi | a:Fine']);
    expect(chat.state.status).toBe('ready');
  });

  it("a history whose server ids look like this chat's own (local-1, local-2): ids stay unique, the history is not overwritten", () => {
    let chat!: AuiChat;
    scheduler.run(({ cold }) => {
      const history = [finalFrame('old one', 'local-1'), finalFrame('old two', 'local-2')];
      chat = mockChat(scheduler, { taskId: TASK_ID }, { getTaskMessages: () => cold('-h|', { h: history as never }) });
      at(scheduler, 2, () => chat.send('Hi'));
      at(scheduler, 3, () => sock(0).open());
      at(scheduler, 4, () => sock(0).receive(a2('Hel')));
      at(scheduler, 5, () => sock(0).receive(finalFrame('Hello')));
    });
    expect(chatView(chat.state)).toBe('ready a:old one | a:old two | u:Hi | a:Hello');
    const ids = chat.state.messages.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('huge history (20,000 messages) and a 100,000-character send', () => {
    let chat!: AuiChat;
    const big = 'x'.repeat(100_000);
    scheduler.run(({ cold }) => {
      const history = Array.from({ length: 20_000 }, (_, i) => finalFrame(`m${i}`, `id-${i}`));
      chat = mockChat(scheduler, { taskId: TASK_ID }, { getTaskMessages: () => cold('-h|', { h: history as never }) });
      at(scheduler, 2, () => chat.send(big));
      at(scheduler, 3, () => sock(0).open());
      at(scheduler, 4, () => sock(0).receive(finalFrame('ok')));
    });
    expect(chat.state.messages).toHaveLength(20_002);
    expect(chat.state.messages[20_000]?.text).toBe(big);
  });
});

/** A hostile AUI server on 127.0.0.1: REST answers by `rest`, each WebSocket message by `onText`. */
class HostileAui {
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly sockets: WebSocket[] = [];
  #port = 0;

  private constructor(rest: (req: IncomingMessage, res: ServerResponse) => void, onText: (ws: WebSocket, text: string) => void) {
    this.#http = createServer(rest);
    this.#http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.push(ws);
        ws.on('error', () => undefined);
        ws.on('message', (data: Buffer) => onText(ws, data.toString()));
      }),
    );
  }

  static async start(rest: (req: IncomingMessage, res: ServerResponse) => void, onText: (ws: WebSocket, text: string) => void): Promise<HostileAui> {
    const server = new HostileAui(rest, onText);
    await new Promise<void>((resolve) => server.#http.listen(0, '127.0.0.1', resolve));
    const address = server.#http.address();
    server.#port = typeof address === 'object' && address ? address.port : 0;
    return server;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}/api/ia-controller`;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}

describe('hostile chat (a hostile server on 127.0.0.1)', () => {
  const key = randomKey();
  let server: HostileAui | undefined;
  let client: AuiClient | undefined;
  let chat: AuiChat | undefined;

  afterEach(async () => {
    chat?.close();
    client?.close();
    await server?.stop();
    chat = client = server = undefined;
  });

  /** Resolves with the first snapshot whose status is `ready` or `error` (after `from`). */
  const settled = (c: AuiChat): Promise<AuiChatState> =>
    firstValueFrom(c.state$.pipe(filter((s) => s.status === 'ready' || s.status === 'error'), timeout({ first: 5000, with: () => of(c.state) })));

  it('a server that echoes the key in its REST error, its error frame and its close reason: never in the state', async () => {
    server = await HostileAui.start(
      (req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: `bad ${key} from ${req.url ?? ''}` })),
      (ws) => {
        ws.send(textA2('partial'));
        ws.send(JSON.stringify({ status_code: 400, description: `key ${key}`, message: `refused ${key}`, extra_data: { key } }));
        ws.close(1008, `bad key ${key}`.slice(0, 100));
      },
    );
    client = new AuiClient({ apiKey: key, baseUrl: server.baseUrl });
    chat = createAuiChat(client, { taskId: 'task-1' });
    const afterHistory = await settled(chat);
    expect(afterHistory.status).toBe('error');
    expect(secretLeaks(afterHistory.error, key)).toEqual([]);
    const second = new AuiClient({ apiKey: key, baseUrl: server.baseUrl });
    try {
      const c2 = createAuiChat(second, { taskId: 'task-1', history: false });
      c2.send('Hi');
      const after = await settled(c2);
      c2.close();
      expect(after.status).toBe('error');
      expect(secretLeaks(after.error, key)).toEqual([]);
      expect(inspect(after, { depth: 10 })).not.toContain(key);
      expect(JSON.stringify(after)).not.toContain(key);
    } finally {
      second.close();
    }
  });
});

describe('hostile chat: the CLI against a server whose final differs from what it streamed', () => {
  let server: HostileWsServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  /** `aui-rx chat --task t …` against a peer that streams `streamed`, then sends the final `final`. */
  async function run(streamed: string[], final: string, interactive: boolean): Promise<string> {
    const s = await HostileWsServer.start(() => ({
      kind: 'ws',
      onText: (peer) => {
        for (const text of streamed) peer.send(textA2(text));
        peer.send(hostileFinal(final));
      },
    }));
    server = s;
    const io = captureIo();
    const input = new PassThrough();
    const args = ['--api-key', randomKey(), '--base-url', s.baseUrl, '--task', 'task-1'];
    const done = interactive ? chatCommand(args, io, cleanEnv(), undefined, input) : chatCommand([...args, 'Hi'], io, cleanEnv());
    if (interactive) input.end('Hi\n');
    await expect(done).resolves.toBe(0);
    return io.out.text;
  }

  it.each([
    ['one-shot', false],
    ['interactive', true],
  ])('%s: a final that adds to the streamed text is printed whole', async (_label, interactive) => {
    const out = await run(['Hel'], 'Hello there!', interactive);
    expect(out).toContain('Hello there!\n');
  });

  it.each([
    ['one-shot', false],
    ['interactive', true],
  ])('%s: a final that replaces the streamed text is printed (the final is the reply)', async (_label, interactive) => {
    const out = await run(['Draft answer'], 'Final answer', interactive);
    expect(out).toContain('Final answer\n');
  });
});

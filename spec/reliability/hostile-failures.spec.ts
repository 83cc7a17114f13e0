/**
 * Hostile servers against the failure policy (design.md §2, §3, §7): a server that fails in ways the
 * protocol allows and ways it does not, on 127.0.0.1, each scripted per test. The promise: one typed
 * error whose `retryable` is what the table says, retries that stop where the budget says, and no
 * form of the key in any rendering of any error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { defer, lastValueFrom, retry, tap, toArray, type Observable } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { AuiClient } from '../../lib/client.js';
import { isRetryable, type AuiError } from '../../lib/errors.js';
import { failFastOn1008 } from '../../lib/operators/fail-fast-on-1008.js';
import { retryOn1011 } from '../../lib/operators/retry-on-1011.js';
import { retryTransient } from '../../lib/operators/retry-transient.js';

const EVENT = 'thread-message-text-content-updated';
const TASK = '68e78d0dc5a4b19a030d03d6';

/** What the hostile WebSocket server does with each user message it receives (n: 0-based message count). */
type OnMessage = (ws: WebSocket, n: number) => void;

class HostileServer {
  readonly http: Server;
  readonly wss = new WebSocketServer({ noServer: true });
  /** User messages received over WebSocket, and upgrade requests seen. */
  messages = 0;
  upgrades = 0;
  requests = 0;
  onMessage: OnMessage = () => undefined;
  onUpgrade: ((req: IncomingMessage, socket: import('node:stream').Duplex) => boolean) | undefined;
  onRequest: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('{}');

  constructor() {
    this.http = createServer((req, res) => {
      this.requests++;
      this.onRequest(req, res);
    });
    this.http.on('upgrade', (req, socket, head) => {
      this.upgrades++;
      if (this.onUpgrade?.(req, socket)) return;
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', () => this.onMessage(ws, this.messages++));
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/api/ia-controller`;
  }

  reset(): void {
    this.messages = 0;
    this.upgrades = 0;
    this.requests = 0;
    this.onUpgrade = undefined;
    this.onMessage = () => undefined;
    for (const ws of this.wss.clients) ws.terminate();
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

const server = new HostileServer();
let baseUrl = '';
let client: AuiClient | undefined;

beforeAll(async () => {
  baseUrl = await server.start();
});
afterEach(() => {
  client?.close();
  client = undefined;
  server.reset();
});
afterAll(() => server.stop());

function newClient(apiKey = 'API_KEY_01HOSTILE000000000000000000'): AuiClient {
  client = new AuiClient({ apiKey, baseUrl, timeouts: { connectMs: 2000, idleMs: 2000 }, idleLingerMs: 50 });
  return client;
}

async function errorOf(source: Observable<unknown>): Promise<AuiError> {
  try {
    await lastValueFrom(source.pipe(toArray()));
  } catch (error) {
    return error as AuiError;
  }
  throw new Error('expected an error');
}

const text = (t: string): string => JSON.stringify({ event: EVENT, data: { text: t } });
/** Fast retries: the budget, not the wait, is under test (waits are marble-tested in spec/operators). */
const fast = { initialDelayMs: 1, maxDelayMs: 2, jitter: false } as const;

describe('retry budget against a server that streams and then fails for ever', () => {
  it('two text frames then 1011, for ever: retryOn1011() sends the message count + 1 = 4 times, then errors', async () => {
    server.onMessage = (ws) => {
      ws.send(text('Hel'));
      ws.send(text('Hello'));
      ws.close(1011, 'boom');
    };
    const events: unknown[] = [];
    const c = newClient();
    const error = await errorOf(c.streamMessage({ task_id: TASK, text: 'hi' }).pipe(retryOn1011(fast), tap((e) => events.push(e))));
    expect(error).toMatchObject({ name: 'AuiServerError', closeCode: 1011, retryable: true, taskId: TASK });
    expect(server.messages).toBe(4);
    // Each attempt's partial text is announced as restarted before the next attempt.
    expect(events.filter((e) => (e as { kind: string }).kind === 'restart')).toHaveLength(3);
  });

  it('an error frame 400 followed by close 1011 is not retried by retryOn1011 (one send)', async () => {
    server.onMessage = (ws) => {
      ws.send(JSON.stringify({ status_code: 400, description: 'Content moderation triggered', message: 'flagged' }));
      ws.close(1011);
    };
    const error = await errorOf(newClient().streamMessage({ task_id: TASK, text: 'hi' }).pipe(retryOn1011(fast)));
    expect(error).toMatchObject({ name: 'AuiApplicationError', status: 400, closeCode: 1011, retryable: false });
    expect(server.messages).toBe(1);
  });

  it('an error frame 500 followed by close 1008 is not retryable: retryTransient sends once', async () => {
    server.onMessage = (ws) => {
      ws.send(JSON.stringify({ status_code: 500, description: 'Internal server error', message: 'x' }));
      ws.close(1008);
    };
    const error = await errorOf(newClient().streamMessage({ task_id: TASK, text: 'hi' }).pipe(retryTransient(fast)));
    expect(error).toMatchObject({ name: 'AuiServerError', status: 500, closeCode: 1008, retryable: false });
    expect(isRetryable(error)).toBe(false);
    expect(server.messages).toBe(1);
  });

  it('a text frame that is not UTF-8 is an AuiProtocolError, never resent by retryTransient', async () => {
    server.onMessage = (ws) => ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    const error = await errorOf(newClient().streamMessage({ task_id: TASK, text: 'hi' }).pipe(retryTransient(fast)));
    expect(error).toMatchObject({ name: 'AuiProtocolError', kind: 'protocol', retryable: false, taskId: TASK });
    expect(server.messages).toBe(1);
  });

  it('a refused handshake follows the one status table: 404 is not retried, 503 is', async () => {
    const refuse = (status: number) => (_req: IncomingMessage, socket: import('node:stream').Duplex) => {
      socket.end(`HTTP/1.1 ${status} Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return true;
    };
    server.onUpgrade = refuse(404);
    const notFound = await errorOf(newClient().streamMessage({ task_id: TASK, text: 'hi' }).pipe(retryTransient(fast)));
    expect(notFound).toMatchObject({ name: 'AuiApplicationError', status: 404, retryable: false });
    expect(server.upgrades).toBe(1);
    client?.close();
    server.reset();
    server.onUpgrade = refuse(503);
    const unavailable = await errorOf(newClient().streamMessage({ task_id: TASK, text: 'hi' }).pipe(retryTransient({ ...fast, count: 2 })));
    expect(unavailable).toMatchObject({ name: 'AuiServerError', status: 503, retryable: true });
    expect(server.upgrades).toBe(3);
  });

  it('close 4001 (Fern docs: invalid authentication) latches failFastOn1008 after one connection', async () => {
    server.onMessage = (ws) => ws.close(4001, 'invalid authentication');
    const error = await errorOf(newClient().streamMessage({ task_id: TASK, text: 'hi' }).pipe(failFastOn1008(), retry({ count: 3 })));
    expect(error).toMatchObject({ name: 'AuiAuthenticationError', closeCode: 4001, retryable: false });
    expect(server.upgrades).toBe(1);
  });

  it('a closed client is final: retryTransient does not resubscribe, and its error is not retryable', async () => {
    const c = newClient();
    c.close();
    let subscriptions = 0;
    const source = defer(() => {
      subscriptions++;
      return c.streamMessage({ task_id: TASK, text: 'hi' });
    });
    const error = await errorOf(source.pipe(retryTransient(fast)));
    expect(error).toMatchObject({ name: 'AuiConnectionError', retryable: false, taskId: TASK });
    expect(subscriptions).toBe(1);
    expect(server.upgrades).toBe(0);
  });
});

describe('the key never comes back, whatever the server echoes', () => {
  const renderings = (error: AuiError): string[] => {
    const cause = (error as { cause?: unknown }).cause;
    return [error.message, String(error), String(error.stack), JSON.stringify(error), inspect(error, { depth: 20 }), inspect(cause, { depth: 20 })];
  };
  const expectNoKey = (error: AuiError, key: string): void => {
    for (const rendering of renderings(error)) {
      for (const form of [key, encodeURIComponent(key), key.toLowerCase()]) expect(rendering).not.toContain(form);
    }
  };

  it.each(['k3y+/1', 'API_KEY_01ECHO/+=0000000000000000'])('key %p echoed over WebSocket: close reason, error frame, malformed frame', async (key) => {
    const echoes = `${key} ${encodeURIComponent(key)}`;
    const c = newClient(key);
    server.onMessage = (ws, n) => {
      if (n === 0) {
        ws.send(JSON.stringify({ status_code: 401, description: echoes, message: echoes, extra_data: { [key]: echoes } }));
        ws.close(1008, `bad key ${key}`.slice(0, 100));
      } else if (n === 1) {
        ws.close(1011, `oops ${encodeURIComponent(key)}`.slice(0, 100));
      } else {
        ws.send(`{"not json": ${key}`);
      }
    };
    const errors = [
      await errorOf(c.streamMessage({ task_id: TASK, text: 'hi' })),
      await errorOf(c.streamMessage({ task_id: TASK, text: 'hi' })),
      await errorOf(c.streamMessage({ task_id: TASK, text: 'hi' })),
    ];
    expect(errors.map((e) => e.name)).toEqual(['AuiAuthenticationError', 'AuiServerError', 'AuiProtocolError']);
    for (const error of errors) expectNoKey(error, key);
  });

  it.each(['k3y+/1', 'API_KEY_01ECHO/+=0000000000000000', 'Api-Key-01Echo00000000'])(
    'key %p echoed over HTTP: reason phrase, body, JSON-parse cause, cross-origin Location',
    async (key) => {
      const c = newClient(key);
      // A key that can be a host name comes back lower-cased in one; any other comes back in the query.
      const host = /^[A-Za-z0-9-]+$/.test(key) ? `${key.toLowerCase()}.example.invalid` : 'evil.example.invalid';
      server.onRequest = (req, res) => {
        if (req.url?.includes('/tasks/t-reason')) {
          res.writeHead(500, `Key ${key} is bad`, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ detail: `your key ${key} / ${encodeURIComponent(key)}` }));
        } else if (req.url?.includes('/tasks/t-json')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`{"id": ${key}`);
        } else {
          res.writeHead(302, { location: `http://${host}/steal?k=${encodeURIComponent(key)}` });
          res.end();
        }
      };
      const reason = await errorOf(c.getTask('t-reason'));
      const json = await errorOf(c.getTask('t-json'));
      const redirect = await errorOf(c.getTask('t-redirect'));
      expect([reason.name, json.name, redirect.name]).toEqual(['AuiServerError', 'AuiProtocolError', 'AuiConnectionError']);
      expect(server.requests).toBe(3); // the other origin was never contacted
      for (const error of [reason, json, redirect]) expectNoKey(error, key);
    },
  );
});

import type { IncomingMessage } from 'node:http';
import { asyncScheduler } from 'rxjs';
import WebSocket, { WebSocketServer } from 'ws';
import type { SocketCloseEvent } from '../../../lib/failure-error.js';
import { Connection, type ConnectionOptions } from '../../../lib/transports/websocket/connection.js';
import { AuiConnectionError } from '../../../lib/errors.js';
import { MockWebSocket } from '../../../lib/testing/mock-web-socket.js';
import { createTestScheduler } from '../../helpers/marble-scheduler.js';
import { MOCK_KEY, sock } from '../../helpers/ws-marbles.js';
import { until } from '../../helpers/ws-server.js';

interface Recorder {
  readonly log: Array<string | SocketCloseEvent>;
}

const URL_ = 'wss://aui.test/api/ia-controller/api/v1/external/session';

/** A connection whose events are written to `r.log` ('open', 'msg:…', then the close event). */
function connect(r: Recorder, extra: Partial<ConnectionOptions> = {}): Connection {
  const conn = new Connection({
    url: URL_,
    apiKey: MOCK_KEY,
    WebSocket: MockWebSocket,
    scheduler: createTestScheduler(),
    connectTimeoutMs: 1000,
    closeTimeoutMs: 1000,
    maxPayloadBytes: 1024,
    ...extra,
  });
  // The owner's view (open, closed) and the holder's (frames, aborted) in one log, closed once.
  conn.lifecycle$.subscribe((event) => void (event.type === 'open' ? r.log.push('open') : r.log.push(event.event)));
  conn.events$.subscribe((event) => {
    if (typeof event === 'string') r.log.push(`msg:${event}`);
    else if (event.type === 'aborted') r.log.push(`aborted:${event.error.message}`);
  });
  return conn;
}

const recorder = (): Recorder => ({ log: [] });

describe('Connection (MockWebSocket: the browser-style API)', () => {
  beforeEach(() => MockWebSocket.reset());

  it('reports open, frames and the close, then removes every listener', () => {
    const r = recorder();
    const conn = connect(r);
    conn.start();
    expect(sock(0).listenerCount()).toBe(4);
    expect(sock(0).binaryType).toBe('arraybuffer');
    sock(0).open();
    expect(conn.state).toBe('open');
    sock(0).receive('{"a":1}');
    sock(0).serverClose(1011, 'boom');
    expect(r.log).toEqual(['open', 'msg:{"a":1}', { code: 1011, reason: 'boom', opened: true }]);
    expect(conn.state).toBe('closed');
    expect(sock(0).listenerCount()).toBe(0);
  });

  it('close(): 1000, no more frames reach the events, closed when the close completes', () => {
    MockWebSocket.completeClosesAtOnce = false;
    const r = recorder();
    const conn = connect(r);
    conn.start();
    sock(0).open();
    conn.close();
    expect(conn.state).toBe('closing');
    expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]);
    sock(0).serverClose(1000);
    expect(r.log).toEqual(['open', { code: 1000, reason: '', opened: true }]);
    expect(sock(0).listenerCount()).toBe(0);
    conn.close(); // idempotent
    expect(sock(0).closeCalls).toHaveLength(1);
  });

  it('a peer that never answers the close is dropped after closeTimeoutMs on the scheduler; nothing is left', () => {
    MockWebSocket.completeClosesAtOnce = false;
    const scheduler = createTestScheduler();
    const r = recorder();
    scheduler.run(() => {
      const conn = connect(r, { scheduler, closeTimeoutMs: 300 });
      conn.start();
      sock(0).open();
      scheduler.schedule(() => conn.close(), 10);
      scheduler.schedule(() => expect([conn.state, r.log.length]).toEqual(['closing', 1]), 309);
      scheduler.schedule(() => expect(conn.state).toBe('closed'), 311);
    });
    expect(r.log).toEqual(['open', { code: 1006, reason: '', opened: true }]);
    expect(sock(0).listenerCount()).toBe(0);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('abort(error): an aborted event for the holder, then the close', () => {
    const r = recorder();
    const conn = connect(r);
    conn.start();
    sock(0).open();
    conn.abort(new AuiConnectionError('client closed'));
    expect(r.log).toEqual(['open', 'aborted:client closed', { code: 1000, reason: '', opened: true }]);
  });

  it('connect timeout on the scheduler: reports connectTimeoutMs, abandons the socket', () => {
    const scheduler = createTestScheduler();
    const r = recorder();
    scheduler.run(() => {
      connect(r, { scheduler, connectTimeoutMs: 250 }).start();
      scheduler.schedule(() => expect(r.log).toEqual([]), 249);
    });
    expect(r.log).toEqual([{ code: 1006, reason: '', opened: false, connectTimeoutMs: 250 }]);
    expect(sock(0).listenerCount()).toBe(0);
    expect(sock(0).closeCalls).toHaveLength(1);
  });

  it('open cancels the connect timeout', () => {
    const scheduler = createTestScheduler();
    const r = recorder();
    scheduler.run(() => {
      connect(r, { scheduler, connectTimeoutMs: 250 }).start();
      scheduler.schedule(() => sock(0).open(), 100);
    });
    expect(r.log).toEqual(['open']);
  });

  it('a refused handshake reports its HTTP status', () => {
    const r = recorder();
    connect(r).start();
    sock(0).rejectHandshake(403);
    expect(r.log).toEqual([expect.objectContaining({ code: 1006, opened: false, handshakeStatus: 403 })]);
  });

  it('a constructor that throws is a failed connect, reported once', () => {
    const r = recorder();
    const Throwing = function () {
      throw new SyntaxError('bad url');
    } as unknown as typeof MockWebSocket;
    connect(r, { WebSocket: Throwing }).start();
    expect(r.log).toEqual([expect.objectContaining({ code: 1006, opened: false, error: expect.any(SyntaxError) })]);
  });

  it('in a browser (window defined, not ws) passes no options argument', () => {
    const g = globalThis as { window?: unknown };
    g.window = {};
    try {
      connect(recorder()).start();
    } finally {
      delete g.window;
    }
    expect(sock(0).options).toBeUndefined();
    expect(new URL(sock(0).url).searchParams.get('network_api_key')).toBe(MOCK_KEY);
  });
});

// decodeFrame (string, Buffer, ArrayBuffer, views, fragments) is covered in node-socket.spec and browser-socket.spec.

describe('Connection over ws in Node (real loopback server)', () => {
  let wss: WebSocketServer;
  let port = 0;
  const upgrades: IncomingMessage[] = [];

  beforeAll(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', (ws, req) => {
      upgrades.push(req);
      ws.on('message', (data) => {
        const text = String(data);
        if (text === 'send-invalid-utf8') ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
        else if (text === 'send-fffd') ws.send('{"t":"\uFFFD"}');
        else ws.send(`echo:${text}`);
      });
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    port = (wss.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  it('sends the key as query parameter and x-network-api-key header, no subprotocol; teardown removes every listener', async () => {
    let socket: WebSocket | undefined;
    const Capturing = class extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        socket = this;
      }
    };
    const r = recorder();
    const conn = connect(r, { url: `ws://127.0.0.1:${port}/s`, apiKey: 'API_KEY_NODE', WebSocket: Capturing as never, scheduler: asyncScheduler, connectTimeoutMs: 5000 });
    conn.start();
    await until(() => conn.state === 'open');
    const req = upgrades.at(-1) as IncomingMessage;
    expect(new URL(req.url ?? '', 'http://x').searchParams.get('network_api_key')).toBe('API_KEY_NODE');
    expect(req.headers['x-network-api-key']).toBe('API_KEY_NODE');
    expect(req.headers['sec-websocket-protocol']).toBeUndefined();
    conn.send('ping');
    await until(() => r.log.length === 2);
    expect(r.log[1]).toBe('msg:echo:ping');
    conn.close();
    await until(() => conn.state === 'closed');
    expect(r.log[2]).toEqual({ code: 1000, reason: '', opened: true });
    for (const event of ['open', 'message', 'close', 'unexpected-response']) {
      expect(socket?.listenerCount(event)).toBe(0);
    }
    expect(socket?.listenerCount('error')).toBe(1); // the no-op one: ws throws on an 'error' nobody hears
  });

  it('a text frame that is not UTF-8 closes the socket with 1007 and reports the error (as ws would)', async () => {
    const r = recorder();
    const conn = connect(r, { url: `ws://127.0.0.1:${port}/s`, apiKey: 'k', WebSocket: undefined, scheduler: asyncScheduler, connectTimeoutMs: 5000 });
    conn.start();
    await until(() => conn.state === 'open');
    conn.send('send-fffd'); // a real U+FFFD is valid text
    await until(() => r.log.length === 2);
    expect(r.log[1]).toBe('msg:{"t":"\uFFFD"}');
    conn.send('send-invalid-utf8');
    await until(() => conn.state === 'closed');
    expect(r.log).toHaveLength(3);
    expect(r.log[2]).toEqual({ code: 1007, reason: '', opened: true, error: expect.objectContaining({ code: 'WS_ERR_INVALID_UTF8' }) });
  });

  it('closing while connecting never throws an unhandled ws error', async () => {
    const r = recorder();
    const conn = connect(r, { url: `ws://127.0.0.1:${port}/s`, apiKey: 'k', WebSocket: undefined, scheduler: asyncScheduler, connectTimeoutMs: 5000 });
    conn.start();
    conn.close();
    await until(() => conn.state === 'closed');
    expect(r.log).toEqual([expect.objectContaining({ opened: false })]);
  });
});

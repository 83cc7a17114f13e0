/**
 * Hostile peers on both sides of aui-rx/relay (issue 15). A hostile browser: a body past the limit
 * (declared or streamed), a frame naming another user's task, frames that are no user message, a
 * flood of frames, a half-open socket that never answers a close, one that vanishes mid-turn, more
 * sessions than allowed, a browser that stops reading. A hostile upstream: the key echoed in REST
 * bodies, a Location header, frames, error frames, close reasons and a refused handshake; a frame
 * past the limit; stalls; a dropped connection. The promises: a typed error on the client (class and
 * fields), nothing forwarded that was refused, no byte of the key on the browser side, and no socket
 * left behind. Waits are awaited facts with caps, never timing assertions.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import WebSocket, { WebSocketServer } from 'ws';
import { AuiAuthenticationError, AuiConnectionError, AuiProtocolError, AuiServerError } from '../../lib/errors.js';
import { createAuiRelay } from '../../lib/relay/index.js';
import { MAX_QUEUED_FRAMES } from '../../lib/relay/session-gate.js';
import { errorOf } from '../helpers/rest-helpers.js';
import { activeResources, waitUntil } from '../helpers/reliability-kit.js';
import { closeServer, headerUser, keyForms, RELAY_KEY, RelayHarness } from '../relay/relay-kit.js';

jest.setTimeout(30_000);

const SESSION = '/api/v1/external/session';
const LIMITS = { maxBodyBytes: 1024, maxFrameBytes: 64 * 1024, maxBufferedBytes: 64 * 1024 };
const TIMEOUTS = { requestMs: 300, connectMs: 300, closeMs: 200 };

/** Writes `text` on a raw TCP connection to `port`; resolves with everything read until the peer closes (capped). */
function rawExchange(port: number, write: (socket: Socket) => void): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
    socket.on('connect', () => write(socket));
  });
}

/** A hand-written upgrade for `user`: the browser that never reads nor answers (half-open). */
function halfOpen(port: number, user: string): Promise<{ socket: Socket; closed: Promise<void>; received: () => number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let bytes = 0;
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(`GET ${SESSION} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nx-user: ${user}\r\n\r\n`);
    });
    socket.once('data', (d: Buffer) => {
      bytes += d.length;
      socket.pause(); // never read again
      resolve({ socket, closed, received: () => bytes });
    });
  });
}

/** A raw ws session through the relay. */
async function session(port: number, user: string): Promise<{ ws: WebSocket; frames: Array<Record<string, unknown>>; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${SESSION}`, { headers: { 'x-user': user } });
  const frames: Array<Record<string, unknown>> = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, frames, closed };
}

describe('hostile browser → relay', () => {
  const h = new RelayHarness({ limits: LIMITS, timeouts: TIMEOUTS });
  let aliceTask: string;
  beforeAll(async () => {
    await h.start();
    aliceTask = (await firstValueFrom(h.client('alice').createTask({ user_id: 'alice' }))).id;
  });
  afterAll(() => h.stop());

  it('a body past maxBodyBytes is 413 (declared or streamed), nothing is forwarded', async () => {
    const before = h.upstream.requests.length;
    const declared = await rawExchange(h.port, (s) => s.end(`POST /api/v1/external/tasks HTTP/1.1\r\nHost: x\r\nx-user: alice\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n${'{'.repeat(5000)}`));
    expect(declared).toMatch(/^HTTP\/1\.1 413 /);
    const streamed = await rawExchange(h.port, (s) => {
      s.write('POST /api/v1/external/message HTTP/1.1\r\nHost: x\r\nx-user: alice\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
      const chunk = 'x'.repeat(4096);
      for (let i = 0; i < 256 && !s.destroyed; i++) s.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`); // 1 MiB, never ended
    });
    expect(streamed).toMatch(/^HTTP\/1\.1 413 /);
    expect(streamed).toContain('"status_code":413');
    expect(h.upstream.requests.length).toBe(before);
  });

  it("a frame naming another user's task: error frame 403, close 1008, no turn upstream", async () => {
    const turns = h.upstream.stats.turns;
    const bob = await session(h.port, 'bob');
    bob.ws.send(JSON.stringify({ task_id: aliceTask, text: 'let me in' }));
    expect(await bob.closed).toEqual({ code: 1008, reason: 'Forbidden' });
    expect(bob.frames).toEqual([expect.objectContaining({ status_code: 403, description: 'Forbidden' })]);
    expect(h.upstream.stats.turns).toBe(turns);
  });

  it.each([
    ['not JSON', '{"task_id": '],
    ['an array', '[1,2]'],
    ['no task_id', '{"text":"hi"}'],
    ['a numeric task_id', '{"task_id": 12, "text":"hi"}'],
    ['binary', Buffer.from(JSON.stringify({ task_id: 'x', text: 'hi' }))],
  ])('a frame that is no user message (%s): error frame 422, close 1008', async (_, frame) => {
    const turns = h.upstream.stats.turns;
    const s = await session(h.port, 'alice');
    s.ws.send(frame);
    expect(await s.closed).toEqual({ code: 1008, reason: 'Invalid message' });
    expect(s.frames[0]).toMatchObject({ status_code: 422 });
    expect(h.upstream.stats.turns).toBe(turns);
  });

  it('a flood of frames closes the session with 1008 once more than the queue holds', async () => {
    const turns = h.upstream.stats.turns;
    const s = await session(h.port, 'alice');
    const frame = JSON.stringify({ task_id: aliceTask, text: 'again' });
    for (let i = 0; i < 200; i++) s.ws.send(frame);
    expect((await s.closed).code).toBe(1008);
    expect(h.upstream.stats.turns - turns).toBeLessThanOrEqual(MAX_QUEUED_FRAMES + 1);
  });

  it('a half-open browser that never answers a close is dropped after closeMs; its session slot comes back', async () => {
    h.upstream.failNextConnection({ type: 'close', code: 1011, reason: 'boom' });
    const logged = h.logs.length;
    const half = await halfOpen(h.port, 'hal');
    // The relay closes it (1011, as upstream did); the browser never answers: dropped after closeMs.
    await waitUntil(() => h.logs.slice(logged).some((l) => l.type === 'session' && l.user === 'hal'), 'the session ended');
    expect(h.logs.slice(logged).find((l) => l.user === 'hal')).toMatchObject({ status: 101, closeCode: 1006 });
    half.socket.destroy();
    const again = await Promise.all([1, 2, 3, 4].map(() => session(h.port, 'hal')));
    for (const s of again) s.ws.close();
    await Promise.all(again.map((s) => s.closed));
  });

  it('a browser that vanishes mid-turn: the upstream socket is closed too', async () => {
    h.upstream.configure({ frameDelayMs: 20 });
    const s = await session(h.port, 'alice');
    s.ws.send(JSON.stringify({ task_id: aliceTask, text: 'a long answer please' }));
    await waitUntil(() => s.frames.length > 0, 'first frame');
    s.ws.terminate();
    await waitUntil(() => h.upstream.stats.openConnections === 0, 'upstream socket closed');
    h.upstream.configure({ frameDelayMs: 0 });
  });

  it('more sessions than allowed: 4 open, the rest 429 without an upstream connection', async () => {
    const connections = h.upstream.stats.connections;
    const tries = await Promise.allSettled(Array.from({ length: 12 }, () => session(h.port, 'mallory')));
    const open = tries.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
    expect(open).toHaveLength(4);
    expect(tries.filter((t) => t.status === 'rejected').map((t) => String((t as PromiseRejectedResult).reason))).toEqual(Array(8).fill('Error: Unexpected server response: 429'));
    expect(h.upstream.stats.connections - connections).toBe(4);
    for (const s of open) s.ws.close();
    await Promise.all(open.map((s) => s.closed));
  });

  it('no byte of the key reached the browser side', () => {
    const seen = h.tap.text.toLowerCase();
    for (const form of keyForms(RELAY_KEY)) expect(seen).not.toContain(form.toLowerCase());
  });
});

describe('hostile upstream → relay', () => {
  const h = new RelayHarness({ limits: LIMITS, timeouts: TIMEOUTS });
  const echo = `key ${RELAY_KEY} ${encodeURIComponent(RELAY_KEY)} ${RELAY_KEY.toLowerCase()}`;
  let task: string;
  beforeAll(async () => {
    await h.start();
    task = (await firstValueFrom(h.client('alice').createTask({ user_id: 'alice' }))).id;
  });
  afterAll(() => h.stop());

  it('the key echoed in a REST error body is redacted; the status and class are unchanged', async () => {
    h.upstream.failNextRequest({ path: '/message', fault: { type: 'status', status: 500, body: { status_code: 500, description: 'oops', message: echo } } });
    const error = await errorOf(h.client('alice').sendMessage({ task_id: task, text: 'hi' }));
    expect(error).toBeInstanceOf(AuiServerError);
    expect(error).toMatchObject({ status: 500, body: { message: 'key [redacted] [redacted] [redacted]' } });
  });

  it('the key echoed in a Location header is redacted', async () => {
    h.upstream.failNextRequest({ fault: { type: 'redirect', location: `https://elsewhere.test/?network_api_key=${RELAY_KEY}` } });
    const location = await new Promise<string | undefined>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: h.tap.port, path: '/api/v1/external/tasks', headers: { 'x-user': 'alice' } }, (res) => {
        res.resume();
        resolve(res.headers.location);
      }).on('error', reject).end();
    });
    expect(location).toBe('https://elsewhere.test/?network_api_key=[redacted]');
  });

  it('the key echoed in frames (text, final, raw) is redacted; the reply otherwise arrives intact', async () => {
    h.upstream.failNextTurn({ type: 'reply', text: `here is the ${RELAY_KEY} you gave me`, frames: 3 });
    const events = await lastValueFrom(h.client('alice').streamMessage({ task_id: task, text: 'hi' }).pipe(toArray()));
    const final = events[events.length - 1];
    expect(final?.kind === 'final' && final.message.text).toBe('here is the [redacted] you gave me');
  });

  it('the key echoed in an error frame and a close reason is redacted', async () => {
    h.upstream.failNextTurn({ type: 'error-frame', frame: { status_code: 500, description: 'x', message: echo }, code: 1011, reason: `bad ${RELAY_KEY}` });
    const error = await errorOf(h.client('alice').streamMessage({ task_id: task, text: 'hi' }));
    expect(error).toBeInstanceOf(AuiServerError);
    expect(error).toMatchObject({ closeCode: 1011, reason: 'bad [redacted]', body: { message: 'key [redacted] [redacted] [redacted]' } });
  });

  it('a frame past maxFrameBytes ends the session (1009) as a protocol error', async () => {
    h.upstream.failNextTurn({ type: 'oversize', bytes: 100_000 });
    const error = await errorOf(h.client('alice').streamMessage({ task_id: task, text: 'hi' }));
    expect(error).toBeInstanceOf(AuiProtocolError);
    expect(error).toMatchObject({ closeCode: 1009 });
  });

  it('upstream stalls: REST is 504, a handshake is 504, both retryable server errors', async () => {
    h.upstream.failNextRequest({ fault: { type: 'stall' } });
    const rest = await errorOf(h.client('alice').listTasks({ user_id: 'alice' }));
    expect(rest).toBeInstanceOf(AuiServerError);
    expect(rest).toMatchObject({ status: 504, retryable: true });
    h.upstream.failNextConnection({ type: 'stall' });
    const ws = await errorOf(h.client('alice').streamMessage({ task_id: task, text: 'hi' }));
    expect(ws).toMatchObject({ kind: 'server', status: 504, retryable: true });
  });

  it('upstream drops the connection mid-turn: the browser socket is dropped too (connection error)', async () => {
    h.upstream.failNextTurn({ type: 'destroy', afterFrames: 2 });
    const error = await errorOf(h.client('alice').streamMessage({ task_id: task, text: 'a b c d e' }));
    expect(error).toBeInstanceOf(AuiConnectionError);
    expect(error).toMatchObject({ closeCode: 1006 });
  });

  it('no byte of the key reached the browser side', () => {
    const seen = h.tap.text.toLowerCase();
    for (const form of keyForms(RELAY_KEY)) expect(seen).not.toContain(form.toLowerCase());
  });
});

describe('hostile upstream of its own (handshake echo, a browser that stops reading)', () => {
  let upstream: Server;
  let wss: WebSocketServer;
  let upstreamSocket: WebSocket | undefined;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    wss = new WebSocketServer({ noServer: true });
    upstream = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 't1', user_id: 'alice', title: 'x' })));
    upstream.on('connection', (s) => sockets.add(s));
    upstream.on('upgrade', (req, socket, head) => {
      const key = new URL(req.url ?? '/', 'http://x').searchParams.get('network_api_key') ?? '';
      if (req.headers['x-test'] === undefined && key && req.url?.includes('refuse')) {
        const body = JSON.stringify({ detail: `Not authenticated: ${key}` });
        socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        upstreamSocket = ws;
        ws.on('message', () => {
          const frame = JSON.stringify({ event: 'thread-message-text-content-updated', data: { text: 'x'.repeat(60_000) } });
          for (let i = 0; i < 700; i++) ws.send(frame); // ~42 MB, as fast as the socket takes it
        });
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    await closeServer(upstream, sockets);
  });
  const port = (): number => (upstream.address() as { port: number }).port;

  it('a refused handshake reaches the browser with its status, the echoed key redacted', async () => {
    const relay = createAuiRelay({ apiKey: RELAY_KEY, authorize: headerUser, wsUrl: `ws://127.0.0.1:${port()}/refuse/session`, baseUrl: `http://127.0.0.1:${port()}` });
    const server = createServer();
    relay.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}${SESSION}`, { headers: { 'x-user': 'alice' } });
      ws.on('error', () => undefined);
      const refused = await new Promise<{ status: number; body: string }>((resolve) => {
        ws.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += String(d)));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
      });
      expect(refused).toEqual({ status: 401, body: JSON.stringify({ detail: 'Not authenticated: [redacted]' }) });
      ws.terminate();
    } finally {
      await relay.close();
      await closeServer(server);
    }
  });

  it('a browser that stops reading: the relay stops reading upstream (its buffer stays bounded)', async () => {
    const relay = createAuiRelay({ apiKey: RELAY_KEY, authorize: headerUser, baseUrl: `http://127.0.0.1:${port()}`, limits: { maxBufferedBytes: 64 * 1024 }, timeouts: { closeMs: 200 } });
    const server = createServer();
    relay.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sessionsBefore = activeResources('TCPSocketWrap');
    try {
      const half = await halfOpen((server.address() as { port: number }).port, 'alice');
      // One user message written by hand (a masked client frame), then the browser reads nothing more.
      const payload = Buffer.from(JSON.stringify({ task_id: 't1', text: 'flood me' }));
      const mask = Buffer.from([1, 2, 3, 4]);
      const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
      half.socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
      await waitUntil(() => upstreamSocket !== undefined && upstreamSocket.bufferedAmount > 0, 'upstream is sending', 10_000);
      // ~42 MB queued upstream. A relay that kept reading would take it all (bufferedAmount → 0); this
      // one stops after maxBufferedBytes plus what the sockets' kernel buffers hold. The window only
      // bounds the wait: it ends early, and fails, as soon as more than 16 MB got through.
      const queued = 700 * 60_000;
      await waitUntil(() => queued - upstreamSocket!.bufferedAmount > 16 * 1024 * 1024, 'more than 16 MB through', 1_500).catch(() => undefined);
      expect(queued - upstreamSocket!.bufferedAmount).toBeLessThan(16 * 1024 * 1024);
      half.socket.destroy();
      await half.closed;
    } finally {
      await relay.close();
      await closeServer(server);
    }
    await waitUntil(() => activeResources('TCPSocketWrap') <= sessionsBefore, 'no socket left', 5_000).catch(() => undefined);
    expect(activeResources('TCPSocketWrap')).toBeLessThanOrEqual(sessionsBefore);
  });
});

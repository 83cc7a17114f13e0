/**
 * createAuiRelay end to end: FakeAuiServer upstream, the relay on 127.0.0.1, real AuiClients in front
 * (no key), every byte the browser side received captured by a TCP tap.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import WebSocket from 'ws';
import { AuiAuthenticationError, AuiRateLimitError } from '../../lib/errors.js';
import { failFastOn1008 } from '../../lib/operators/fail-fast-on-1008.js';
import { retryOn1011 } from '../../lib/operators/retry-on-1011.js';
import { createAuiRelay } from '../../lib/relay/index.js';
import { agentReplyText } from '../../lib/testing/fake-agent.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { errorOf, waitFor } from '../helpers/rest-helpers.js';
import { BROWSER_KEY, closeServer, headerUser, keyForms, RELAY_KEY, RelayHarness } from './relay-kit.js';

/** A plain HTTP exchange through the relay: status, headers and body text. */
function call(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A raw WebSocket through the relay: its frames and close. */
function rawSession(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(url, { headers });
  const frames: string[] = [];
  ws.on('message', (data) => frames.push(String(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('error', reject);
  });
}

describe('createAuiRelay (FakeAuiServer upstream, real clients in front)', () => {
  const h = new RelayHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(() => {
    h.upstream.reset();
    h.logs.length = 0;
  });

  it('REST: create, list, get, messages and send reach AUI with the relay key and the signed-in user', async () => {
    const alice = h.client('alice');
    const task = await firstValueFrom(alice.createTask({ user_id: 'alice' }));
    expect(task.user_id).toBe('alice');
    const page = await firstValueFrom(alice.listTasks({ user_id: 'alice' }));
    expect(page.tasks.map((t) => t.id)).toEqual([task.id]);
    expect((await firstValueFrom(alice.getTask(task.id))).id).toBe(task.id);
    const reply = await firstValueFrom(alice.sendMessage({ task_id: task.id, text: 'a microwave' }));
    expect(reply.text).toBe(agentReplyText('a microwave'));
    expect(await firstValueFrom(alice.getTaskMessages(task.id))).toHaveLength(2);
    for (const r of h.upstream.requests) {
      expect(r.headers['x-network-api-key']).toBe(RELAY_KEY);
      expect(r.query.has('network_api_key')).toBe(false);
    }
    expect(h.upstream.requests.find((r) => r.method === 'GET' && r.path.endsWith('/tasks'))?.query.get('user_id')).toBe('alice');
    expect(h.logs.map((l) => [l.type, l.method, l.user, l.status])).toEqual(
      expect.arrayContaining([['rest', 'POST', 'alice', 200], ['rest', 'GET', 'alice', 200]]),
    );
    expect(h.logs.every((l) => l.durationMs >= 0 && !l.path.includes(RELAY_KEY))).toBe(true);
  });

  it('streaming: a turn streams through the relay, text events then the final', async () => {
    h.upstream.configure({ framesPerReply: 6 });
    const alice = h.client('alice');
    const task = await firstValueFrom(alice.createTask({ user_id: 'alice' }));
    const events = await lastValueFrom(alice.streamMessage({ task_id: task.id, text: 'a fridge' }).pipe(toArray()));
    const final = events[events.length - 1];
    expect(final?.kind === 'final' && final.message.text).toBe(agentReplyText('a fridge'));
    expect(events.filter((e) => e.kind === 'text')).toHaveLength(6);
    await waitFor(() => h.logs.some((l) => l.type === 'session'), 'session log');
    expect(h.logs.find((l) => l.type === 'session')).toMatchObject({ method: 'GET', user: 'alice', status: 101, closeCode: 1000 });
    h.upstream.configure({ framesPerReply: 0 });
  });

  it('1011 mid-turn reaches the browser and retryOn1011 retries it through the relay', async () => {
    const alice = h.client('alice');
    const task = await firstValueFrom(alice.createTask({ user_id: 'alice' }));
    h.upstream.failNextTurn({ type: 'close', code: 1011, reason: 'Internal error', afterFrames: 2 });
    const events = await lastValueFrom(alice.streamMessage({ task_id: task.id, text: 'an oven' }).pipe(retryOn1011({ jitter: false, initialDelayMs: 5 }), toArray()));
    expect(events.some((e) => e.kind === 'restart')).toBe(true);
    const final = events[events.length - 1];
    expect(final?.kind === 'final' && final.message.text).toBe(agentReplyText('an oven'));
    expect(h.upstream.stats.turns).toBe(2);
  });

  it('1008 (error frame 401 then close) reaches the browser as an authentication error and is not retried', async () => {
    const alice = h.client('alice');
    const task = await firstValueFrom(alice.createTask({ user_id: 'alice' }));
    h.upstream.failNextTurn({ type: 'error-frame', frame: { status_code: 401, description: 'Authentication failed', message: 'Invalid API key' }, code: 1008, reason: 'Invalid API key' });
    const error = await errorOf(alice.streamMessage({ task_id: task.id, text: 'x' }).pipe(failFastOn1008(), retryOn1011({ jitter: false, initialDelayMs: 5 })));
    expect(error).toBeInstanceOf(AuiAuthenticationError);
    expect(error).toMatchObject({ closeCode: 1008, status: 401, reason: 'Invalid API key' });
    expect(h.upstream.stats.turns).toBe(1);
  });

  it("another user's task is 403 on every route and on the socket, and is never forwarded", async () => {
    const alice = h.client('alice');
    const bob = h.client('bob');
    const task = await firstValueFrom(alice.createTask({ user_id: 'alice' }));
    const before = h.upstream.requests.length;
    const turnsBefore = h.upstream.stats.turns;
    for (const call$ of [bob.getTask(task.id), bob.getTaskMessages(task.id), bob.sendMessage({ task_id: task.id, text: 'mine now' }), bob.listTasks({ user_id: 'alice' }), bob.createTask({ user_id: 'alice' })]) {
      const error = await errorOf(call$);
      expect(error).toBeInstanceOf(AuiAuthenticationError);
      expect(error).toMatchObject({ status: 403 });
    }
    const streamed = await errorOf(bob.streamMessage({ task_id: task.id, text: 'mine now' }));
    expect(streamed).toBeInstanceOf(AuiAuthenticationError);
    expect(streamed).toMatchObject({ status: 403, closeCode: 1008 });
    // The ownership lookups (GET task) are the only upstream requests; nothing of bob's went upstream.
    expect(h.upstream.requests.slice(before).every((r) => r.method === 'GET' && /\/tasks\/[^/]+$/.test(r.path))).toBe(true);
    expect(h.upstream.stats.turns).toBe(turnsBefore);
    const unknown = await errorOf(bob.getTask('000000000000000000000000'));
    expect(unknown).toMatchObject({ status: 403 });
  });

  it('no user: REST is 401 with the documented body, the socket closes with 1008', async () => {
    const nobody = h.client(undefined);
    const error = await errorOf(nobody.listTasks({ user_id: 'alice' }));
    expect(error).toBeInstanceOf(AuiAuthenticationError);
    expect(error).toMatchObject({ status: 401, body: { detail: 'Not authenticated' } });
    const streamed = await errorOf(nobody.streamMessage({ task_id: 'abc', text: 'x' }).pipe(failFastOn1008()));
    expect(streamed).toMatchObject({ kind: 'authentication', closeCode: 1008 });
    expect(h.upstream.stats.connections).toBe(0);
    expect(h.upstream.requests).toHaveLength(0);
  });

  it("a browser's own key is never forwarded (header or query)", async () => {
    const withKey = h.client('carol', { apiKey: BROWSER_KEY });
    const task = await firstValueFrom(withKey.createTask({ user_id: 'carol' }));
    await lastValueFrom(withKey.streamMessage({ task_id: task.id, text: 'hi' }).pipe(toArray()));
    const res = await call(h.port, 'GET', `/api/v1/external/tasks?user_id=carol&network_api_key=${BROWSER_KEY}`, { 'x-user': 'carol', 'x-network-api-key': BROWSER_KEY });
    expect(res.status).toBe(200);
    expect(h.upstream.requests.length).toBeGreaterThan(0);
    for (const r of h.upstream.requests) {
      expect(JSON.stringify([r.headers, [...r.query], r.body])).not.toContain(BROWSER_KEY);
      expect(r.headers['x-network-api-key']).toBe(RELAY_KEY);
    }
    expect(h.logs.every((l) => !l.path.includes(BROWSER_KEY))).toBe(true);
  });

  it('past maxSessionsPerUser (4) a session is refused with 429; another user is not affected', async () => {
    const url = `ws://127.0.0.1:${h.port}/api/v1/external/session`;
    const open = await Promise.all([1, 2, 3, 4].map(() => rawSession(url, { 'x-user': 'dave' })));
    const refused = await errorOf(h.client('dave').streamMessage({ task_id: 'abc', text: 'x' }));
    expect(refused).toBeInstanceOf(AuiRateLimitError);
    expect(refused).toMatchObject({ status: 429 });
    const other = await rawSession(url, { 'x-user': 'erin' });
    other.ws.close();
    for (const s of open) s.ws.close();
    await Promise.all(open.map((s) => s.closed));
    await waitFor(() => h.upstream.stats.openConnections === 0, 'upstream sockets closed');
    const again = await rawSession(url, { 'x-user': 'dave' });
    again.ws.close();
    await again.closed;
  });

  it('the key is in no byte the browser side received', () => {
    expect(h.tap.received.length).toBeGreaterThan(0);
    const seen = h.tap.text.toLowerCase();
    for (const form of keyForms(RELAY_KEY)) expect(seen).not.toContain(form.toLowerCase());
  });
});

describe('createAuiRelay mounting', () => {
  let upstream: FakeAuiServer;
  beforeAll(async () => {
    upstream = await FakeAuiServer.start({ apiKeys: [RELAY_KEY] });
  });
  afterAll(() => upstream.stop());

  it('as middleware under a basePath: its paths are answered, every other path goes to next()', async () => {
    const relay = createAuiRelay({ apiKey: RELAY_KEY, baseUrl: upstream.baseUrl, basePath: '/aui', authorize: headerUser });
    const server: Server = createServer((req, res) => relay.handler(req, res, () => res.writeHead(200, { 'content-type': 'text/plain' }).end('app')));
    server.on('upgrade', (req, socket, head) => {
      if (!relay.upgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      expect((await call(port, 'GET', '/index.html')).body).toBe('app');
      expect((await call(port, 'GET', '/api/v1/external/tasks?user_id=u')).body).toBe('app');
      const listed = await call(port, 'GET', '/aui/api/v1/external/tasks', { 'x-user': 'u' });
      expect(listed.status).toBe(200);
      expect(JSON.parse(listed.body)).toMatchObject({ tasks: [], total: 0 });
      expect((await call(port, 'GET', '/aui/api/v1/external/product-metadata?link=x', { 'x-user': 'u' })).status).toBe(404);
      expect((await call(port, 'DELETE', '/aui/api/v1/external/tasks', { 'x-user': 'u' })).status).toBe(405);
      const session = await rawSession(`ws://127.0.0.1:${port}/aui/api/v1/external/session`, { 'x-user': 'u' });
      session.ws.close();
      await session.closed;
    } finally {
      await relay.close();
      await closeServer(server);
    }
  });

  it('CORS headers only when cors is set; a preflight is answered for an allowed origin', async () => {
    const plain = createAuiRelay({ apiKey: RELAY_KEY, baseUrl: upstream.baseUrl, authorize: headerUser });
    const cors = createAuiRelay({ apiKey: RELAY_KEY, baseUrl: upstream.baseUrl, authorize: headerUser, cors: { origin: 'http://app.test' } });
    const servers = [createServer(plain.handler), createServer(cors.handler)];
    for (const s of servers) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const [p1, p2] = servers.map((s) => (s.address() as { port: number }).port) as [number, number];
    try {
      const origin = { origin: 'http://app.test', 'x-user': 'u' };
      expect((await call(p1, 'GET', '/api/v1/external/tasks', origin)).headers['access-control-allow-origin']).toBeUndefined();
      expect((await call(p2, 'GET', '/api/v1/external/tasks', origin)).headers['access-control-allow-origin']).toBe('http://app.test');
      expect((await call(p2, 'GET', '/api/v1/external/tasks', { origin: 'http://evil.test', 'x-user': 'u' })).headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await call(p2, 'OPTIONS', '/api/v1/external/message', { origin: 'http://app.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
      expect(preflight.status).toBe(204);
      expect(preflight.headers).toMatchObject({ 'access-control-allow-origin': 'http://app.test', 'access-control-allow-headers': 'content-type' });
    } finally {
      await Promise.all([plain.close(), cors.close()]);
      await Promise.all(servers.map((s) => closeServer(s)));
    }
  });

  it('close(): open sessions end (the browser sees 1001), then new requests get 503', async () => {
    const relay = createAuiRelay({ apiKey: RELAY_KEY, baseUrl: upstream.baseUrl, authorize: headerUser });
    const server = createServer();
    relay.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const session = await rawSession(`ws://127.0.0.1:${port}/api/v1/external/session`, { 'x-user': 'u' });
    await relay.close();
    expect(await session.closed).toMatchObject({ code: 1001 });
    server.on('request', relay.handler);
    expect((await call(port, 'GET', '/api/v1/external/tasks', { 'x-user': 'u' })).status).toBe(503);
    await closeServer(server);
  });
});

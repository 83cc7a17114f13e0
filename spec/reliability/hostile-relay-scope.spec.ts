/**
 * aui-rx/relay attacked from outside (issue 15): a browser user who wants another user's tasks or the
 * network key, and a hostile upstream. Scope bypass on every route (path, query, body encodings,
 * methods, smuggling headers, cross-site bodies), the ownership cache (foreign, ownerless and
 * unreadable tasks, a failing lookup: refused, never forwarded), the socket (task_id variants, a
 * frame sent before `authorize` resolves, floods, pings nobody reads), and every byte the browser
 * receives on every error path (no form of the key). Raw bytes go over net.Socket so nothing in
 * between normalises them. Waits are awaited facts with caps, never timing assertions.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import WebSocket, { WebSocketServer } from 'ws';
import { createAuiRelay, type AuiRelay, type AuiRelayOptions } from '../../lib/relay/index.js';
import { waitUntil } from '../helpers/reliability-kit.js';
import { BROWSER_KEY, closeServer, headerUser, keyForms, RELAY_KEY, RelayHarness } from '../relay/relay-kit.js';

jest.setTimeout(30_000);

const X = '/api/v1/external';
const SESSION = `${X}/session`;

/** Writes `request` on a raw TCP connection; resolves with every byte read until the peer closes (capped). */
function raw(port: number, request: string | Buffer | ((socket: Socket) => void), capMs = 5_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const cap = setTimeout(() => socket.destroy(), capMs);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(cap);
      resolve(text);
    });
    socket.on('connect', () => (typeof request === 'function' ? request(socket) : socket.write(request)));
  });
}

/** A one-shot HTTP/1.1 request as text (`Connection: close`, so the relay ends the exchange). */
function http1(method: string, target: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = Object.entries({ host: '127.0.0.1', connection: 'close', ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) });
  return `${method} ${target} HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`;
}

const statusOf = (text: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
const bodyOf = (text: string): string => text.slice(text.indexOf('\r\n\r\n') + 4);

/** A masked client frame (what a browser sends). */
function frame(opcode: number, payload: Buffer | string): Buffer {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const mask = Buffer.from([9, 8, 7, 6]);
  const len = data.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  return Buffer.concat([head, mask, Buffer.from(data.map((b, i) => b ^ mask[i % 4]!))]);
}

const upgradeRequest = (user: string, path = SESSION): string =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nx-user: ${user}\r\n\r\n`;

/** A ws session through the relay as `user`: text frames parsed, the close awaited. */
async function session(port: number, user: string, headers: Record<string, string> = {}, query = ''): Promise<{ ws: WebSocket; frames: unknown[]; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${SESSION}${query}`, { headers: { 'x-user': user, ...headers } });
  const frames: unknown[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as unknown));
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, frames, closed };
}

function expectNoKey(text: string): void {
  const seen = text.toLowerCase();
  for (const form of keyForms(RELAY_KEY)) expect(seen).not.toContain(form.toLowerCase());
}

describe('scope bypass on every route (FakeAuiServer upstream)', () => {
  const h = new RelayHarness({ limits: { maxBodyBytes: 4096 }, timeouts: { requestMs: 2_000, connectMs: 2_000, closeMs: 200 } });
  let A: string; // alice's task
  let B: string; // bob's task
  beforeAll(async () => {
    await h.start();
    A = (await firstValueFrom(h.client('alice').createTask({ user_id: 'alice' }))).id;
    B = (await firstValueFrom(h.client('bob').createTask({ user_id: 'bob' }))).id;
  });
  afterAll(() => h.stop());
  beforeEach(() => (h.upstream.requests.length = 0));

  /** Upstream requests that would have served alice's task to someone (the ownership lookup itself excluded). */
  const forwardedForA = (): string[] =>
    h.upstream.requests
      .filter((r) => r.path.includes(`${A}/messages`) || (r.path.endsWith('/message') && JSON.stringify(r.body).includes(A)))
      .map((r) => `${r.method} ${r.path}`);

  const paths = (): Array<[string, string]> => [
    ['percent-encoded ..%2F to another task', `${X}/tasks/${B}%2F..%2F${A}/messages`],
    ['%2e%2e segment', `${X}/tasks/%2e%2e/tasks/${A}/messages`],
    ['%2e%2e as the id', `${X}/tasks/%2e%2e/messages`],
    ['..%2F escaping the tasks resource', `${X}/tasks/..%2F..%2Fexternal%2Ftasks%2F${A}/messages`],
    ['a dot-dot path', `${X}/tasks/${B}/../${A}/messages`],
    ['double slashes', `${X}//tasks/${A}/messages`],
    ['double slash inside', `${X}/tasks//${A}/messages`],
    ['trailing slash', `${X}/tasks/${A}/messages/`],
    ['trailing slash on the task', `${X}/tasks/${A}/`],
    [';params', `${X}/tasks/${A};user_id=bob/messages`],
    ['upper-case path', `/API/V1/EXTERNAL/tasks/${A}/messages`],
    ['upper-case id', `${X}/tasks/${A.toUpperCase()}/messages`],
    ['absolute-form target', `http://upstream.test${X}/tasks/${A}/messages`],
    ['//host target', `//upstream.test${X}/tasks/${A}/messages`],
    ['unicode look-alike (fullwidth digit)', `${X}/tasks/${encodeURIComponent(A.replace(/[0-9]/, (d) => String.fromCharCode(0xff10 + Number(d))))}/messages`],
    ['a NUL in the id', `${X}/tasks/${A}%00/messages`],
    ['a blank id', `${X}/tasks/%20/messages`],
    ['a huge id', `${X}/tasks/${'a'.repeat(8_000)}/messages`],
    ['a broken percent-encoding', `${X}/tasks/%E0%A4%A/messages`],
    ['a fragment', `${X}/tasks/${B}#/../../${A}/messages`],
  ];

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19])('path variant %#: bob never gets a byte of alice’s task', async (i) => {
    const [, target] = paths()[i]!;
    const text = await raw(h.port, http1('GET', target, { 'x-user': 'bob' }));
    const status = statusOf(text);
    // Refused, or (a fragment is not part of the path) bob's own task.
    if (status < 400) expect([status, target.includes('#'), bodyOf(text)]).toEqual([200, true, expect.stringContaining(B)]);
    expect(bodyOf(text)).not.toContain(A);
    expect(forwardedForA()).toEqual([]);
  });

  it('the same variants under a basePath: nothing outside it is served, nothing escapes it', async () => {
    const based = new RelayHarness({ basePath: '/aui' });
    await based.start();
    try {
      const id = (await firstValueFrom(based.client('alice').createTask({ user_id: 'alice' }))).id;
      based.upstream.requests.length = 0;
      for (const target of [
        `/aui/..${X}/tasks/${id}/messages`,
        `/aui/%2e%2e${X}/tasks/${id}/messages`,
        `/aui/${X}/tasks/${id}/messages`,
        `/AUI${X}/tasks/${id}/messages`,
        `/auix${X}/tasks/${id}/messages`,
        `${X}/tasks/${id}/messages`,
        `/aui${X}/tasks/..%2F..%2F..%2F..%2Faui%2Fapi%2Fv1%2Fexternal%2Ftasks%2F${id}/messages`,
      ]) {
        const text = await raw(based.port, http1('GET', target, { 'x-user': 'bob' }));
        expect([target, statusOf(text) >= 400, bodyOf(text).includes(id)]).toEqual([target, true, false]);
      }
      expect(based.upstream.requests.filter((r) => r.path.includes('/messages'))).toEqual([]);
    } finally {
      await based.stop();
    }
  });

  it.each([
    ['a duplicated user_id (last is alice)', '?user_id=bob&user_id=alice', 403],
    ['a duplicated user_id (first is alice)', '?user_id=alice&user_id=bob', 403],
    ['a percent-encoded name', '?user%5Fid=alice', 403],
    ['an empty user_id', '?user_id=', 403],
    ['user_id[] (not the same parameter)', '?user_id[]=alice', 200],
    ['USER_ID (not the same parameter)', '?USER_ID=alice', 200],
    ['a ;-separated user_id (one page value to upstream, which refuses it)', '?page=1;user_id=alice', 422],
  ])('list with %s (%s): %d, and upstream is only ever asked for bob', async (_, query, status) => {
    const text = await raw(h.port, http1('GET', `${X}/tasks${query}`, { 'x-user': 'bob' }));
    expect(statusOf(text)).toBe(status);
    expect(bodyOf(text)).not.toContain(A);
    for (const r of h.upstream.requests) expect(r.query.getAll('user_id')).toEqual(['bob']);
  });

  it.each([
    ['create', 'POST', `${X}/tasks?user_id=alice`, '{}'],
    ['send message', 'POST', `${X}/message?user_id=alice`, JSON.stringify({ task_id: 'B', text: 'hi' })],
    ['get task', 'GET', `${X}/tasks/B?user_id=alice`, ''],
    ['task messages', 'GET', `${X}/tasks/B/messages?user_id=alice`, ''],
  ])('%s with a query user_id of another user: 403, nothing forwarded', async (_, method, target, body) => {
    const text = await raw(h.port, http1(method, target.replace('/B', `/${B}`), { 'x-user': 'bob', 'content-type': 'application/json' }, body.replace('"B"', JSON.stringify(B))));
    expect(statusOf(text)).toBe(403);
    expect(h.upstream.requests.filter((r) => r.query.has('user_id'))).toEqual([]);
  });

  it.each([
    ['another user', '{"user_id":"alice"}', 403],
    ['a duplicate key, the last another user', '{"user_id":"bob","user_id":"alice"}', 403],
    ['null', '{"user_id":null}', 403],
    ['an array', '{"user_id":["bob"]}', 403],
    ['a look-alike', '{"user_id":"bob\\u200b"}', 403],
    ['a duplicate key, the last the user', '{"user_id":"alice","user_id":"bob"}', 200],
  ])('create with a body user_id of %s (%s): %d; what goes upstream is what was checked', async (_, body, status) => {
    const text = await raw(h.port, http1('POST', `${X}/tasks`, { 'x-user': 'bob', 'content-type': 'application/json' }, body));
    expect(statusOf(text)).toBe(status);
    for (const r of h.upstream.requests) expect(r.body).toEqual({ user_id: 'bob' });
  });

  it("the client's own query goes through (is_external_api on send, paging on list); trace flags and the rest stay", async () => {
    await firstValueFrom(h.client('bob').sendMessage({ task_id: B, text: 'hi' }));
    await firstValueFrom(h.client('bob').listTasks({ user_id: 'bob', page: 2, size: 5 }));
    await raw(h.port, http1('POST', `${X}/message?is_external_api=true&include_business_trace=true&include_context_trace=true&include_trace_info=true`, { 'x-user': 'bob', 'content-type': 'application/json' }, JSON.stringify({ task_id: B, text: 'trace?' })));
    const seen = h.upstream.requests.filter((r) => r.method === 'POST' || r.path.endsWith('/tasks')).map((r) => `${r.method} ${r.path}?${r.query.toString()}`);
    expect(seen).toEqual([`POST ${X}/message?is_external_api=true`, `GET ${X}/tasks?page=2&size=5&user_id=bob`, `POST ${X}/message?is_external_api=true`]);
  });

  it('send message with a duplicate task_id key: the last one is checked, and only it goes upstream', async () => {
    const text = await raw(h.port, http1('POST', `${X}/message`, { 'x-user': 'bob', 'content-type': 'application/json' }, `{"task_id":"${A}","text":"hi","task_id":"${B}"}`));
    expect(statusOf(text)).toBe(200);
    const sent = h.upstream.requests.filter((r) => r.path.endsWith('/message'));
    expect(sent.map((r) => r.body)).toEqual([{ task_id: B, text: 'hi' }]);
    const refused = await raw(h.port, http1('POST', `${X}/message`, { 'x-user': 'bob', 'content-type': 'application/json' }, `{"task_id":"${B}","text":"hi","task_id":"${A}"}`));
    expect(statusOf(refused)).toBe(403);
    expect(forwardedForA()).toEqual([]);
  });

  it.each([
    ['text/plain (a cross-site form or no-cors fetch)', { 'content-type': 'text/plain' }],
    ['a form encoding', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['no content type (a no-cors fetch of an untyped Blob)', {}],
  ])('a JSON body sent as %s is refused (415), nothing forwarded', async (_, type) => {
    for (const [target, body] of [
      [`${X}/tasks`, '{}'],
      [`${X}/message`, JSON.stringify({ task_id: B, text: 'sent from another site' })],
    ] as const) {
      const text = await raw(h.port, http1('POST', target, { 'x-user': 'bob', ...type }, body));
      expect(statusOf(text)).toBe(415);
    }
    expect(h.upstream.requests).toEqual([]);
  });

  it('application/json with a charset, and +json types, are JSON', async () => {
    const one = await raw(h.port, http1('POST', `${X}/tasks`, { 'x-user': 'bob', 'content-type': 'application/json; charset=utf-8' }, '{}'));
    const two = await raw(h.port, http1('POST', `${X}/tasks`, { 'x-user': 'bob', 'content-type': 'Application/Problem+JSON' }, '{}'));
    expect([statusOf(one), statusOf(two)]).toEqual([200, 200]);
  });

  it.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'])('%s is forwarded on no route', async (method) => {
    for (const target of [`${X}/tasks`, `${X}/tasks/${B}`, `${X}/tasks/${B}/messages`, `${X}/message`, SESSION]) {
      const text = await raw(h.port, http1(method, target, { 'x-user': 'bob', 'content-type': 'application/json' }, method === 'HEAD' || method === 'TRACE' ? '' : '{}'));
      expect([method, target, statusOf(text)]).toEqual([method, target, 405]);
    }
    expect(h.upstream.requests).toEqual([]);
  });

  it('CONNECT is never forwarded', async () => {
    const text = await raw(h.port, `CONNECT 127.0.0.1:${h.upstream.port} HTTP/1.1\r\nHost: 127.0.0.1:${h.upstream.port}\r\nx-user: bob\r\n\r\n`);
    expect(text).not.toMatch(/^HTTP\/1\.1 2/);
    expect(h.upstream.requests).toEqual([]);
  });

  it('Transfer-Encoding with Content-Length (smuggling): refused or read once, never a second request upstream', async () => {
    const hidden = http1('GET', `${X}/tasks/${A}/messages`, { 'x-user': 'alice' });
    const smuggle = `POST ${X}/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nx-user: bob\r\ncontent-type: application/json\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n${hidden}`;
    const text = await raw(h.port, smuggle);
    expect(statusOf(text)).toBe(400); // Node refuses the pair before the relay sees it
    expect(text).not.toContain(`"${A}"`);
    expect(forwardedForA()).toEqual([]);
    const doubled = await raw(h.port, `POST ${X}/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nx-user: bob\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\ntransfer-encoding: identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n`);
    expect(statusOf(doubled)).not.toBe(200);
    expect(h.upstream.requests.filter((r) => r.method === 'POST').length).toBeLessThanOrEqual(1);
  });

  it('Expect: 100-continue: a body past the limit is 413 before it is sent; a small one goes through', async () => {
    const big = await raw(h.port, `POST ${X}/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nx-user: bob\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: 100000\r\nconnection: close\r\n\r\n`);
    // Node answers 100 Continue itself before the relay sees the request; the 413 follows, and the connection closes.
    expect(big).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 413 /);
    const small = await raw(h.port, (s) => {
      s.write(`POST ${X}/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nx-user: bob\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: 2\r\nconnection: close\r\n\r\n`);
      s.once('data', () => s.write('{}'));
    });
    expect(small).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });

  it('the browser cannot choose the upstream key, host or identity: its headers stay at the relay', async () => {
    const browserHeaders = {
      'x-user': 'bob',
      'content-type': 'application/json',
      cookie: 'sid=bob-session',
      authorization: 'Bearer bob-token',
      'x-network-api-key': BROWSER_KEY,
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-host': 'evil.test',
      'x-forwarded-proto': 'https',
      forwarded: 'for=10.0.0.1;host=evil.test',
      'x-real-ip': '10.0.0.1',
      'x-user-id': 'alice',
    };
    await raw(h.port, http1('POST', `${X}/tasks?network_api_key=${BROWSER_KEY}&network_api_key=${BROWSER_KEY}`, { ...browserHeaders, host: 'evil.test' }, '{}'));
    await raw(h.port, http1('GET', `${X}/tasks/${B}/messages?Network_Api_Key=${BROWSER_KEY}`, browserHeaders));
    expect(h.upstream.requests.length).toBeGreaterThanOrEqual(2);
    for (const r of h.upstream.requests) {
      expect(r.headers['x-network-api-key']).toBe(RELAY_KEY);
      expect(r.headers['host']).toBe(`127.0.0.1:${h.upstream.port}`);
      for (const name of ['cookie', 'authorization', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'x-real-ip', 'x-user', 'x-user-id']) expect([name, r.headers[name]]).toEqual([name, undefined]);
      expect(r.query.has('network_api_key')).toBe(false);
      expect(JSON.stringify([...r.query])).not.toContain(BROWSER_KEY);
    }
  });

  it('no byte of the key reached the browser side', () => expectNoKey(h.tap.text));
});

/** What the hostile upstream answers for `GET /tasks/{id}`: a body, a status, or nothing. */
type TaskAnswer = { body: unknown } | { status: number; body: unknown; headers?: Record<string, string> } | 'stall';

/** A small hostile AUI: records everything, answers lookups from a table, refuses handshakes on demand. */
class HostileUpstream {
  readonly server: Server;
  readonly wss = new WebSocketServer({ noServer: true });
  readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  readonly upgrades: Array<{ url: string; headers: IncomingMessage['headers'] }> = [];
  readonly frames: string[] = [];
  readonly tasks = new Map<string, TaskAnswer>();
  refuseUpgrade: { status: number; headers: Record<string, string>; body: string } | undefined;
  /** What `GET /tasks/{id}/messages` answers instead of `[]`. */
  messagesAnswer: { contentType: string; text: string; headers?: Record<string, string> } | undefined;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += String(d)));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const task = /^\/api\/v1\/external\/tasks\/([^/]+)(\/messages)?$/.exec(path);
        const json = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
        };
        if (task?.[1] !== undefined) {
          const answer = this.tasks.get(decodeURIComponent(task[1]));
          if (answer === 'stall') return;
          if (task[2] && this.messagesAnswer) {
            const { contentType, text, headers } = this.messagesAnswer;
            return void res.writeHead(200, { ...headers, 'content-type': contentType }).end(text);
          }
          if (task[2]) return json(200, []);
          if (answer === undefined) return json(404, { detail: 'Not Found' });
          return 'status' in answer ? json(answer.status, answer.body, answer.headers) : json(200, answer.body);
        }
        json(200, { ok: true });
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      this.upgrades.push({ url: req.url ?? '', headers: req.headers });
      const refusal = this.refuseUpgrade;
      if (refusal) {
        const headers = Object.entries({ ...refusal.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(refusal.body)) });
        socket.end(`HTTP/1.1 ${refusal.status} Refused ${RELAY_KEY}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${refusal.body}`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (d) => this.frames.push(String(d))));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  lookups(id: string): number {
    return this.requests.filter((r) => r.url === `${X}/tasks/${encodeURIComponent(id)}`).length;
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    await closeServer(this.server, this.sockets);
  }
}

/** A relay in front of `up`, on its own server; every byte it sent back is in `received`. */
async function relayOver(up: HostileUpstream, options: Partial<AuiRelayOptions> = {}): Promise<{ relay: AuiRelay; port: number; stop: () => Promise<void> }> {
  const relay = createAuiRelay({ apiKey: RELAY_KEY, baseUrl: up.baseUrl, authorize: headerUser, timeouts: { requestMs: 300, connectMs: 300, closeMs: 200 }, ...options });
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  relay.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    relay,
    port: (server.address() as { port: number }).port,
    stop: async () => {
      await relay.close();
      await closeServer(server, sockets);
    },
  };
}

describe('the ownership cache and lookups (a hostile upstream of its own)', () => {
  const up = new HostileUpstream();
  let r: Awaited<ReturnType<typeof relayOver>>;
  const seen: string[] = [];
  const get = async (user: string, id: string, what = '/messages'): Promise<string> => {
    const text = await raw(r.port, http1('GET', `${X}/tasks/${encodeURIComponent(id)}${what}`, { 'x-user': user }));
    seen.push(text);
    return text;
  };
  const forwarded = (id: string): number => up.requests.filter((q) => q.url.startsWith(`${X}/tasks/${encodeURIComponent(id)}/messages`)).length;
  beforeAll(async () => {
    await up.start();
    r = await relayOver(up, { ownershipCache: { ttlMs: 60_000, maxEntries: 8 } });
  });
  afterAll(async () => {
    await r.stop();
    await up.stop();
  });

  it("user A's cached answer never serves user B", async () => {
    up.tasks.set('T1', { body: { id: 'T1', user_id: 'alice', title: 't' } });
    expect(statusOf(await get('alice', 'T1'))).toBe(200);
    expect(statusOf(await get('bob', 'T1'))).toBe(403);
    expect(statusOf(await get('bob', 'T1', ''))).toBe(403);
    expect(up.lookups('T1')).toBe(1);
    expect(forwarded('T1')).toBe(1);
  });

  it.each([
    ['null', { id: 'N', title: 't', user_id: null }],
    ['missing', { id: 'N', title: 't' }],
    ['a number', { id: 'N', title: 't', user_id: 5 }],
    ['an array', { id: 'N', title: 't', user_id: ['5'] }],
    ['an object', { id: 'N', title: 't', user_id: { toString: '5' } }],
    ['empty', { id: 'N', title: 't', user_id: '' }],
    ['not an object at all', ['5']],
  ])('a task whose upstream user_id is %s belongs to nobody: 403 for every user, nothing forwarded', async (_, body) => {
    const id = `N-${JSON.stringify(body).length}-${seen.length}`;
    up.tasks.set(id, { body: Array.isArray(body) ? body : { ...body, id } });
    // 403 (nobody's) or 502 (the relay could not read the task): refused either way.
    for (const user of ['5', 'null', 'undefined', '[object Object]']) expect([user, [403, 502].includes(statusOf(await get(user, id)))]).toEqual([user, true]);
    expect(forwarded(id)).toBe(0);
  });

  it("upstream answers reach the browser as data, never as a page of the app's origin, and are never cached", async () => {
    up.tasks.set('H', { body: { id: 'H', user_id: 'alice', title: 't' } });
    up.messagesAnswer = { contentType: 'text/html', text: '<script>alert(document.cookie)</script>', headers: { 'cache-control': 'public, max-age=86400', 'set-cookie': 'sid=upstream' } };
    try {
      const text = await get('alice', 'H');
      expect(statusOf(text)).toBe(200);
      const head = text.slice(0, text.indexOf('\r\n\r\n')).toLowerCase();
      expect(head).toContain('cache-control: no-store');
      expect(head).toContain('x-content-type-options: nosniff');
      expect(head).toMatch(/content-security-policy: [^\r]*default-src 'none'[^\r]*sandbox/);
      expect(head).not.toContain('set-cookie');
      expect(head).not.toContain('max-age');
    } finally {
      up.messagesAnswer = undefined;
    }
  });

  it('an id with surrounding whitespace is refused: the lookup (which trims) and the forward must name the same task', async () => {
    up.tasks.set('W1', { body: { id: 'W1', user_id: 'bob', title: 't' } });
    for (const id of [' W1', 'W1 ', '\u00a0W1', 'W1\ufeff', 'W1\u2028']) up.tasks.set(id, { body: { id, user_id: 'alice', title: 't' } });
    for (const id of [' W1', 'W1 ', '\u00a0W1', 'W1\ufeff', 'W1\u2028']) {
      expect([JSON.stringify(id), statusOf(await get('bob', id))]).toEqual([JSON.stringify(id), 403]);
      expect(forwarded(id)).toBe(0);
    }
    const s = await session(r.port, 'bob');
    s.ws.send(JSON.stringify({ task_id: ' W1', text: 'hi' }));
    expect((await s.closed).code).toBe(1008);
    expect(up.frames.filter((f) => f.includes('W1'))).toEqual([]);
  });

  it('a lookup that fails upstream (500) is refused with that failure, and asked again next time', async () => {
    up.tasks.set('F', { status: 500, body: { status_code: 500, description: 'Internal Server Error', message: `boom ${RELAY_KEY}` } });
    const text = await get('alice', 'F');
    expect(statusOf(text)).toBe(500);
    expect(bodyOf(text)).not.toContain(RELAY_KEY);
    up.tasks.set('F', { body: { id: 'F', user_id: 'alice', title: 't' } });
    expect(statusOf(await get('alice', 'F'))).toBe(200);
    expect(forwarded('F')).toBe(1);
  });

  it('a lookup that never answers is 504 and the request is never forwarded (fail closed)', async () => {
    up.tasks.set('S', 'stall');
    expect(statusOf(await get('alice', 'S'))).toBe(504);
    expect(forwarded('S')).toBe(0);
  });

  it('a 429 or 401 on the lookup is refused with its own status (Retry-After kept, no key), never forwarded', async () => {
    up.tasks.set('R', { status: 429, body: { detail: `slow down ${RELAY_KEY}` }, headers: { 'retry-after': '7' } });
    const limited = await get('alice', 'R');
    expect(statusOf(limited)).toBe(429);
    expect(limited).toMatch(/retry-after: 7/i);
    up.tasks.set('U', { status: 401, body: { detail: `bad key ${RELAY_KEY}` } });
    expect(statusOf(await get('alice', 'U'))).toBe(401);
    expect(forwarded('R') + forwarded('U')).toBe(0);
  });

  it('the cache stays within maxEntries under many distinct ids (the oldest is asked again)', async () => {
    for (let i = 0; i < 40; i++) up.tasks.set(`M${i}`, { body: { id: `M${i}`, user_id: 'alice', title: 't' } });
    for (let i = 0; i < 40; i++) expect(statusOf(await get('alice', `M${i}`))).toBe(200);
    for (let i = 0; i < 40; i++) expect(up.lookups(`M${i}`)).toBe(1);
    expect(statusOf(await get('alice', 'M39'))).toBe(200);
    expect(up.lookups('M39')).toBe(1); // still cached
    expect(statusOf(await get('alice', 'M0'))).toBe(200);
    expect(up.lookups('M0')).toBe(2); // pushed out long ago
  });

  it('many unknown ids leave nothing behind: each is a 403 from one lookup, none is cached', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => get('bob', `unknown-${i}`)));
    expect(results.map(statusOf)).toEqual(Array(30).fill(403));
    expect(statusOf(await get('bob', 'unknown-0'))).toBe(403);
    expect(up.lookups('unknown-0')).toBe(2);
  });

  it('no byte of the key reached the browser side', () => expectNoKey(seen.join('')));
});

describe('the socket (FakeAuiServer upstream)', () => {
  let gateOpen: () => void = () => undefined;
  let slowAuthorize = false;
  let waiting = false;
  const h = new RelayHarness({
    limits: { maxMessageBytes: 16 * 1024, maxBufferedBytes: 64 * 1024 },
    timeouts: { requestMs: 2_000, connectMs: 2_000, closeMs: 200 },
    authorize: async (req) => {
      if (slowAuthorize) {
        waiting = true;
        await new Promise<void>((resolve) => (gateOpen = resolve));
      }
      return headerUser(req);
    },
  });
  let A: string;
  let B: string;
  beforeAll(async () => {
    await h.start();
    A = (await firstValueFrom(h.client('alice').createTask({ user_id: 'alice' }))).id;
    B = (await firstValueFrom(h.client('bob').createTask({ user_id: 'bob' }))).id;
  });
  afterAll(() => h.stop());

  it.each([
    ['missing', () => ({ text: 'hi' })],
    ['null', () => ({ task_id: null, text: 'hi' })],
    ['a number', () => ({ task_id: 1, text: 'hi' })],
    ['an array of the id', () => ({ task_id: [B], text: 'hi' })],
    ['nested', () => ({ task_id: { id: B }, text: 'hi' })],
    ['blank', () => ({ task_id: '  ', text: 'hi' })],
  ])('task_id %s: error frame 422, close 1008, no turn', async (_, message) => {
    const turns = h.upstream.stats.turns;
    const s = await session(h.tap.port, 'bob');
    s.ws.send(JSON.stringify(message()));
    expect(await s.closed).toEqual({ code: 1008, reason: 'Invalid message' });
    expect(s.frames).toEqual([expect.objectContaining({ status_code: 422 })]);
    expect(h.upstream.stats.turns).toBe(turns);
  });

  it("duplicate task_id keys: the last is checked; alice's task last is refused, no turn", async () => {
    const turns = h.upstream.stats.turns;
    const s = await session(h.tap.port, 'bob');
    s.ws.send(`{"task_id":"${B}","text":"hi","task_id":"${A}"}`);
    expect(await s.closed).toEqual({ code: 1008, reason: 'Forbidden' });
    expect(h.upstream.stats.turns).toBe(turns);
  });

  it('a frame pipelined with the upgrade, before authorize resolves, is still checked', async () => {
    slowAuthorize = true;
    const turns = h.upstream.stats.turns;
    try {
      const text = raw(h.port, (s) => {
        s.write(Buffer.concat([Buffer.from(upgradeRequest('bob')), frame(1, JSON.stringify({ task_id: A, text: 'early' }))]));
      });
      await waitUntil(() => waiting, 'authorize waiting');
      gateOpen();
      const received = await text;
      expect(received).toMatch(/^HTTP\/1\.1 101 /);
      expect(received).toContain('"status_code":403');
      expect(h.upstream.stats.turns).toBe(turns);
    } finally {
      slowAuthorize = false;
      gateOpen();
    }
  });

  it('a frame past maxMessageBytes closes the session (1009) and is not forwarded', async () => {
    const turns = h.upstream.stats.turns;
    const s = await session(h.tap.port, 'bob');
    s.ws.send(JSON.stringify({ task_id: B, text: 'x'.repeat(20_000) }));
    expect((await s.closed).code).toBe(1009);
    expect(h.upstream.stats.turns).toBe(turns);
  });

  it('a flood of frames naming unknown tasks: one lookup, then 1008; lookups stay bounded', async () => {
    h.upstream.requests.length = 0;
    const s = await session(h.tap.port, 'bob');
    for (let i = 0; i < 500; i++) s.ws.send(JSON.stringify({ task_id: `nope-${i}`, text: 'hi' }));
    expect((await s.closed).code).toBe(1008);
    expect(h.upstream.requests.filter((r) => r.path.startsWith('/api/v1/external/tasks/nope-')).length).toBeLessThanOrEqual(1);
  });

  it("a browser query or header key is not what opens upstream, and a user's own task still streams", async () => {
    const s = await session(h.tap.port, 'bob', { 'x-network-api-key': BROWSER_KEY, cookie: 'sid=x' }, `?network_api_key=${BROWSER_KEY}`);
    s.ws.send(JSON.stringify({ task_id: B, text: 'hello' }));
    await waitUntil(() => s.frames.some((f) => typeof f === 'object' && f !== null && 'text' in f && 'id' in f), 'the final message');
    s.ws.close();
    await s.closed;
  });

  it('pings that are never read: the pongs waiting for the browser stay bounded', async () => {
    const serverSide: Socket[] = [];
    const onConnection = (socket: Socket): void => void serverSide.push(socket);
    h.server.on('connection', onConnection);
    const client = connect(h.port, '127.0.0.1');
    client.on('error', () => undefined);
    try {
      await new Promise<void>((resolve) => client.once('connect', resolve));
      client.write(upgradeRequest('bob'));
      await new Promise<void>((resolve) => client.once('data', () => resolve()));
      client.pause(); // never read again
      const socket = serverSide[0]!;
      const ping = frame(9, Buffer.alloc(125, 0x70));
      const many = Buffer.concat(Array.from({ length: 256 }, () => ping)); // 33 KB, 256 pongs
      let most = 0;
      for (let i = 0; i < 600 && !client.destroyed; i++) {
        // 20 MB of pings in all, written as the relay takes them; what waits on its side is measured.
        if (!client.write(many)) await new Promise<void>((resolve) => setTimeout(resolve, 2));
        most = Math.max(most, socket.writableLength);
        if (most > 4 * 1024 * 1024) break;
      }
      expect(most).toBeLessThan(4 * 1024 * 1024);
    } finally {
      h.server.off('connection', onConnection);
      client.destroy();
    }
  });

  it('no byte of the key reached the browser side', () => expectNoKey(h.tap.text));
});

describe('key leaks on every error path (a hostile upstream that echoes the key everywhere)', () => {
  const up = new HostileUpstream();
  const bytes: string[] = [];
  let r: Awaited<ReturnType<typeof relayOver>>;
  beforeAll(async () => {
    await up.start();
    r = await relayOver(up, { limits: { maxBodyBytes: 64, maxSessionsPerUser: 1 } });
  });
  afterAll(async () => {
    await r.stop();
    await up.stop();
  });
  const send = async (request: string | Buffer | ((s: Socket) => void)): Promise<string> => {
    const text = await raw(r.port, request);
    bytes.push(text);
    return text;
  };

  it('REST: 401, 403, 404, 405, 413, 415, 422, 426, 429, 500, 504 carry no form of the key', async () => {
    up.tasks.set('E', { status: 500, body: { message: `echo ${RELAY_KEY} ${encodeURIComponent(RELAY_KEY)}`, detail: RELAY_KEY.toLowerCase() }, headers: { 'x-debug': RELAY_KEY, 'set-cookie': `k=${RELAY_KEY}` } });
    up.tasks.set('L', { status: 429, body: { detail: RELAY_KEY }, headers: { 'retry-after': '1' } });
    up.tasks.set('W', 'stall');
    up.tasks.set('O', { body: { id: 'O', user_id: 'alice', title: 't' } });
    const statuses = [
      await send(http1('GET', `${X}/tasks/O`, {})),
      await send(http1('GET', `${X}/tasks/O`, { 'x-user': 'bob' })),
      await send(http1('GET', `${X}/nothing`, { 'x-user': 'bob' })),
      await send(http1('DELETE', `${X}/tasks/O`, { 'x-user': 'bob' })),
      await send(http1('POST', `${X}/tasks`, { 'x-user': 'bob', 'content-type': 'application/json' }, `{"x":"${'y'.repeat(100)}"}`)),
      await send(http1('POST', `${X}/tasks`, { 'x-user': 'bob', 'content-type': 'text/plain' }, '{}')),
      await send(http1('POST', `${X}/message`, { 'x-user': 'bob', 'content-type': 'application/json' }, '[]')),
      await send(http1('GET', SESSION, { 'x-user': 'bob' })),
      await send(http1('GET', `${X}/tasks/L`, { 'x-user': 'alice' })),
      await send(http1('GET', `${X}/tasks/E`, { 'x-user': 'alice' })),
      await send(http1('GET', `${X}/tasks/W`, { 'x-user': 'alice' })),
    ].map(statusOf);
    expect(statuses).toEqual([401, 403, 404, 405, 413, 415, 422, 426, 429, 500, 504]);
  });

  it('upstream unreachable (502) carries no form of the key', async () => {
    const dead = await relayOver(up, { baseUrl: 'http://127.0.0.1:1' });
    try {
      const text = await raw(dead.port, http1('GET', `${X}/tasks/O`, { 'x-user': 'alice' }));
      bytes.push(text);
      expect(statusOf(text)).toBe(502);
    } finally {
      await dead.stop();
    }
  });

  it('a refused handshake: status and body pass, but no echoed key in any header (Retry-After included) or the reason phrase', async () => {
    up.refuseUpgrade = { status: 429, headers: { 'retry-after': `${RELAY_KEY}`, 'x-debug': RELAY_KEY }, body: JSON.stringify({ detail: `limit for ${RELAY_KEY}` }) };
    try {
      const text = await send(upgradeRequest('alice'));
      expect(statusOf(text)).toBe(429);
      expectNoKey(text);
    } finally {
      up.refuseUpgrade = undefined;
    }
  });

  it('upgrade refusals of the relay (429, 404, 400, no user) carry no form of the key', async () => {
    const first = await session(r.port, 'carol');
    const statuses = [
      await send(upgradeRequest('carol')),
      await send(upgradeRequest('carol', `${X}/sessions`)),
      await send(`GET ${SESSION} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nx-user: carol\r\n\r\n`),
      await send((s) => {
        s.write(upgradeRequest(''));
        s.once('data', () => s.end());
      }),
    ].map(statusOf);
    expect(statuses).toEqual([429, 404, 400, 101]);
    first.ws.close();
    await first.closed;
    expect(up.upgrades.every((u) => u.headers['x-network-api-key'] === RELAY_KEY && u.headers['cookie'] === undefined && u.headers['x-user'] === undefined)).toBe(true);
  });

  it('the session upstream is opened with the relay key only, whatever the browser sent', async () => {
    up.upgrades.length = 0;
    const s = await session(r.port, 'dave', { 'x-network-api-key': BROWSER_KEY, cookie: 'sid=dave', authorization: 'Bearer x', 'x-forwarded-host': 'evil.test' }, `?network_api_key=${BROWSER_KEY}`);
    s.ws.close();
    await s.closed;
    expect(up.upgrades).toHaveLength(1);
    const { url, headers } = up.upgrades[0]!;
    expect(new URL(url, 'http://x').searchParams.getAll('network_api_key')).toEqual([RELAY_KEY]);
    expect(headers['x-network-api-key']).toBe(RELAY_KEY);
    for (const name of ['cookie', 'authorization', 'x-forwarded-host', 'x-user']) expect([name, headers[name]]).toEqual([name, undefined]);
  });

  it('no byte of the key reached the browser side', () => {
    expect(bytes.length).toBeGreaterThan(10);
    expectNoKey(bytes.join(''));
  });
});

describe("CORS settings that would hand a user's session to any site", () => {
  const up = new HostileUpstream();
  beforeAll(() => up.start());
  afterAll(() => up.stop());

  it("refuses cors origin '*' with credentials (every site could read every user's tasks with their cookies)", async () => {
    expect(() => createAuiRelay({ apiKey: RELAY_KEY, baseUrl: up.baseUrl, authorize: headerUser, cors: { origin: '*', credentials: true } })).toThrow(
      expect.objectContaining({ name: 'AuiValidationError', issues: [expect.objectContaining({ path: ['cors', 'credentials'] })] }),
    );
  });

  it("with cors origin '*', a WebSocket from another site is still refused: a WebSocket always carries the cookies", async () => {
    const r = await relayOver(up, { cors: { origin: '*' } });
    try {
      up.upgrades.length = 0;
      const cookieBearing = await raw(r.port, upgradeRequest('alice').replace('\r\n\r\n', '\r\nOrigin: https://evil.test\r\nCookie: sid=alice\r\n\r\n'));
      expect(statusOf(cookieBearing)).toBe(403);
      expect(up.upgrades).toEqual([]);
      const sameHost = await session(r.port, 'alice', { origin: `http://127.0.0.1:${r.port}` });
      sameHost.ws.close();
      await sameHost.closed;
      // REST stays open to any origin, without credentials (browsers send no cookies on a '*' answer).
      const rest = await raw(r.port, http1('GET', `${X}/tasks`, { 'x-user': 'alice', origin: 'https://evil.test' }));
      expect(rest).toMatch(/access-control-allow-origin: \*/i);
      expect(rest).not.toMatch(/access-control-allow-credentials/i);
    } finally {
      await r.stop();
    }
  });

  it('a listed origin (or a predicate) still opens WebSockets from that origin only', async () => {
    const r = await relayOver(up, { cors: { origin: (o) => o === 'https://app.test', credentials: true } });
    try {
      const app = await session(r.port, 'alice', { origin: 'https://app.test' });
      app.ws.close();
      await app.closed;
      expect(statusOf(await raw(r.port, upgradeRequest('alice').replace('\r\n\r\n', '\r\nOrigin: https://app.test.evil.test\r\n\r\n')))).toBe(403);
    } finally {
      await r.stop();
    }
  });
});

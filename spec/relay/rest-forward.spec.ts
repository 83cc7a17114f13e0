import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { asyncScheduler, VirtualTimeScheduler } from 'rxjs';
import { RestUpstream, type Forwarded } from '../../lib/relay/rest-forward.js';
import { refusedPort } from '../helpers/reliability-kit.js';
import { closeServer } from './relay-kit.js';

const KEY = 'API_KEY_01FORWARD';

describe('RestUpstream', () => {
  let server: Server;
  let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_, res) => res.end('{}');
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  const upstreams: RestUpstream[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += String(d)));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        answer(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const u of upstreams) u.close();
    await closeServer(server);
  });
  beforeEach(() => (seen.length = 0));

  const upstream = (settings: Partial<ConstructorParameters<typeof RestUpstream>[0]> = {}): RestUpstream => {
    const u = new RestUpstream({ baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/base`, requestMs: 5_000, maxResponseBytes: 1024, scheduler: asyncScheduler, ...settings });
    upstreams.push(u);
    return u;
  };
  const send = (u: RestUpstream, body?: string, signal = new AbortController().signal): Promise<Forwarded> =>
    u.send({ method: body === undefined ? 'GET' : 'POST', path: '/api/v1/external/tasks', query: new URLSearchParams({ user_id: 'u' }), signal, ...(body === undefined ? {} : { body }) }, KEY);

  it('sends the key header, the JSON body and the query; passes the status, body and a few headers back', async () => {
    answer = (_, res) => res.writeHead(422, { 'content-type': 'application/json', 'set-cookie': 'a=b', 'retry-after': '3', 'x-internal': 'x' }).end('{"detail":[]}');
    const forwarded = await send(upstream(), '{"user_id":"u"}');
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/base/api/v1/external/tasks?user_id=u', body: '{"user_id":"u"}' });
    expect(seen[0]?.headers).toMatchObject({ 'x-network-api-key': KEY, 'content-type': 'application/json', 'accept-encoding': 'identity' });
    expect(forwarded).toEqual({ upstream: { status: 422, headers: { 'content-type': 'application/json', 'retry-after': '3' }, body: Buffer.from('{"detail":[]}') } });
  });

  it('redacts the key in the body and the Location header', async () => {
    answer = (_, res) => res.writeHead(307, { location: `https://x.test/?k=${KEY}` }).end(`{"echo":"${KEY}"}`);
    const forwarded = await send(upstream());
    expect(forwarded).toMatchObject({ upstream: { status: 307, headers: { location: 'https://x.test/?k=[redacted]' } } });
    expect('upstream' in forwarded && forwarded.upstream.body.toString()).toBe('{"echo":"[redacted]"}');
  });

  it('decompresses a gzip answer (and counts the limit after decompression)', async () => {
    answer = (_, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('{"ok":true}'));
    expect(await send(upstream())).toMatchObject({ upstream: { status: 200, body: Buffer.from('{"ok":true}') } });
    answer = (_, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('x'.repeat(100_000)));
    expect(await send(upstream())).toMatchObject({ reply: { status: 502 } });
    answer = (_, res) => res.writeHead(200, { 'content-encoding': 'zstd-nope' }).end('x');
    expect(await send(upstream())).toMatchObject({ reply: { status: 502 } });
  });

  it('an answer past maxResponseBytes is 502', async () => {
    answer = (_, res) => res.end('x'.repeat(5_000));
    expect(await send(upstream())).toMatchObject({ reply: { status: 502, body: { status_code: 502 } } });
  });

  it('no answer within requestMs is 504 (the deadline runs on the scheduler)', async () => {
    const scheduler = new VirtualTimeScheduler();
    answer = () => undefined; // never answers
    const pending = send(upstream({ scheduler, requestMs: 60_000 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    scheduler.flush();
    expect(await pending).toMatchObject({ reply: { status: 504 } });
  });

  it('an unreachable upstream is 502; an abort ends the request', async () => {
    const down = new RestUpstream({ baseUrl: `http://127.0.0.1:${await refusedPort()}`, requestMs: 5_000, maxResponseBytes: 1024, scheduler: asyncScheduler });
    upstreams.push(down);
    expect(await send(down)).toMatchObject({ reply: { status: 502 } });
    answer = () => undefined;
    const controller = new AbortController();
    const pending = send(upstream(), undefined, controller.signal);
    controller.abort();
    expect(await pending).toEqual({ aborted: true });
  });
});

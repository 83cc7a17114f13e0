/**
 * Hostile `apiKey` options (issue 15 item 1): a key function that rejects with an Error naming the
 * key, resolves to a key with a line break, never resolves, or resolves after the caller has left;
 * and no key at all (a relay adds it). Against a loopback server of its own (node:http + ws) that
 * records every request and upgrade, the promise is: one typed aui-rx error (class + fields), the
 * key in no rendering of it, nothing sent, no unhandled rejection, no timer or socket left.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastValueFrom, toArray } from 'rxjs';
import { WebSocketServer } from 'ws';
import { AuiClient } from '../../lib/client.js';
import { AuiTimeoutError, AuiValidationError } from '../../lib/errors.js';
import type { AuiClientOptions } from '../../lib/options.js';
import { finalFrame } from '../helpers/ws-marbles.js';
import { TASK_G1 } from '../helpers/fixtures.js';
import { installProcessRecorder, poolOf, randomKey, secretLeaks, settle, TrackingScheduler, waitUntil, type ProcessRecord } from '../helpers/reliability-kit.js';

jest.setTimeout(30_000);

/** What the server saw: REST requests and WebSocket upgrades, with their URL and headers. */
interface Seen {
  readonly kind: 'rest' | 'upgrade';
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** A loopback AUI stand-in that serves any key (or none): GET a task, a session that answers with one final frame. */
async function startServer(): Promise<{ baseUrl: string; seen: Seen[]; frames: string[]; stop(): Promise<void> }> {
  const seen: Seen[] = [];
  const frames: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ kind: 'rest', url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(TASK_G1));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    seen.push({ kind: 'upgrade', url: req.url ?? '', headers: req.headers });
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data) => {
        frames.push(String(data));
        ws.send(JSON.stringify(finalFrame('hello')));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/aui`,
    seen,
    frames,
    stop: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('hostile apiKey options', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let recorder: ProcessRecord;
  let scheduler: TrackingScheduler;
  const clients: AuiClient[] = [];

  /** A client of the server on a tracking scheduler; closed after the test. */
  function clientWith(apiKey: AuiClientOptions['apiKey'], timeouts: AuiClientOptions['timeouts'] = {}): AuiClient {
    const client = new AuiClient({ apiKey, baseUrl: server.baseUrl, scheduler, idleLingerMs: 0, timeouts: { connectMs: 5000, requestMs: 5000, ...timeouts } });
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    server = await startServer();
    recorder = installProcessRecorder();
    scheduler = new TrackingScheduler();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    recorder.dispose();
    await server.stop();
  });

  it('a key function that rejects with an Error naming the key: one AuiValidationError per call, the key in no rendering, nothing more sent', async () => {
    const key = randomKey();
    let calls = 0;
    const client = clientWith(() => (++calls === 1 ? Promise.resolve(key) : Promise.reject(new Error(`refresh failed: ${key} expired`))));
    await lastValueFrom(client.getTask('t1')); // the function's first key works
    const rest = await settle(client.getTask('t1'));
    const ws = await settle(client.streamMessage({ task_id: 't1', text: 'hi' }));
    for (const result of [rest, ws]) {
      expect(result.error).toBeInstanceOf(AuiValidationError);
      expect(result.error).toMatchObject({ message: 'apiKey function rejected; no request was sent', taskId: 't1', retryable: false, issues: [{ path: ['apiKey'], message: 'rejected' }] });
      expect(((result.error as Error).cause as Error).message).toBe('refresh failed: [redacted] expired');
      expect(secretLeaks(result.error, key)).toEqual([]);
      expect(result.values).toEqual([]);
    }
    expect(calls).toBe(3);
    expect(server.seen.map((s) => s.kind)).toEqual(['rest']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(recorder.rejections).toEqual([]);
    expect(scheduler.pending()).toBe(0);
  });

  it('a key function that resolves to a key with a line break: AuiValidationError, the key not echoed, nothing sent', async () => {
    const key = `${randomKey()}\r\nX-Injected: 1`;
    const client = clientWith(async () => key);
    const rest = await settle(client.getTask('t1'));
    const ws = await settle(client.streamMessage({ task_id: 't1', text: 'hi' }));
    for (const result of [rest, ws]) {
      expect(result.error).toBeInstanceOf(AuiValidationError);
      expect(result.error).toMatchObject({ taskId: 't1', issues: [{ path: ['apiKey'], message: 'invalid header value' }] });
      expect(secretLeaks(result.error, key.slice(0, 20))).toEqual([]);
    }
    expect(server.seen).toEqual([]);
    expect(poolOf(client).stats).toMatchObject({ socketsCreated: 0, queued: 0 });
  });

  it('a key that never comes: AuiTimeoutError at requestMs (REST) and connectMs (WebSocket), nothing sent, no timer left', async () => {
    const client = clientWith(() => new Promise<string>(() => undefined), { requestMs: 60, connectMs: 60 });
    const rest = await settle(client.getTask('t1'));
    const ws = await settle(client.streamMessage({ task_id: 't1', text: 'hi' }));
    expect(rest.error).toBeInstanceOf(AuiTimeoutError);
    expect(rest.error).toMatchObject({ phase: 'request', taskId: 't1', retryable: true, message: 'apiKey function did not return a key within 60 ms (timeouts.requestMs); no request was sent' });
    expect(ws.error).toBeInstanceOf(AuiTimeoutError);
    expect(ws.error).toMatchObject({ phase: 'connect', taskId: 't1', retryable: true, message: 'apiKey function did not return a key within 60 ms (timeouts.connectMs); no connection was opened' });
    expect(server.seen).toEqual([]);
    expect(poolOf(client).stats).toMatchObject({ socketsCreated: 0, queued: 0, sockets: 0 });
    expect(scheduler.pending()).toBe(0);
  });

  it('a key that comes after unsubscribe: nothing is sent (REST or WebSocket), nothing pending, no timer left', async () => {
    const resolvers: Array<(key: string) => void> = [];
    const client = clientWith(() => new Promise<string>((resolve) => resolvers.push(resolve)));
    const states: string[] = [];
    client.connectionState$.subscribe((state) => states.push(state));
    const events: string[] = [];
    const observer = { next: () => events.push('next'), error: () => events.push('error'), complete: () => events.push('complete') };
    const rest = client.getTask('t1').subscribe(observer);
    const ws = client.streamMessage({ task_id: 't1', text: 'hi' }).subscribe(observer);
    expect(resolvers).toHaveLength(2);
    rest.unsubscribe();
    ws.unsubscribe();
    for (const resolve of resolvers) resolve(randomKey());
    await new Promise((resolve) => setTimeout(resolve, 50)); // let a wrongly sent request land
    expect(events).toEqual([]);
    expect(server.seen).toEqual([]);
    expect(poolOf(client).stats).toMatchObject({ socketsCreated: 0, queued: 0, sockets: 0, turnsStarted: 0 });
    expect(states).toEqual(['idle', 'connecting', 'idle']);
    expect(scheduler.pending()).toBe(0);
    expect(recorder.rejections).toEqual([]);
  });

  it('no key (a relay adds it): REST and the session work, and no byte of either carries a key', async () => {
    const client = clientWith(undefined);
    await expect(lastValueFrom(client.getTask('t1'))).resolves.toEqual(TASK_G1);
    const events = await lastValueFrom(client.streamMessage({ task_id: 't1', text: 'hi' }).pipe(toArray()));
    expect(events.map((e) => e.kind)).toEqual(['final']);
    expect(server.seen.map((s) => [s.kind, s.url])).toEqual([
      ['rest', '/aui/api/v1/external/tasks/t1'],
      ['upgrade', '/aui/api/v1/external/session'],
    ]);
    for (const s of server.seen) expect(Object.keys(s.headers).filter((h) => /api-key/i.test(h))).toEqual([]);
    expect(server.frames.join('')).not.toMatch(/api_key|api-key/i);
  });

  it('a Promise key that comes: REST and the session carry it (header, query parameter), read once per request and per connection', async () => {
    const key = randomKey();
    let calls = 0;
    const client = clientWith(async () => {
      calls++;
      return key;
    });
    await lastValueFrom(client.getTask('t1'));
    await lastValueFrom(client.streamMessage({ task_id: 't1', text: 'hi' }).pipe(toArray()));
    await waitUntil(() => poolOf(client).stats.sockets === 0, 'the socket to close (idleLingerMs 0)');
    await lastValueFrom(client.streamMessage({ task_id: 't1', text: 'again' }).pipe(toArray()));
    expect(calls).toBe(3);
    const [rest, first, second] = server.seen;
    expect(rest?.headers['x-network-api-key']).toBe(key);
    for (const upgrade of [first, second]) {
      expect(new URL(upgrade?.url ?? '', 'http://x').searchParams.get('network_api_key')).toBe(key);
      expect(upgrade?.headers['x-network-api-key']).toBe(key);
    }
  });

  it('a thenable that settles at once, inside then(): the key is used (or the refusal arrives) on REST and the session; no turn hangs', async () => {
    const key = randomKey();
    // Not a Promise: a PromiseLike whose then() calls back synchronously, as some hand-written ones do.
    const now = (value: string) => ({ then: (ok: (v: string) => void) => ok(value) }) as unknown as PromiseLike<string>;
    const failing = () => ({ then: (_ok: unknown, no: (e: unknown) => void) => no(new Error('no key today')) }) as unknown as PromiseLike<string>;
    const client = clientWith(() => now(key), { connectMs: 2000 });
    await lastValueFrom(client.getTask('t1'));
    const events = await settle(client.streamMessage({ task_id: 't1', text: 'hi' }));
    expect(events.error).toBeUndefined();
    expect(events.values.at(-1)).toMatchObject({ kind: 'final' });
    expect(server.seen.map((s) => s.kind)).toEqual(['rest', 'upgrade']);
    const refused = await settle(clientWith(failing, { connectMs: 2000 }).streamMessage({ task_id: 't1', text: 'hi' }));
    expect(refused.error).toBeInstanceOf(AuiValidationError);
    expect(refused.error).toMatchObject({ message: 'apiKey function rejected; no request was sent' });
    expect(server.seen).toHaveLength(2);
    await waitUntil(() => poolOf(client).stats.sockets === 0, 'the socket to close (idleLingerMs 0)');
    expect(scheduler.pending()).toBe(0);
  });
});

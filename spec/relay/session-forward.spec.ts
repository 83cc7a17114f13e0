import { request } from 'node:http';
import WebSocket from 'ws';
import { waitFor } from '../helpers/rest-helpers.js';
import { RelayHarness } from './relay-kit.js';

const SESSION = '/api/v1/external/session';

/** Opens a raw ws through the relay: the handshake status (101 when accepted) and, if accepted, the close. */
function attempt(port: number, headers: Record<string, string>, closeOnOpen = true): Promise<{ status: number; close?: { code: number; reason: string } }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${SESSION}`, { headers });
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('open', () => {
      ws.once('close', (code, reason) => resolve({ status: 101, close: { code, reason: String(reason) } }));
      if (closeOnOpen) ws.close(1000);
    });
  });
}

describe('handleSessionUpgrade', () => {
  const h = new RelayHarness({ cors: { origin: 'http://app.test' } });
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(() => {
    h.upstream.reset();
    h.logs.length = 0;
  });

  it('refuses a browser page of another origin (403), before any upstream connection', async () => {
    expect(await attempt(h.port, { 'x-user': 'alice', origin: 'http://evil.test' })).toEqual({ status: 403 });
    expect(h.upstream.stats.connections).toBe(0);
  });

  it('accepts the same host, an origin cors allows, and clients without Origin', async () => {
    expect((await attempt(h.port, { 'x-user': 'alice', origin: `http://127.0.0.1:${h.port}` })).status).toBe(101);
    expect((await attempt(h.port, { 'x-user': 'alice', origin: 'http://app.test' })).status).toBe(101);
    expect((await attempt(h.port, { 'x-user': 'alice' })).status).toBe(101);
  });

  it('no user: accepted, then closed with 1008 (what a browser can see), never connected upstream', async () => {
    expect(await attempt(h.port, {}, false)).toEqual({ status: 101, close: { code: 1008, reason: 'Not authenticated' } });
    expect(h.upstream.stats.connections).toBe(0);
    await waitFor(() => h.logs.some((l) => l.user === undefined), 'the session log');
    expect(h.logs.find((l) => l.user === undefined)).toMatchObject({ type: 'session', status: 101, closeCode: 1008 });
  });

  it("upstream refusing the handshake: the browser's is refused with the same status", async () => {
    h.upstream.failNextConnection({ type: 'reject', status: 403 });
    expect(await attempt(h.port, { 'x-user': 'alice' })).toEqual({ status: 403 });
    h.upstream.failNextConnection({ type: 'close', code: 1008, reason: 'Invalid API key' });
    expect(await attempt(h.port, { 'x-user': 'alice' }, false)).toEqual({ status: 101, close: { code: 1008, reason: 'Invalid API key' } });
    await waitFor(() => h.logs.some((l) => l.closeCode === 1008), 'the session log');
    expect(h.logs.map((l) => [l.user, l.status, l.closeCode])).toEqual(expect.arrayContaining([['alice', 403, undefined], ['alice', 101, 1008]]));
  });

  it('a malformed upgrade request is answered 400 and opens nothing upstream', async () => {
    const res = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port: h.port, path: SESSION, headers: { connection: 'Upgrade', upgrade: 'websocket', 'x-user': 'alice', 'sec-websocket-version': '13', 'sec-websocket-key': 'bad' } })
        .on('response', (r) => resolve(r.statusCode ?? 0))
        .on('upgrade', () => resolve(101))
        .on('error', () => resolve(-1))
        .end();
    });
    expect(res).toBe(400);
    await waitFor(() => h.logs.some((l) => l.status === 400), 'the log');
    expect(h.logs.find((l) => l.status === 400)).toMatchObject({ type: 'session' });
    expect(h.upstream.stats.connections).toBe(0);
  });
});

import WebSocket from 'ws';
import { FAKE_API_KEY, FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { ERROR_500 } from '../helpers/fixtures.js';
import { RawSession } from '../helpers/ws-raw-client.js';
import { until } from '../helpers/ws-server.js';

/** Opens a raw socket and reports how the handshake ended. */
function handshake(url: string, options: WebSocket.ClientOptions = {}): Promise<{ opened: boolean; error?: string; ws: WebSocket }> {
  const ws = new WebSocket(url, options);
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ opened: true, ws }));
    ws.once('error', (e) => resolve({ opened: false, error: e.message, ws }));
  });
}

describe('FakeAuiServer core', () => {
  it('starts on 127.0.0.1 with a free port; URLs; stop frees the port', async () => {
    const server = await FakeAuiServer.start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.baseUrl).toBe(`http://127.0.0.1:${server.port}/api/ia-controller`);
    expect(server.wsUrl).toBe(`ws://127.0.0.1:${server.port}/api/ia-controller/api/v1/external/session`);
    expect(server.apiKey).toBe(FAKE_API_KEY);
    expect(await server.start()).toBe(server); // idempotent
    const url = `${server.wsUrl}?network_api_key=${server.apiKey}`;
    const s = await RawSession.open(url);
    await server.stop();
    expect((await s.closed()).code).toBe(1006);
    const after = await handshake(url);
    expect(after.opened).toBe(false);
    expect(after.error).toMatch(/ECONNREFUSED/);
  });

  it('settings: defaults, constructor overrides, configure merges; basePath moves the endpoints', async () => {
    const server = await FakeAuiServer.start({ basePath: '/ia-controller', frames: 'A1' });
    try {
      expect(server.settings).toMatchObject({ frames: 'A1', textMode: 'cumulative', replyShape: 'cards', wsAuthFailure: 'close-1008' });
      server.configure({ textMode: 'delta' });
      expect(server.settings).toMatchObject({ frames: 'A1', textMode: 'delta' });
      expect(server.wsUrl).toMatch(/\/ia-controller\/api\/v1\/external\/session$/);
      const wrong = await handshake(`ws://127.0.0.1:${server.port}/api/ia-controller/api/v1/external/session?network_api_key=${server.apiKey}`);
      expect(wrong.error).toMatch(/404/);
      const right = await handshake(`${server.wsUrl}?network_api_key=${server.apiKey}`);
      expect(right.opened).toBe(true);
      right.ws.terminate();
    } finally {
      await server.stop();
    }
  });

  describe('WebSocket key check and connect faults', () => {
    let server: FakeAuiServer;
    beforeAll(async () => {
      server = await FakeAuiServer.start();
    });
    afterAll(() => server.stop());
    beforeEach(() => {
      server.reset();
      server.configure({ wsAuthFailure: 'close-1008' });
    });
    afterEach(async () => {
      await until(() => server.stats.openConnections === 0);
    });

    it('accepts the key as network_api_key or as the x-network-api-key header', async () => {
      const q = await handshake(`${server.wsUrl}?network_api_key=${server.apiKey}`);
      const h = await handshake(server.wsUrl, { headers: { 'x-network-api-key': server.apiKey } });
      expect([q.opened, h.opened]).toEqual([true, true]);
      q.ws.close();
      h.ws.close();
    });

    it('a bad or missing key: accept then close 1008 (default variant)', async () => {
      for (const url of [`${server.wsUrl}?network_api_key=API_KEY_BAD`, server.wsUrl]) {
        const s = await RawSession.open(url);
        expect(await s.closed()).toEqual({ code: 1008, reason: 'Invalid API key' });
        expect(s.frames).toEqual([]);
      }
      expect(server.stats.connections).toBe(2);
    });

    it.each([
      ['reject-401', 401],
      ['reject-403', 403],
    ] as const)('a bad key with wsAuthFailure %s refuses the handshake with HTTP %i', async (wsAuthFailure, status) => {
      server.configure({ wsAuthFailure });
      const result = await handshake(`${server.wsUrl}?network_api_key=API_KEY_BAD`);
      expect(result.error).toBe(`Unexpected server response: ${status}`);
      expect(server.stats).toMatchObject({ connections: 1, openConnections: 0 });
    });

    it('connect fault reject: that status, once', async () => {
      server.failNextConnection({ type: 'reject', status: 403 });
      expect((await handshake(`${server.wsUrl}?network_api_key=${server.apiKey}`)).error).toMatch(/403/);
      const ok = await handshake(`${server.wsUrl}?network_api_key=${server.apiKey}`);
      expect(ok.opened).toBe(true);
      ok.ws.close();
    });

    it('connect fault close: optional error frame, then the code', async () => {
      server.failNextConnection({ type: 'close', code: 1011, reason: 'down', errorFrame: ERROR_500 });
      const s = await RawSession.open(`${server.wsUrl}?network_api_key=${server.apiKey}`);
      expect(await s.closed()).toEqual({ code: 1011, reason: 'down' });
      expect(s.json).toEqual([ERROR_500]);
    });

    it('connect fault stall: the handshake never completes', async () => {
      server.failNextConnection({ type: 'stall' });
      const result = await handshake(`${server.wsUrl}?network_api_key=${server.apiKey}`, { handshakeTimeout: 100 });
      expect(result.error).toMatch(/timed out/i);
    });

    it('connect fault destroy: the TCP connection drops during the handshake', async () => {
      server.failNextConnection({ type: 'destroy' });
      const result = await handshake(`${server.wsUrl}?network_api_key=${server.apiKey}`);
      expect(result.opened).toBe(false);
      expect(result.error).toMatch(/socket hang up|ECONNRESET/);
    });

    it('connect faults queue, one per connection', async () => {
      server.failNextConnection({ type: 'reject', status: 401 }, { type: 'reject', status: 403 });
      const a = await handshake(`${server.wsUrl}?network_api_key=${server.apiKey}`);
      const b = await handshake(`${server.wsUrl}?network_api_key=${server.apiKey}`);
      expect([a.error, b.error]).toEqual(['Unexpected server response: 401', 'Unexpected server response: 403']);
    });
  });

  it('stats: connections, openConnections, maxOpenConnections, turns; reset clears counters, faults and store', async () => {
    const server = await FakeAuiServer.start();
    try {
      const url = `${server.wsUrl}?network_api_key=${server.apiKey}`;
      const a = await RawSession.open(url);
      const b = await RawSession.open(url);
      expect(server.stats).toMatchObject({ connections: 2, openConnections: 2, maxOpenConnections: 2 });
      await b.end();
      await until(() => server.stats.openConnections === 1);
      const task = server.store.createTask('u', server.apiKey).id;
      a.send({ task_id: task, text: 'hi' });
      await a.final();
      expect(server.stats).toMatchObject({ connections: 2, openConnections: 1, maxOpenConnections: 2, turns: 1 });
      server.failNextTurn({ type: 'stall' });
      server.failNextConnection({ type: 'reject', status: 401 });
      server.reset();
      expect(server.stats).toMatchObject({ connections: 0, openConnections: 1, maxOpenConnections: 1, turns: 0 });
      expect(server.store.tasks).toEqual([]);
      const c = await RawSession.open(url); // the queued reject fault is gone
      await c.end();
      await a.end();
    } finally {
      await server.stop();
    }
  });
});

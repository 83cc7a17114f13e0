import { asyncScheduler, VirtualTimeScheduler } from 'rxjs';
import type WebSocket from 'ws';
import { closeSocket, SessionPipe } from '../../lib/relay/session-pipe.js';
import { closeOf, wsPair, type WsPair } from './relay-kit.js';

const KEY = 'API_KEY_01PIPE';

describe('SessionPipe', () => {
  let browserSide: WsPair; // server: the relay's end, client: the browser
  let upstreamSide: WsPair; // client: the relay's end, server: AUI
  let fromBrowser: Array<[string, boolean]>;
  let ended: number[];
  let pipe: SessionPipe;

  beforeEach(async () => {
    [browserSide, upstreamSide] = await Promise.all([wsPair(), wsPair()]);
    fromBrowser = [];
    ended = [];
    pipe = new SessionPipe(browserSide.server, upstreamSide.client, {
      key: KEY,
      maxBufferedBytes: 1024 * 1024,
      closeMs: 1_000,
      scheduler: asyncScheduler,
      onBrowserFrame: (data, isBinary) => fromBrowser.push([String(data), isBinary]),
      onEnd: (code) => ended.push(code),
    });
  });
  afterEach(() => Promise.all([browserSide.stop(), upstreamSide.stop()]));

  const next = (ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> => new Promise((resolve) => ws.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })));

  it('passes upstream frames to the browser byte for byte, text as text and binary as binary', async () => {
    const text = Buffer.from('{"event":"thread-message-text-content-updated","data":{"text":"héllo ✓"}}');
    let got = next(browserSide.client);
    upstreamSide.server.send(text, { binary: false });
    expect(await got).toEqual({ data: text, isBinary: false });
    got = next(browserSide.client);
    upstreamSide.server.send(Buffer.from([0, 1, 2, 255]), { binary: true });
    expect(await got).toEqual({ data: Buffer.from([0, 1, 2, 255]), isBinary: true });
  });

  it('redacts the key in a frame', async () => {
    const got = next(browserSide.client);
    upstreamSide.server.send(`{"text":"${KEY}"}`);
    expect(String((await got).data)).toBe('{"text":"[redacted]"}');
  });

  it('hands browser frames to the gate; toUpstream sends what the gate checked', async () => {
    browserSide.client.send('{"task_id":"t","text":"hi"}');
    const got = next(upstreamSide.server);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fromBrowser).toEqual([['{"task_id":"t","text":"hi"}', false]]);
    pipe.toUpstream('{"task_id":"t","text":"hi"}');
    expect(String((await got).data)).toBe('{"task_id":"t","text":"hi"}');
  });

  it('hold/release are counted: the browser is read again after the last release', () => {
    pipe.hold();
    pipe.hold();
    expect(browserSide.server.isPaused).toBe(true);
    pipe.release();
    expect(browserSide.server.isPaused).toBe(true);
    pipe.release();
    expect(browserSide.server.isPaused).toBe(false);
  });

  it('an upstream close reaches the browser with its code and redacted reason; the session ends once', async () => {
    const closed = closeOf(browserSide.client);
    upstreamSide.server.close(1011, `internal ${KEY}`);
    expect(await closed).toEqual({ code: 1011, reason: 'internal [redacted]' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toEqual([1011]);
  });

  it('a browser close reaches upstream with its code', async () => {
    const closed = closeOf(upstreamSide.server);
    browserSide.client.close(1000, 'bye');
    expect(await closed).toEqual({ code: 1000, reason: 'bye' });
  });

  it('a close without a code (1005) stays without one; a dropped upstream (1006) drops the browser', async () => {
    let closed = closeOf(browserSide.client);
    upstreamSide.server.close();
    expect((await closed).code).toBe(1005);
    await Promise.all([browserSide.stop(), upstreamSide.stop()]);
    [browserSide, upstreamSide] = await Promise.all([wsPair(), wsPair()]);
    pipe = new SessionPipe(browserSide.server, upstreamSide.client, { key: KEY, maxBufferedBytes: 1024, closeMs: 1_000, scheduler: asyncScheduler, onBrowserFrame: () => undefined, onEnd: (code) => ended.push(code) });
    closed = closeOf(browserSide.client);
    upstreamSide.server.terminate();
    expect((await closed).code).toBe(1006);
  });

  it('refuse sends the error frame, closes the browser with the code and upstream with 1000', async () => {
    const frame = next(browserSide.client);
    const closed = closeOf(browserSide.client);
    const upstreamClosed = closeOf(upstreamSide.server);
    pipe.refuse({ status_code: 403 }, 1008, 'Forbidden');
    expect(JSON.parse(String((await frame).data))).toEqual({ status_code: 403 });
    expect(await closed).toEqual({ code: 1008, reason: 'Forbidden' });
    expect((await upstreamClosed).code).toBe(1000);
  });
});

describe('closeSocket', () => {
  it('drops a peer that never answers the close, after closeMs on the scheduler', async () => {
    const pair = await wsPair();
    (pair.client as unknown as { _socket: { pause(): void } })._socket.pause(); // the peer reads nothing more
    const scheduler = new VirtualTimeScheduler();
    const closed = closeOf(pair.server);
    const wait = closeSocket(pair.server, 1000, '', 1_000, scheduler);
    expect(wait).toBeDefined();
    expect(pair.server.readyState).toBe(2); // closing, waiting for the peer
    scheduler.flush(); // closeMs passes
    expect((await closed).code).toBe(1006);
    await pair.stop();
  });

  it('drops at once for a code no endpoint may send', async () => {
    const pair = await wsPair();
    const closed = closeOf(pair.client);
    expect(closeSocket(pair.server, 1006, '', 1_000, asyncScheduler)).toBeUndefined();
    expect((await closed).code).toBe(1006);
    await pair.stop();
  });
});

import { MockWebSocket } from '../../lib/testing/mock-web-socket.js';
import { AuiClient } from '../../lib/client.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

describe('MockWebSocket', () => {
  beforeEach(() => MockWebSocket.reset());

  it('records instances, url, protocols and options; reset forgets them', () => {
    const a = new MockWebSocket('wss://x/s?network_api_key=k');
    const b = new MockWebSocket('wss://y/s', undefined, { headers: { h: '1' } });
    expect(MockWebSocket.instances).toEqual([a, b]);
    expect(MockWebSocket.latest).toBe(b);
    expect([a.url, a.protocols, a.options]).toEqual(['wss://x/s?network_api_key=k', undefined, undefined]);
    expect(b.options).toEqual({ headers: { h: '1' } });
    MockWebSocket.completeClosesAtOnce = false;
    MockWebSocket.reset();
    expect(MockWebSocket.instances).toEqual([]);
    expect(MockWebSocket.latest).toBeUndefined();
    expect(MockWebSocket.completeClosesAtOnce).toBe(true);
  });

  it('dispatches to on* handlers and listeners, synchronously', () => {
    const ws = new MockWebSocket('wss://x');
    const seen: string[] = [];
    ws.onopen = () => seen.push('onopen');
    ws.addEventListener('open', () => seen.push('open'));
    ws.onmessage = (e) => seen.push(`onmessage:${e.data}`);
    const listener = (e: { data: string }): void => void seen.push(`message:${e.data}`);
    ws.addEventListener('message', listener as never);
    ws.onclose = (e) => seen.push(`onclose:${e.code}:${e.reason}:${e.wasClean}`);
    ws.open();
    ws.receive({ a: 1 });
    ws.removeEventListener('message', listener as never);
    ws.receive('raw text');
    ws.serverClose(1011, 'boom');
    expect(seen).toEqual(['onopen', 'open', 'onmessage:{"a":1}', 'message:{"a":1}', 'onmessage:raw text', 'onclose:1011:boom:true']);
    expect(ws.readyState).toBe(MockWebSocket.CLOSED);
  });

  it('send: recorded when open, throws while connecting, ignored once closed', () => {
    const ws = new MockWebSocket('wss://x');
    expect(() => ws.send('early')).toThrow(/CONNECTING/);
    ws.open();
    ws.send('{"x":1}');
    ws.serverClose(1000);
    ws.send('late');
    expect(ws.sent).toEqual(['{"x":1}']);
    expect(ws.sentJson).toEqual([{ x: 1 }]);
  });

  it('close: recorded, completes at once with the code; or stays CLOSING until serverClose', () => {
    const a = new MockWebSocket('wss://a');
    const codes: number[] = [];
    a.addEventListener('close', ((e: { code: number }) => codes.push(e.code)) as never);
    a.open();
    a.close(1000, 'bye');
    a.close(1000);
    expect(a.closeCalls).toEqual([
      { code: 1000, reason: 'bye' },
      { code: 1000, reason: undefined },
    ]);
    expect(codes).toEqual([1000]);

    MockWebSocket.completeClosesAtOnce = false;
    const b = new MockWebSocket('wss://b');
    b.addEventListener('close', ((e: { code: number }) => codes.push(e.code)) as never);
    b.open();
    b.close(1000);
    expect(b.readyState).toBe(MockWebSocket.CLOSING);
    b.serverClose(1000);
    expect(codes).toEqual([1000, 1000]);
  });

  it('closing a connecting socket gives 1006 (as browsers do)', () => {
    const ws = new MockWebSocket('wss://x');
    const codes: number[] = [];
    ws.onclose = (e) => codes.push(e.code);
    ws.close(1000);
    expect(codes).toEqual([1006]);
  });

  it('fail: error then close 1006; rejectHandshake: error carrying the status then close 1006', () => {
    const a = new MockWebSocket('wss://a');
    const seen: unknown[] = [];
    a.onerror = (e) => seen.push(['error', e.message]);
    a.onclose = (e) => seen.push(['close', e.code, e.wasClean]);
    a.open();
    a.fail(new Error('ECONNRESET'));
    const b = new MockWebSocket('wss://b');
    b.onerror = (e) => seen.push(['error', e.message, e.status]);
    b.onclose = (e) => seen.push(['close', e.code, e.wasClean]);
    b.rejectHandshake(401);
    expect(seen).toEqual([
      ['error', 'ECONNRESET'],
      ['close', 1006, false],
      ['error', 'Unexpected server response: 401', 401],
      ['close', 1006, false],
    ]);
  });

  it('guards misuse: open twice, receive before open', () => {
    const ws = new MockWebSocket('wss://x');
    expect(() => ws.receive('x')).toThrow(/readyState 1/);
    ws.open();
    expect(() => ws.open()).toThrow(/readyState 0/);
  });

  it('drives a client stream in TestScheduler.run (the documented use)', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const client = new AuiClient({ apiKey: 'API_KEY_X', WebSocket: MockWebSocket, scheduler });
      const reply$ = client.streamMessage({ task_id: 't', text: 'hi' });
      scheduler.schedule(() => MockWebSocket.latest?.open(), 1);
      scheduler.schedule(() => MockWebSocket.latest?.receive({ event: 'thread-message-text-content-updated', data: { text: 'Hi' } }), 2);
      scheduler.schedule(() => MockWebSocket.latest?.serverClose(1011), 3);
      expectObservable(reply$).toBe('--a#', { a: { kind: 'text', taskId: 't', text: 'Hi', delta: 'Hi' } }, expect.objectContaining({ name: 'AuiServerError', closeCode: 1011 }));
    });
  });
});

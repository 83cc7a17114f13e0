import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WsWebSocket, { WebSocketServer } from 'ws';
import { createSocket, decodeFrame, socketEvents } from '../../../lib/transports/websocket/node-socket';
import { MockWebSocket } from '../../../lib/testing/mock-web-socket';
import type { WebSocketConstructorLike } from '../../../lib/options';
import { MOCK_KEY, sock } from '../../helpers/ws-marbles';

// The ws paths run against a real loopback server in socket-connection.spec; here: the choices.
/** Runs `fn` with a global `window` (what a browser-like runtime has), then removes it. */
function withWindow(fn: () => void): void {
  const g = globalThis as { window?: unknown };
  g.window = {};
  try {
    fn();
  } finally {
    delete g.window;
  }
}

describe('node-socket', () => {
  beforeEach(() => MockWebSocket.reset());

  it('createSocket: without window, the upgrade carries the key header and the payload limit', () => {
    createSocket(MockWebSocket, 'wss://aui.test/s', MOCK_KEY, 1024);
    expect(sock(0).options).toEqual({ headers: { 'x-network-api-key': MOCK_KEY }, maxPayload: 1024 });
  });

  it('createSocket: without a key (undefined or empty), no headers at all, only the payload limit', () => {
    createSocket(MockWebSocket, 'wss://aui.test/s', undefined, 1024);
    createSocket(MockWebSocket, 'wss://aui.test/s', '', 1024);
    expect([sock(0).options, sock(1).options]).toEqual([{ maxPayload: 1024 }, { maxPayload: 1024 }]);
  });

  it('createSocket: with window and not ws, only the URL', () => {
    withWindow(() => createSocket(MockWebSocket, 'wss://aui.test/s', MOCK_KEY, 1024));
    expect(sock(0).options).toBeUndefined();
  });

  it('socketEvents: a socket without on/off gets the DOM listeners', () => {
    const socket = createSocket(MockWebSocket, 'wss://aui.test/s', MOCK_KEY, 1024);
    const texts: string[] = [];
    socketEvents(socket).subscribe((event) => typeof event === 'string' && texts.push(event));
    expect(sock(0).listenerCount()).toBe(4);
    sock(0).open();
    sock(0).receive('hi');
    expect(texts).toEqual(['hi']);
  });

  it.each([
    ['string', 'héllo'],
    ['Buffer', Buffer.from('héllo')],
    ['ArrayBuffer', new Uint8Array(Buffer.from('héllo')).buffer],
    ['Uint8Array', new Uint8Array(Buffer.from('héllo'))],
    ['Buffer fragments', [Buffer.from('hé'), Buffer.from('llo')]],
  ])('decodeFrame: %s → text', (_label, data) => {
    expect(decodeFrame(data)).toBe('héllo');
  });

  it('createSocket: the ws constructor (even with window) also gets skipUTF8Validation', () => {
    const calls: unknown[][] = [];
    const WsLike = Object.assign(
      function (...args: unknown[]) {
        calls.push(args);
      },
      { createWebSocketStream: () => undefined },
    ) as unknown as WebSocketConstructorLike;
    withWindow(() => createSocket(WsLike, 'wss://aui.test/s', MOCK_KEY, 1024));
    expect(calls).toEqual([['wss://aui.test/s', undefined, { headers: { 'x-network-api-key': MOCK_KEY }, maxPayload: 1024, skipUTF8Validation: true }]]);
  });

  it("createSocket: ws's class as its ES module entry gives it (no createWebSocketStream) is still ws: skipUTF8Validation on a real upgrade", async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const stream = Object.getOwnPropertyDescriptor(WsWebSocket, 'createWebSocketStream');
    delete (WsWebSocket as { createWebSocketStream?: unknown }).createWebSocketStream; // what ws/wrapper.mjs's class lacks
    const setSocket = jest.spyOn(WsWebSocket.prototype as unknown as { setSocket: (...args: unknown[]) => void }, 'setSocket');
    let socket: WsWebSocket | undefined;
    try {
      const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
      socket = createSocket(WsWebSocket as unknown as WebSocketConstructorLike, url, MOCK_KEY, 1024) as unknown as WsWebSocket;
      await once(socket, 'open');
      const client = setSocket.mock.contexts.indexOf(socket); // the server's side is a ws socket too
      expect(setSocket.mock.calls[client]?.[2]).toMatchObject({ maxPayload: 1024, skipUTF8Validation: true });
    } finally {
      setSocket.mockRestore();
      if (stream) Object.defineProperty(WsWebSocket, 'createWebSocketStream', stream);
      socket?.terminate();
      for (const peer of wss.clients) peer.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  });
});

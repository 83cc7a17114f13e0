import * as BrowserSocket from '../../../lib/transports/websocket/browser-socket';
import { createSocket, decodeFrame, dropSocket, socketEvents, type PlatformEvent } from '../../../lib/transports/websocket/browser-socket';
import type * as NodeSocket from '../../../lib/transports/websocket/node-socket';
import { MockWebSocket } from '../../../lib/testing/mock-web-socket';
import { MOCK_KEY, sock } from '../../helpers/ws-marbles';

// Browser bundles get browser-socket.js in place of node-socket.js (the package's `browser` map):
// it must offer everything connection.ts imports from node-socket, with the same types.
const sameApi: Pick<typeof NodeSocket, 'socketEvents' | 'createSocket' | 'decodeFrame' | 'dropSocket'> = BrowserSocket;

const describeEvent = (event: PlatformEvent): string =>
  typeof event === 'string' ? `msg:${event}` : event.type === 'close' ? `close:${event.code}:${event.reason}` : event.type;

describe('browser-socket', () => {
  beforeEach(() => MockWebSocket.reset());

  it('offers the API connection.ts takes from node-socket', () => {
    expect([typeof sameApi.socketEvents, typeof sameApi.createSocket, typeof sameApi.decodeFrame, typeof sameApi.dropSocket]).toEqual([
      'function',
      'function',
      'function',
      'function',
    ]);
  });

  it('createSocket passes only the URL (a browser upgrade carries no headers)', () => {
    createSocket(MockWebSocket, 'wss://aui.test/s?network_api_key=k', MOCK_KEY, 1024);
    expect([sock(0).url, sock(0).protocols, sock(0).options]).toEqual(['wss://aui.test/s?network_api_key=k', undefined, undefined]);
  });

  it('createSocket without a key (a relay adds it): the URL as given, nothing else', () => {
    createSocket(MockWebSocket, 'wss://app.example/aui/api/v1/external/session', undefined, 1024);
    expect([sock(0).url, sock(0).protocols, sock(0).options]).toEqual(['wss://app.example/aui/api/v1/external/session', undefined, undefined]);
  });

  it('socketEvents: DOM listeners while subscribed, arraybuffer frames, text events; unsubscribe removes them', () => {
    const socket = createSocket(MockWebSocket, 'wss://aui.test/s', MOCK_KEY, 1024);
    const log: string[] = [];
    const subscription = socketEvents(socket).subscribe((event) => log.push(describeEvent(event)));
    expect(sock(0).binaryType).toBe('arraybuffer');
    expect(sock(0).listenerCount()).toBe(4);
    sock(0).open();
    sock(0).receive('{"a":1}');
    sock(0).serverClose(1011, 'boom');
    subscription.unsubscribe();
    expect(sock(0).listenerCount()).toBe(0);
    expect(log).toEqual(['open', 'msg:{"a":1}', 'close:1011:boom']);
  });

  it('dropSocket: close() where there is no terminate(), never throws', () => {
    const socket = createSocket(MockWebSocket, 'wss://aui.test/s', MOCK_KEY, 1024);
    sock(0).open();
    dropSocket(socket);
    expect(sock(0).closeCalls).toHaveLength(1);
    dropSocket({ close: () => { throw new Error('nope'); } } as never);
  });

  it.each([
    ['string', 'héllo'],
    ['ArrayBuffer', new TextEncoder().encode('héllo').buffer],
    ['Uint8Array', new TextEncoder().encode('héllo')],
  ])('decodeFrame: %s → text', (_label, data) => {
    expect(decodeFrame(data)).toBe('héllo');
  });
});

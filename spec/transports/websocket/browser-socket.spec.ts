import * as BrowserSocket from '../../../lib/transports/websocket/browser-socket';
import { bindSocket, createSocket, decodeFrame, type SocketSink } from '../../../lib/transports/websocket/browser-socket';
import type * as NodeSocket from '../../../lib/transports/websocket/node-socket';
import { MockWebSocket } from '../../../lib/testing/mock-web-socket';
import { MOCK_KEY, sock } from '../../helpers/ws-marbles';

// Browser bundles get browser-socket.js in place of node-socket.js (the package's `browser` map):
// it must offer everything socket-connection imports from node-socket, with the same types.
const sameApi: Pick<typeof NodeSocket, 'bindSocket' | 'createSocket' | 'decodeFrame'> = BrowserSocket;

function recordingSink(): { sink: SocketSink; log: unknown[] } {
  const log: unknown[] = [];
  return {
    log,
    sink: {
      open: () => log.push('open'),
      message: (text) => log.push(`msg:${text}`),
      error: () => log.push('error'),
      close: (code, reason) => log.push(`close:${code}:${reason}`),
      invalidText: () => log.push('invalid'),
    },
  };
}

describe('browser-socket', () => {
  beforeEach(() => MockWebSocket.reset());

  it('offers the API socket-connection takes from node-socket', () => {
    expect([typeof sameApi.bindSocket, typeof sameApi.createSocket, typeof sameApi.decodeFrame]).toEqual(['function', 'function', 'function']);
  });

  it('createSocket passes only the URL (a browser upgrade carries no headers)', () => {
    createSocket(MockWebSocket, 'wss://aui.test/s?network_api_key=k', MOCK_KEY, 1024);
    expect([sock(0).url, sock(0).protocols, sock(0).options]).toEqual(['wss://aui.test/s?network_api_key=k', undefined, undefined]);
  });

  it('bindSocket: DOM listeners, arraybuffer frames, text for the sink; detach keeps the close listener when asked', () => {
    const socket = createSocket(MockWebSocket, 'wss://aui.test/s', MOCK_KEY, 1024);
    const { sink, log } = recordingSink();
    const binding = bindSocket(socket, sink);
    expect(sock(0).binaryType).toBe('arraybuffer');
    expect(sock(0).listenerCount()).toBe(4);
    sock(0).open();
    sock(0).receive('{"a":1}');
    binding.detach(true, true);
    expect(sock(0).listenerCount()).toBe(1);
    sock(0).serverClose(1011, 'boom');
    binding.detach(false, false);
    expect(sock(0).listenerCount()).toBe(0);
    expect(log).toEqual(['open', 'msg:{"a":1}', 'close:1011:boom']);
  });

  it.each([
    ['string', 'héllo'],
    ['ArrayBuffer', new TextEncoder().encode('héllo').buffer],
    ['Uint8Array', new TextEncoder().encode('héllo')],
  ])('decodeFrame: %s → text', (_label, data) => {
    expect(decodeFrame(data)).toBe('héllo');
  });
});

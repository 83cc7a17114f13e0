import WsWebSocket from 'ws';

describe('default-websocket', () => {
  afterEach(() => {
    jest.resetModules();
    jest.dontMock('ws');
  });

  it('DefaultWebSocket is the ws package\'s class (what the ESM build takes through ws\'s ES module entry)', () => {
    const { DefaultWebSocket } = jest.requireActual<typeof import('../../../lib/transports/websocket/default-websocket')>(
      '../../../lib/transports/websocket/default-websocket',
    );
    expect(DefaultWebSocket).toBe(WsWebSocket);
  });

  it('a bundler that ignores the browser map gives ws\'s browser stub (a bare throwing function): the page\'s own WebSocket', () => {
    const g = globalThis as { WebSocket?: unknown };
    const saved = Object.getOwnPropertyDescriptor(g, 'WebSocket');
    const Native = class FakeNativeWebSocket {};
    g.WebSocket = Native;
    try {
      jest.isolateModules(() => {
        // ws's browser.js: module.exports = function () { throw new Error('ws does not work in the browser …') }
        jest.doMock('ws', () => () => {
          throw new Error('ws does not work in the browser');
        });
        const { DefaultWebSocket } = jest.requireActual<typeof import('../../../lib/transports/websocket/default-websocket')>(
          '../../../lib/transports/websocket/default-websocket',
        );
        expect(DefaultWebSocket).toBe(Native);
      });
    } finally {
      if (saved) Object.defineProperty(g, 'WebSocket', saved);
      else delete g.WebSocket;
    }
  });
});

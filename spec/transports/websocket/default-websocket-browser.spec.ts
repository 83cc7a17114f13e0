import IsomorphicWebSocket from 'isomorphic-ws';
import { DefaultWebSocket } from '../../../lib/transports/websocket/default-websocket-browser';

// Browser bundles resolve isomorphic-ws to its browser.js (the native WebSocket): scripts/bundle-size.mjs,
// npm run check:package (vite, webpack) and npm run test:browser check that on the built package.
// Jest runs in Node, where isomorphic-ws is ws.
describe('default-websocket-browser', () => {
  it('DefaultWebSocket is isomorphic-ws\'s WebSocket', () => {
    expect(DefaultWebSocket).toBe(IsomorphicWebSocket);
  });
});

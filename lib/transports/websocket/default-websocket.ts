/**
 * The WebSocket constructor a client uses when the `WebSocket` option is absent, outside browsers: the
 * `ws` package, imported as itself so an ES module build takes its ES module entry (an ESM server
 * build, such as Angular's SSR build, then bundles no CommonJS entry of ours). Browser bundles get
 * `default-websocket-browser.js` instead (the `browser` map of `dist/{esm,cjs}/package.json`), which is
 * isomorphic-ws's browser file: the native WebSocket.
 *
 * @packageDocumentation
 */
import WebSocket from 'ws';
import type { WebSocketConstructorLike } from '../../options.js';

/**
 * `ws`'s WebSocket; the page's own WebSocket when a bundler that ignores the `browser` map gave `ws`'s
 * browser stub instead (a function that only throws, without the `OPEN` constant).
 */
export const DefaultWebSocket: WebSocketConstructorLike =
  typeof WebSocket === 'function' && 'OPEN' in WebSocket
    ? (WebSocket as unknown as WebSocketConstructorLike)
    : (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket!;

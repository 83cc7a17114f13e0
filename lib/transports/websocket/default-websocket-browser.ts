/**
 * The WebSocket constructor a client uses in a browser when the `WebSocket` option is absent:
 * isomorphic-ws, whose `browser` field gives bundlers its ES module `browser.js` (the page's native
 * WebSocket). Browser bundles take this file in place of `default-websocket.js` through the `browser`
 * map of `dist/{esm,cjs}/package.json`; Node never loads it.
 *
 * @packageDocumentation
 */
import WebSocket from 'isomorphic-ws';
import type { WebSocketConstructorLike } from '../../options.js';

/** isomorphic-ws's WebSocket: the native one in browsers. */
export const DefaultWebSocket = WebSocket as unknown as WebSocketConstructorLike;

/**
 * aui-rx/testing for browsers: the browser-safe half of the testing kit. Bundlers that read the
 * `browser` export condition (Angular's esbuild builders for Karma and Vitest, Vite, webpack) load
 * this file for `import … from 'aui-rx/testing'`; it and its declarations import nothing from Node
 * (`node:http`, `ws`, `Buffer`), so a spec that uses `MockWebSocket` or `FakeFetch` builds for
 * Chromium and type-checks without `@types/node`. `FakeAuiServer` (a real `node:http` server) and
 * the constants that come with it are only in the Node entry (`index.ts`).
 *
 * @packageDocumentation
 */
export { MockWebSocket } from './mock-web-socket.js';
export type { MockMessageEvent, MockCloseEvent, MockErrorEvent, MockCloseCall } from './mock-web-socket.js';
export { FakeFetch, createFakeFetch } from './fake-fetch.js';
export type { FakeFetchCall, FakeFetchReply, FakeFetchResponder, FakeFetchOptions, FakeResponseSpec } from './fake-fetch.js';
export { FakeStore } from './fake-store.js';
export { agentReplyText, agentMessage, splitReply } from './fake-agent.js';
export type { ReplyShape } from './fake-agent.js';
export type { RestFault, ScriptedRestFault, ConnectFault, TurnFault } from './fake-faults.js';
export { NOT_AUTHENTICATED_BODY, FORBIDDEN_BODY, DEFAULT_UNKNOWN_FRAME } from './fake-bodies.js';

/**
 * aui-rx/testing: FakeAuiServer, MockWebSocket and a fake fetch for testing apps built on aui-rx.
 * This is the Node entry; browser bundles get `browser.ts` (the same kit without `FakeAuiServer`
 * and its `node:http`/`ws` imports) through the `browser` export condition.
 *
 * @packageDocumentation
 */
export { FakeAuiServer, FAKE_API_KEY } from './fake-aui-server.js';
export type { FakeAuiServerSettings, FakeAuiServerStats, RecordedRequest, FrameShape, TextMode } from './fake-aui-server.js';
export type { RestFault, ScriptedRestFault, ConnectFault, TurnFault } from './fake-faults.js';
export { FakeStore } from './fake-store.js';
export { agentReplyText, agentMessage, splitReply } from './fake-agent.js';
export type { ReplyShape } from './fake-agent.js';
export { FakeFetch, createFakeFetch } from './fake-fetch.js';
export type { FakeFetchCall, FakeFetchReply, FakeFetchResponder, FakeFetchOptions, FakeResponseSpec } from './fake-fetch.js';
export { NOT_AUTHENTICATED_BODY, FORBIDDEN_BODY, DEFAULT_UNKNOWN_FRAME } from './fake-bodies.js';
export { MockWebSocket } from './mock-web-socket.js';
export type { MockMessageEvent, MockCloseEvent, MockErrorEvent, MockCloseCall } from './mock-web-socket.js';

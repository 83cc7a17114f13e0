/**
 * aui-rx/relay (Node only): the server half of a browser app. `createAuiRelay` forwards AUI's REST
 * endpoints and WebSocket session, adds the key upstream, scopes every call to the app's user and
 * never sends the key back. Never imported by the main entry, so browser bundles never get it.
 *
 * @packageDocumentation
 */
export { createAuiRelay } from './relay.js';
export type { AuiRelay } from './relay.js';
export { DEFAULT_RELAY_LIMITS } from './relay-options.js';
export type { AuiRelayOptions, AuiRelayAuthorize, AuiRelayCors, AuiRelayLimits, AuiRelayOwnershipCache } from './relay-options.js';
export type { AuiRelayLogEntry } from './relay-log.js';

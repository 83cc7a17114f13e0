/**
 * aui-rx/angular: the client and a chat in Angular's dependency injection and signals. Plain
 * TypeScript (no decorators, no Angular compiler step); `@angular/core` and `@angular/common` (19 or
 * later) are optional peer dependencies, needed only by apps that import this entry.
 *
 * @packageDocumentation
 */
export { AUI_CLIENT, provideAuiClient, injectAuiClient } from './provide-aui-client.js';
export type { AuiClientOptionsInput, AuiClientFeature, AuiClientFeatureKind, InjectAuiClientOptions } from './provide-aui-client.js';
export { withHttpClient } from './with-http-client.js';
export { httpClientFetch } from './http-client-fetch.js';
export type { HttpClientFetchOptions } from './http-client-fetch.js';
export { injectAuiChat } from './inject-aui-chat.js';
export type { AuiChatSignals, InjectAuiChatOptions, InjectAuiChatContext } from './inject-aui-chat.js';
export { provideAuiTesting, AUI_TESTING_API_KEY, AUI_TESTING_BASE_URL } from './provide-aui-testing.js';
export type { AuiTestingOptions } from './provide-aui-testing.js';

/**
 * `provideAuiTesting()`: the client for TestBed, on `MockWebSocket` and a `FakeFetch`, so component
 * and service specs drive replies by hand (in `TestScheduler.run` virtual time if they like) without
 * a network.
 *
 * @packageDocumentation
 */
import { inject, makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import type { AuiClientOptions } from '../options.js';
import { FakeFetch } from '../testing/fake-fetch.js';
import { MockWebSocket } from '../testing/mock-web-socket.js';
import { provideAuiClient, type AuiClientFeature } from './provide-aui-client.js';

/** The API key the testing client sends (in the WebSocket URL and the REST header). */
export const AUI_TESTING_API_KEY = 'aui-testing-key';

/** The base URL of the testing client: nothing listens there, every call goes to the fakes. */
export const AUI_TESTING_BASE_URL = 'https://aui.test';

/** Options of {@link provideAuiTesting}. */
export interface AuiTestingOptions {
  /**
   * Client options over the testing defaults, e.g. `scheduler: testScheduler` or `timeouts`.
   * @default { apiKey: AUI_TESTING_API_KEY, baseUrl: AUI_TESTING_BASE_URL, WebSocket: MockWebSocket, fetch: the FakeFetch }
   */
  readonly client?: Partial<AuiClientOptions>;
  /**
   * The `FakeFetch` that answers REST calls (also provided under the `FakeFetch` token).
   * @default a new FakeFetch on `client.scheduler`, one per injector
   */
  readonly fetch?: FakeFetch;
}

/**
 * Provides `AUI_CLIENT` for tests: an `AuiClient` whose sockets are {@link MockWebSocket}s (read
 * them from `MockWebSocket.latest` / `instances`; call `MockWebSocket.reset()` in `beforeEach`) and
 * whose REST calls a {@link FakeFetch} answers (`TestBed.inject(FakeFetch)`). The client is closed
 * with the test module. Features (e.g. `withHttpClient()` with `provideHttpClientTesting()`) apply
 * as in `provideAuiClient`.
 *
 * @example
 * TestBed.configureTestingModule({
 *   providers: [provideZonelessChangeDetection(), provideAuiTesting({ client: { scheduler: testScheduler } })],
 * });
 * TestBed.inject(FakeFetch).respondWith({ status: 200, body: [] });
 */
export function provideAuiTesting(options: AuiTestingOptions = {}, ...features: AuiClientFeature[]): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: FakeFetch, useFactory: () => options.fetch ?? new FakeFetch(options.client?.scheduler ? { scheduler: options.client.scheduler } : {}) },
    provideAuiClient(
      () => ({
        apiKey: AUI_TESTING_API_KEY,
        baseUrl: AUI_TESTING_BASE_URL,
        WebSocket: MockWebSocket,
        fetch: inject(FakeFetch).fetch,
        ...options.client,
      }),
      ...features,
    ),
  ]);
}

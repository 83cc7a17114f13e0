/**
 * `withHttpClient()`: the feature of `provideAuiClient` that sends the client's REST calls through
 * Angular's `HttpClient`.
 *
 * @packageDocumentation
 */
import { inject } from '@angular/core';
import * as angularHttp from '@angular/common/http';
import { FetchBackend, HttpBackend, HttpClient, type HttpInterceptorFn } from '@angular/common/http';
import type { InjectionToken, Provider } from '@angular/core';
import { apiKeyOriginGuard, httpClientFetch } from './http-client-fetch.js';
import type { AuiClientFeature } from './provide-aui-client.js';

/**
 * Sends the client's REST calls (`createTask`, `listTasks`, `getTask`, `getTaskMessages`,
 * `sendMessage`) through the app's `HttpClient` instead of `fetch`: the app's interceptors see them
 * (auth headers for a relay, logging, retries of its own); each is one of `HttpClient`'s pending
 * tasks, so server-side rendering and `ApplicationRef.whenStable()` wait until its value has reached
 * the app; and with `provideClientHydration()` the transfer cache answers in the browser the GETs
 * the server already made. Replies still stream over the WebSocket. Configure `HttpClient` as usual
 * with `provideHttpClient()`: with `withFetch()` the client's redirect policy (never follow to another
 * origin) is kept; the XHR backend follows redirects itself. `limits.maxBodyBytes` still holds: the
 * body is counted while `HttpClient` reports it, and the request is cancelled past the limit. The
 * feature replaces any `fetch` given in the options. A request that carries the API key and that an
 * interceptor sends to another origin than the client's fails before it leaves (the guard runs after
 * the app's interceptors when `provideHttpClient()` and `provideAuiClient()` are in the same injector;
 * a redirect the XHR backend follows by itself is not seen: use `withFetch()` where there is a key).
 *
 * @example
 * export const appConfig: ApplicationConfig = {
 *   providers: [provideHttpClient(withFetch(), withInterceptors([authInterceptor])), provideAuiClient({ baseUrl: '/aui' }, withHttpClient())],
 * };
 */
export function withHttpClient(): AuiClientFeature {
  return {
    kind: 'http-client',
    providers: originGuardProviders(),
    configure: (options) => ({
      ...options,
      fetch: httpClientFetch(inject(HttpClient), {
        passRedirect: inject(HttpBackend, { optional: true }) instanceof FetchBackend,
      }),
    }),
  };
}

/**
 * The origin guard as one of Angular's root interceptors, which run after the app's, so it sees the URL
 * a request will really go to. That token is Angular's own (`ɵHTTP_ROOT_INTERCEPTOR_FNS`, not public
 * API), so it is read by name: an Angular version without it still loads this entry, without the guard
 * (docs/angular.md says so), rather than failing to link.
 */
function originGuardProviders(): Provider[] {
  const token = (angularHttp as Record<string, unknown>)['ɵHTTP_ROOT_INTERCEPTOR_FNS'] as InjectionToken<HttpInterceptorFn[]> | undefined;
  return token === undefined ? [] : [{ provide: token, useValue: apiKeyOriginGuard, multi: true }];
}

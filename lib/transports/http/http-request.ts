/**
 * The REST transport: a cold Observable per request over the injected `fetch`, with the API key
 * header, a request deadline on the scheduler, same-origin-only redirects, and every outcome
 * mapped to one typed value or one aui-rx error.
 *
 * @packageDocumentation
 */
import { catchError, defer, map, mergeMap, of, throwError, timeout, type Observable, type SchedulerLike } from 'rxjs';
import type * as z from 'zod/mini';
import { AuiValidationError } from '../../errors.js';
import { keyTimeoutError, type ApiKeyReader } from '../../internal/api-key.js';
import { fetchObservable, type FetchedResponse } from './fetch-observable.js';
import { decideRedirect } from './redirect-policy.js';
import {
  decodeHttpBody,
  mapHttpError,
  mapNetworkError,
  redirectRefusedError,
  requestTimeoutError,
  type HttpErrorContext,
} from './map-http-error.js';

/** The header that carries the network API key on every REST request. */
export const API_KEY_HEADER = 'x-network-api-key';

/** What the transport needs from the client's resolved options (which it takes as they are). */
export interface HttpTransportConfig {
  /** Base URL without trailing slash; endpoint paths are appended. */
  readonly baseUrl: string;
  /** Read once per request (a followed redirect keeps that key); without a key no header is sent. */
  readonly apiKey: ApiKeyReader;
  /** The fetch to use; `undefined` means `globalThis.fetch`, looked up at request time. */
  readonly fetch: typeof fetch | undefined;
  /** Where the request deadline runs (and whose `now()` dates `Retry-After`). */
  readonly scheduler: SchedulerLike;
  /** `requestMs`: the request deadline in ms (response headers and body). */
  readonly timeouts: { readonly requestMs: number };
  /** `maxBodyBytes`: the most bytes of one response body (after decompression); past it, `AuiProtocolError`. */
  readonly limits: { readonly maxBodyBytes: number };
}

/** Query values; `undefined` members are left out. */
export type HttpQuery = Readonly<Record<string, string | number | boolean | undefined>>;

/** One REST request. */
export interface HttpRequestSpec<T> {
  readonly method: 'GET' | 'POST';
  /** Path after the base URL, already URL-encoded, e.g. `/api/v1/external/tasks/abc`. */
  readonly path: string;
  readonly query?: HttpQuery;
  /** JSON body (sent with `content-type: application/json`). */
  readonly body?: unknown;
  /** Schema of the 2xx body. */
  readonly schema: z.core.$ZodType<T>;
  /** The task concerned, copied to errors. */
  readonly taskId?: string;
}

/** Builds the absolute URL of an endpoint with its query. */
export function buildUrl(baseUrl: string, path: string, query: HttpQuery = {}): URL {
  const url = new URL(`${baseUrl}${path}`);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url;
}

function resolveFetch(configured: typeof fetch | undefined): typeof fetch {
  const impl = configured ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (typeof impl !== 'function') {
    throw new AuiValidationError('No fetch implementation: pass options.fetch (this runtime has no global fetch)', {
      issues: [{ path: ['fetch'], message: 'required in this runtime' }],
    });
  }
  return impl;
}

/**
 * Sends one REST request per subscription and emits the parsed 2xx body once, then completes.
 * Errors: non-2xx → the class {@link mapHttpError} picks; network failure → `AuiConnectionError`;
 * redirect to another origin → `AuiConnectionError` (the other origin is never contacted);
 * 2xx body not JSON or off-schema → `AuiProtocolError`; a body (any status) past
 * `limits.maxBodyBytes` → `AuiProtocolError` and the request is aborted; no response within `requestMs` on the
 * scheduler → `AuiTimeoutError` (phase `'request'`) and the request is aborted. A key function whose
 * Promise is pending counts against the same `requestMs` (nothing is sent before the key arrives); a
 * key that cannot be read → `AuiValidationError`, nothing sent.
 *
 * @example
 * httpRequest(config, { method: 'GET', path: '/api/v1/external/tasks/abc', schema: TaskSchema })
 *   .subscribe((task) => showTitle(task.title));
 */
export function httpRequest<T>(config: HttpTransportConfig, spec: HttpRequestSpec<T>): Observable<T> {
  return defer(() => {
    const read = config.apiKey.read(spec.taskId); // the one key reader: a string, none, or one to come
    const fetchImpl = resolveFetch(config.fetch);
    const url = buildUrl(config.baseUrl, spec.path, spec.query);
    let key: string | undefined = typeof read === 'object' ? undefined : read;
    let keyed = typeof read !== 'object';
    let ctx: HttpErrorContext = {
      method: spec.method,
      path: spec.path,
      secret: key,
      now: () => config.scheduler.now(),
      taskId: spec.taskId,
    };
    const bodyText = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const origin = new URL(config.baseUrl).origin;

    const send = (target: URL, method: string, body: string | undefined, hops: number): Observable<FetchedResponse> => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (key !== undefined) headers[API_KEY_HEADER] = key;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const init: RequestInit = { method, headers, redirect: 'manual', body: body ?? null };
      const bounds = { maxBodyBytes: config.limits.maxBodyBytes, label: `${ctx.method} ${ctx.path}`, taskId: ctx.taskId };
      return fetchObservable(fetchImpl, target.href, init, bounds).pipe(
        catchError((cause: unknown) => throwError(() => mapNetworkError(cause, ctx))),
        mergeMap((response) => {
          const decision = decideRedirect(response, target, origin, method, hops);
          switch (decision.action) {
            case 'none':
              return of(response);
            case 'refuse':
              return throwError(() => redirectRefusedError(ctx, decision));
            case 'follow':
              return send(decision.url, decision.method, decision.keepBody ? body : undefined, hops + 1);
          }
        }),
      );
    };

    const request = (): Observable<T> =>
      send(url, spec.method, bodyText, 0).pipe(
        map((response) => {
          if (response.status < 200 || response.status > 299) throw mapHttpError(response, ctx);
          return decodeHttpBody(response, spec.schema, ctx);
        }),
      );
    const keyedThenSent =
      typeof read === 'object'
        ? read.pipe(
            mergeMap((value) => {
              key = value;
              keyed = true;
              ctx = { ...ctx, secret: value };
              return request();
            }),
          )
        : request();
    const { requestMs } = config.timeouts;
    return keyedThenSent.pipe(
      timeout({
        first: requestMs,
        scheduler: config.scheduler,
        with: () => throwError(() => (keyed ? requestTimeoutError(ctx, requestMs) : keyTimeoutError(requestMs, 'request', spec.taskId))),
      }),
    );
  });
}

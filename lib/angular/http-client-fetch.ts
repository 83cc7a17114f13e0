/**
 * A `fetch` over Angular's `HttpClient`: the seam through which `withHttpClient()` sends the
 * client's REST calls, so the app's interceptors see them, server-side rendering waits for them and
 * transfer state answers repeated GETs. The client keeps its one failure policy: every HTTP answer,
 * error statuses included, becomes a `Response` with that status, headers and body, and the client
 * classifies it as it classifies any `fetch` answer; only a request that got no HTTP answer rejects
 * (and becomes an `AuiConnectionError`).
 *
 * @packageDocumentation
 */
import {
  HttpContext,
  HttpContextToken,
  HttpErrorResponse,
  HttpEventType,
  HttpHeaders,
  type HttpClient,
  type HttpEvent,
  type HttpInterceptorFn,
  type HttpResponseBase,
} from '@angular/common/http';
import { throwError, type Subscription } from 'rxjs';
import { API_KEY_HEADER } from '../transports/http/http-request.js';

/** Options of {@link httpClientFetch}. */
export interface HttpClientFetchOptions {
  /**
   * Whether to hand the client's `redirect: 'manual'` to `HttpClient`. Only Angular's fetch backend
   * (`withFetch()`) supports it; the XHR backend follows redirects itself and warns about the option.
   * @default false
   */
  readonly passRedirect?: boolean;
}

/** The origin a request of {@link httpClientFetch} was made for (`undefined`: not one of its requests). */
const AUI_REQUEST_ORIGIN = new HttpContextToken<string | undefined>(() => undefined);

/** The origin of `url` (a relative URL is resolved against one placeholder base, so two relative URLs share it). */
function originOf(url: string): string {
  try {
    return new URL(url, 'http://relative.invalid').origin;
  } catch {
    return 'null';
  }
}

/**
 * The interceptor `withHttpClient()` puts after the app's own (Angular's root interceptors run
 * innermost): a request of {@link httpClientFetch} that carries the API key and that an interceptor
 * sent to another origin than the client's fails here, before it leaves, so the key never reaches
 * that origin.
 *
 * @example
 * { provide: ɵHTTP_ROOT_INTERCEPTOR_FNS, useValue: apiKeyOriginGuard, multi: true }
 */
export const apiKeyOriginGuard: HttpInterceptorFn = (req, next) => {
  const origin = req.context.get(AUI_REQUEST_ORIGIN);
  if (origin === undefined || !req.headers.has(API_KEY_HEADER)) return next(req);
  const sentTo = originOf(req.urlWithParams);
  if (sentTo === origin) return next(req);
  return throwError(() => new Error(`An HttpClient interceptor sent the request to another origin (${sentTo}, not ${origin}); refused so that the API key is not sent there`));
};

/** Statuses whose `Response` cannot have a body. */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/** Whether `status` is one a `Response` can be built with. */
function isHttpStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status <= 599;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

function requestUrl(input: RequestInfo | URL): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/** The request headers as `HttpHeaders` (names lower-cased by `Headers`). */
function requestHeaders(init: HeadersInit | undefined): HttpHeaders {
  const record: Record<string, string> = {};
  new Headers(init).forEach((value, name) => (record[name] = value));
  return new HttpHeaders(record);
}

/** The response headers as `Headers`; a value `Headers` refuses is left out. */
function responseHeaders(headers: HttpHeaders): Headers {
  const out = new Headers();
  for (const name of headers.keys()) {
    for (const value of headers.getAll(name) ?? []) {
      try {
        out.append(name, value);
      } catch {
        // not a valid header value in this runtime: the client does not need it
      }
    }
  }
  return out;
}

/**
 * The `Response` of a browser-hidden redirect (`redirect: 'manual'` in a browser): status 0, type
 * `opaqueredirect`, which a `Response` constructor cannot build. The client refuses it, as it
 * refuses one from the browser's own `fetch`.
 */
function opaqueRedirect(): Response {
  const empty = Promise.resolve('');
  return { status: 0, statusText: '', type: 'opaqueredirect', ok: false, redirected: false, url: '', headers: new Headers(), body: null, bodyUsed: false, text: () => empty } as unknown as Response;
}

/**
 * A `fetch` that sends each request through `http` (`observe: 'events'`, `reportProgress`,
 * `responseType: 'text'`) and resolves as soon as the status line and headers arrive, with a body
 * that streams the text as `HttpClient` reports it. The client therefore counts the body against
 * `limits.maxBodyBytes` while it arrives and cancels it past the limit, which unsubscribes the
 * `HttpClient` request (the backend aborts it). Aborting the signal does the same.
 *
 * An `HttpErrorResponse` with an HTTP status becomes a `Response` with that status and its text
 * body; one without (status 0: network failure, CORS, abort) rejects with the `HttpErrorResponse`.
 * An error status resolves only once `HttpClient` reports it as an error, so an interceptor that
 * retries it is honoured; an interceptor that retries after a success began to stream fails the
 * body (the two answers are never mixed).
 *
 * @example
 * const client = new AuiClient({ baseUrl: '/aui', fetch: httpClientFetch(inject(HttpClient)) });
 */
export function httpClientFetch(http: HttpClient, options: HttpClientFetchOptions = {}): typeof fetch {
  const fetchOverHttpClient = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      let body: ReadableStreamDefaultController<Uint8Array> | undefined;
      let opened = false; // the Response is out: a second attempt (an interceptor's retry) cannot be merged into it
      let sentChars = 0;
      let done = false;
      let subscription: Subscription | undefined;
      const encoder = new TextEncoder();

      const finish = (): void => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        subscription?.unsubscribe();
      };
      const fail = (reason: unknown): void => {
        if (done) return;
        if (body) body.error(reason);
        else reject(reason);
        finish();
      };
      function onAbort(): void {
        if (signal) fail(abortReason(signal));
      }

      const open = (head: HttpResponseBase): void => {
        if (body || done) return;
        if (!isHttpStatus(head.status)) {
          fail(new Error(`HttpClient answered with status ${head.status}, which is not an HTTP status`));
          return;
        }
        const nullBody = NULL_BODY_STATUSES.has(head.status);
        const stream = nullBody
          ? null
          : new ReadableStream<Uint8Array>({
              start: (controller) => {
                body = controller;
              },
              cancel: () => finish(),
            });
        let response: Response;
        try {
          response = new Response(stream, { status: head.status, statusText: head.statusText ?? '', headers: responseHeaders(head.headers) });
        } catch (cause) {
          body = undefined; // a status text the runtime refuses: no response to stream into
          fail(cause);
          return;
        }
        opened = true;
        resolve(response);
        if (nullBody) finish();
      };
      const push = (text: string): void => {
        if (!body || done || text.length <= sentChars) return;
        body.enqueue(encoder.encode(text.slice(sentChars)));
        sentChars = text.length;
      };
      const end = (head: HttpResponseBase, text: unknown): void => {
        open(head);
        push(typeof text === 'string' ? text : '');
        if (!done) {
          body?.close();
          finish();
        }
      };

      const onEvent = (event: HttpEvent<string>): void => {
        switch (event.type) {
          case HttpEventType.Sent:
            // a new attempt after the Response went out (an interceptor retried a broken body): fail, never mix two answers
            if (opened) fail(new Error('An HttpClient interceptor retried the request after its response had begun; the two answers cannot be merged'));
            break;
          case HttpEventType.ResponseHeader:
            // Only a success opens the Response early: an error status may yet be retried by an interceptor (its
            // HttpErrorResponse, which opens it, then never comes). A browser-hidden redirect announces status 0.
            if (isHttpStatus(event.status) && event.status < 300) open(event);
            break;
          case HttpEventType.DownloadProgress:
            if (event.partialText !== undefined) push(event.partialText);
            break;
          case HttpEventType.Response:
            end(event, event.body);
            break;
          default:
            break;
        }
      };
      const onError = (error: unknown): void => {
        if (error instanceof HttpErrorResponse && isHttpStatus(error.status)) end(error, error.error);
        else if (error instanceof HttpErrorResponse && !body && (error as { responseType?: string }).responseType === 'opaqueredirect') {
          resolve(opaqueRedirect());
          finish();
        } else fail(error);
      };

      signal?.addEventListener('abort', onAbort, { once: true });
      const redirect = options.passRedirect && init.redirect ? { redirect: init.redirect } : {};
      subscription = http
        .request(init.method ?? 'GET', requestUrl(input), {
          body: typeof init.body === 'string' ? init.body : null,
          headers: requestHeaders(init.headers),
          context: new HttpContext().set(AUI_REQUEST_ORIGIN, originOf(requestUrl(input))),
          observe: 'events',
          reportProgress: true,
          responseType: 'text',
          ...redirect,
        })
        .subscribe({ next: onEvent, error: onError, complete: () => fail(new Error('HttpClient completed without a response')) });
      if (done) subscription.unsubscribe();
    });
  return fetchOverHttpClient as typeof fetch;
}

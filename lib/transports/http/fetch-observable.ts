/**
 * One `fetch` call as a cold Observable: nothing happens until subscribe; each subscription is one
 * request with its own AbortController, aborted on unsubscribe (also while the body is read).
 *
 * @packageDocumentation
 */
import { Observable } from 'rxjs';

/** A complete HTTP response: status line, headers and the whole body as text. */
export interface FetchedResponse {
  readonly status: number;
  readonly statusText: string;
  /** `'opaqueredirect'` when a browser hid a redirect (`redirect: 'manual'`). */
  readonly type: string;
  readonly headers: { get(name: string): string | null };
  readonly text: string;
}

/**
 * Calls `fetchImpl(url, init)` on subscribe and emits the response with its body read as text, then
 * completes. Unsubscribing before that aborts the request. A rejected fetch or body read errors
 * with the raw cause (the caller maps it).
 *
 * Only `.then` is used on the promises `fetch` returns, so a fake fetch that settles synchronously
 * (see `FakeFetch` in `aui-rx/testing`) keeps the whole exchange inside virtual time.
 *
 * @example
 * fetchObservable(fetch, 'https://example.com', { method: 'GET' }).subscribe((r) => handle(r.status));
 */
export function fetchObservable(fetchImpl: typeof fetch, url: string, init: RequestInit): Observable<FetchedResponse> {
  return new Observable<FetchedResponse>((subscriber) => {
    // A subscriber closed before we start (e.g. a `take` already satisfied) must cost no request.
    if (subscriber.closed) return undefined;
    const controller = new AbortController();
    let settled = false;
    const fail = (cause: unknown): void => {
      settled = true;
      subscriber.error(cause);
    };
    let pending: PromiseLike<Response>;
    try {
      pending = fetchImpl(url, { ...init, signal: controller.signal });
    } catch (cause) {
      fail(cause);
      return undefined;
    }
    pending.then((response) => {
      if (subscriber.closed) return;
      let body: PromiseLike<string>;
      try {
        body = response.text();
      } catch (cause) {
        fail(cause);
        return;
      }
      body.then((text) => {
        settled = true;
        subscriber.next({
          status: response.status,
          statusText: response.statusText ?? '',
          type: response.type ?? 'basic',
          headers: response.headers,
          text,
        });
        subscriber.complete();
      }, fail);
    }, fail);
    return () => {
      if (!settled) controller.abort();
    };
  });
}

/**
 * One `fetch` call as a cold Observable: nothing happens until subscribe; each subscription is one
 * request with its own AbortController, aborted on unsubscribe (also while the body is read). The
 * body is read chunk by chunk and counted, so a huge body or a decompression bomb is dropped at
 * `maxBodyBytes` instead of filling memory.
 *
 * @packageDocumentation
 */
import { Observable } from 'rxjs';
import { AuiProtocolError } from '../../errors.js';

/** A complete HTTP response: status line, headers and the whole body as text. */
export interface FetchedResponse {
  readonly status: number;
  readonly statusText: string;
  /** `'opaqueredirect'` when a browser hid a redirect (`redirect: 'manual'`). */
  readonly type: string;
  readonly headers: { get(name: string): string | null };
  readonly text: string;
}

/** How {@link fetchObservable} bounds and labels one exchange. */
export interface FetchObservableOptions {
  /**
   * Most bytes of body accepted (after decompression); past it the request is aborted.
   * @default Infinity
   */
  readonly maxBodyBytes?: number | undefined;
  /**
   * Where the request went, for the error message, e.g. `GET /api/v1/external/tasks` (never a query or key).
   * @default 'request'
   */
  readonly label?: string;
  /**
   * The task concerned, copied to the body-limit error.
   * @default undefined
   */
  readonly taskId?: string | undefined;
}

/** The error for a body past `maxBodyBytes`: not retryable, `status` is the response's. */
function bodyTooLarge(status: number, options: FetchObservableOptions): AuiProtocolError {
  return new AuiProtocolError(`Response body exceeds limits.maxBodyBytes (${options.maxBodyBytes} bytes) (${options.label ?? 'request'})`, {
    status,
    taskId: options.taskId,
  });
}

/** UTF-8 byte length of a string, counted without allocating (lone surrogates count 3, as encoded). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Whether the whole text is surely within `max` UTF-8 bytes (each UTF-16 unit is 1 to 3 bytes). */
function textWithin(text: string, max: number): boolean {
  if (text.length > max) return false;
  return text.length * 3 <= max || utf8Length(text) <= max;
}

/** A declared `Content-Length` above `max` for a body that is not encoded (the encoded size says little). */
function declaredTooLarge(response: Response, max: number): boolean {
  const headers = response.headers as Headers | undefined;
  const length = headers?.get('content-length');
  const encoding = headers?.get('content-encoding');
  if (!length || !/^\d+$/.test(length.trim())) return false;
  if (encoding && encoding.trim().toLowerCase() !== 'identity') return false;
  return Number(length) > max;
}

/**
 * Calls `fetchImpl(url, init)` on subscribe and emits the response with its body read as text, then
 * completes. Unsubscribing before that aborts the request (and cancels the body). A body past
 * `options.maxBodyBytes` (counted in decoded bytes as it arrives, or from a `Content-Length` that
 * already says so) aborts the request and errors with a non-retryable `AuiProtocolError`, whatever
 * the status. A rejected fetch or body read errors with the raw cause (the caller maps it).
 *
 * The body is read through `response.body` when there is one; otherwise through `response.text()`.
 * Only `.then` is used on the promises `fetch` returns, so a fake fetch that settles synchronously
 * (see `FakeFetch` in `aui-rx/testing`) keeps the whole exchange inside virtual time.
 *
 * @example
 * fetchObservable(fetch, 'https://example.com/a', { method: 'GET' }, { maxBodyBytes: 1 << 20, label: 'GET /a' })
 *   .subscribe((r) => handle(r.status));
 */
export function fetchObservable(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  options: FetchObservableOptions = {},
): Observable<FetchedResponse> {
  const max = options.maxBodyBytes ?? Infinity;
  return new Observable<FetchedResponse>((subscriber) => {
    // A subscriber closed before we start (e.g. a `take` already satisfied) must cost no request.
    if (subscriber.closed) return undefined;
    const controller = new AbortController();
    let settled = false;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    const stop = (): void => {
      controller.abort();
      // A Response built by hand ignores our signal: cancel its stream too.
      reader?.cancel().then(undefined, () => undefined);
      reader = undefined;
    };
    const fail = (cause: unknown): void => {
      settled = true;
      subscriber.error(cause);
    };
    const tooLarge = (status: number): void => {
      stop();
      fail(bodyTooLarge(status, options));
    };
    const emit = (response: Response, text: string): void => {
      settled = true;
      subscriber.next({
        status: response.status,
        statusText: response.statusText ?? '',
        type: response.type ?? 'basic',
        headers: response.headers,
        text,
      });
      subscriber.complete();
    };

    const readText = (response: Response): void => {
      let body: PromiseLike<string>;
      try {
        body = response.text();
      } catch (cause) {
        fail(cause);
        return;
      }
      body.then((text) => {
        if (subscriber.closed) return;
        if (!textWithin(text, max)) tooLarge(response.status);
        else emit(response, text);
      }, fail);
    };

    const readStream = (response: Response, stream: ReadableStream<Uint8Array>): void => {
      const own = stream.getReader();
      reader = own;
      const decoder = new TextDecoder();
      const parts: string[] = [];
      let received = 0;
      // Each read is chained on the previous one's settlement, so the stack does not grow with chunks.
      const pull = (): void => {
        own.read().then((chunk) => {
          if (subscriber.closed || reader !== own) return;
          if (chunk.done) {
            reader = undefined;
            parts.push(decoder.decode());
            emit(response, parts.join(''));
            return;
          }
          received += chunk.value.byteLength;
          if (received > max) {
            tooLarge(response.status);
            return;
          }
          parts.push(decoder.decode(chunk.value, { stream: true }));
          pull();
        }, fail);
      };
      pull();
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
      if (declaredTooLarge(response, max)) {
        tooLarge(response.status);
        return;
      }
      const stream = response.body as ReadableStream<Uint8Array> | null | undefined;
      // A used body has a stream that can no longer be read: text() reports that properly.
      if (stream && typeof stream.getReader === 'function' && !response.bodyUsed) readStream(response, stream);
      else readText(response);
    }, fail);
    return () => {
      if (!settled) stop();
    };
  });
}

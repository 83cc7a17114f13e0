/**
 * The socket platform layer for browsers (the standard WebSocket API): how a socket is created, its
 * events as an Observable, how a frame becomes text, and how a socket is dropped. It is what browser
 * bundles get: the package's `browser` map swaps `node-socket.js` (which adds the Node `ws` paths)
 * for this file.
 *
 * @packageDocumentation
 */
import { Observable } from 'rxjs';
import type { WebSocketConstructorLike, WebSocketLike } from '../../options.js';

/**
 * What a socket reports, platform differences removed: a frame is its text (a bare string: no object
 * per frame on the hot path); everything else is an event object.
 */
export type PlatformEvent =
  | string
  | { readonly type: 'open' }
  /** An error (the close follows); `handshakeStatus`: the HTTP status of a refused upgrade, when known. */
  | { readonly type: 'error'; readonly error: unknown; readonly handshakeStatus?: number | undefined }
  /** A text frame that is not UTF-8 (Node only: browsers close with 1007 themselves). */
  | { readonly type: 'invalid-text'; readonly error: Error }
  | { readonly type: 'close'; readonly code: number; readonly reason: string };

const decoder = /* @__PURE__ */ (() => (typeof TextDecoder === 'function' ? new TextDecoder() : undefined))();

/** Text of a frame: a string as is, an ArrayBuffer or view decoded as UTF-8, anything else through `String`. */
export function decodeFrame(data: unknown): string {
  if (typeof data === 'string') return data;
  if (decoder && (data instanceof ArrayBuffer || ArrayBuffer.isView(data))) return decoder.decode(data);
  return String(data);
}

/** Creates the socket: `new Ctor(url)` (a browser upgrade cannot carry headers; the key, if any, is in `url`). */
export function createSocket(Ctor: WebSocketConstructorLike, url: string, _apiKey: string | undefined, _maxPayloadBytes: number): WebSocketLike {
  return new Ctor(url);
}

/**
 * Adds (or removes) `handlers` with `method`, in their order.
 * @internal
 */
export function listenAll(socket: unknown, method: string, handlers: Readonly<Record<string, unknown>>): void {
  const s = socket as { [method: string]: (type: string, listener: unknown) => void };
  for (const type in handlers) (s[method] as (type: string, listener: unknown) => void)(type, handlers[type]);
}

/**
 * The socket's events through the DOM API (`addEventListener`), as a cold Observable: subscribing adds
 * the four listeners (binary frames arrive as ArrayBuffers where settable), unsubscribing removes them.
 *
 * @example
 * domSocketEvents(socket).subscribe((event) => typeof event === 'string' && handle(event));
 */
export function domSocketEvents(socket: WebSocketLike): Observable<PlatformEvent> {
  return new Observable<PlatformEvent>((subscriber) => {
    try {
      socket.binaryType = 'arraybuffer';
    } catch {
      // Some implementations make binaryType read-only; decodeFrame copes with any type.
    }
    const handlers = {
      open: () => subscriber.next({ type: 'open' }),
      message: (event: { readonly data: unknown }) => subscriber.next(decodeFrame(event.data)),
      error: (event: unknown) => subscriber.next({ type: 'error', error: event }),
      close: (event: { readonly code?: number; readonly reason?: string }) =>
        subscriber.next({ type: 'close', code: event.code ?? 1006, reason: event.reason ?? '' }),
    };
    listenAll(socket, 'addEventListener', handlers);
    return () => listenAll(socket, 'removeEventListener', handlers);
  });
}

/** The socket's events (in browsers: always the DOM API). */
export const socketEvents: (socket: WebSocketLike) => Observable<PlatformEvent> = domSocketEvents;

/**
 * Drops a socket whose peer does not answer: `terminate()` where the implementation has one (`ws`),
 * else `close()` again (a browser then gives up on its own). Never throws.
 */
export function dropSocket(socket: WebSocketLike): void {
  try {
    const s = socket as WebSocketLike & { terminate?: () => void };
    if (typeof s.terminate === 'function') s.terminate();
    else s.close();
  } catch {
    // The socket is abandoned either way.
  }
}

/**
 * The socket platform layer for browsers (the standard WebSocket API): how a socket is created, how
 * its events reach a {@link SocketSink}, and how a frame becomes text. It is what browser bundles get:
 * the package's `browser` map swaps `node-socket.js` (which adds the Node `ws` paths) for this file.
 *
 * @packageDocumentation
 */
import type { WebSocketConstructorLike, WebSocketLike } from '../../options.js';

/** What a socket's listeners report, platform differences removed (frames and reasons are text). */
export interface SocketSink {
  /** The socket opened. */
  readonly open: () => void;
  /** A frame arrived. */
  readonly message: (text: string) => void;
  /** The socket reported an error (the close follows); `handshakeStatus`: the HTTP status of a refused upgrade, when known. */
  readonly error: (error: unknown, handshakeStatus?: number) => void;
  /** The socket closed. */
  readonly close: (code: number, reason: string) => void;
  /** A text frame that is not UTF-8 arrived (Node only: browsers close with 1007 themselves). */
  readonly invalidText: (error: Error) => void;
}

/** The listeners a {@link bindSocket} call attached. */
export interface SocketBinding {
  /**
   * Removes them: all but the close listener when `keepClose`. `mayEmit`: the socket may still emit
   * (a `ws` socket then keeps a no-op 'error' listener, as ws throws on an unheard 'error').
   */
  detach(keepClose: boolean, mayEmit: boolean): void;
}

const decoder = /* @__PURE__ */ (() => (typeof TextDecoder === 'function' ? new TextDecoder() : undefined))();

/** Text of a frame: a string as is, an ArrayBuffer or view decoded as UTF-8, anything else through `String`. */
export function decodeFrame(data: unknown): string {
  if (typeof data === 'string') return data;
  if (decoder && (data instanceof ArrayBuffer || ArrayBuffer.isView(data))) return decoder.decode(data);
  return String(data);
}

/** Creates the socket: `new Ctor(url)` (a browser upgrade cannot carry headers; the key is in `url`). */
export function createSocket(Ctor: WebSocketConstructorLike, url: string, _apiKey: string, _maxPayloadBytes: number): WebSocketLike {
  return new Ctor(url);
}

/**
 * Adds (or removes) `handlers` with `method`, in their order; the close handler only `withClose`.
 * @internal
 */
export function listenAll(socket: unknown, method: string, handlers: Readonly<Record<string, unknown>>, withClose: boolean): void {
  const s = socket as { [method: string]: (type: string, listener: unknown) => void };
  for (const type in handlers) if (withClose || type !== 'close') (s[method] as (type: string, listener: unknown) => void)(type, handlers[type]);
}

/** Listens with the DOM API (`addEventListener`); binary frames arrive as ArrayBuffers where settable. */
export function bindDomSocket(socket: WebSocketLike, sink: SocketSink): SocketBinding {
  try {
    socket.binaryType = 'arraybuffer';
  } catch {
    // Some implementations make binaryType read-only; decodeFrame copes with any type.
  }
  const handlers = {
    open: sink.open,
    message: (event: { readonly data: unknown }) => sink.message(decodeFrame(event.data)),
    error: (event: unknown) => sink.error(event),
    close: (event: { readonly code?: number; readonly reason?: string }) => sink.close(event.code ?? 1006, event.reason ?? ''),
  };
  listenAll(socket, 'addEventListener', handlers, true);
  return { detach: (keepClose) => listenAll(socket, 'removeEventListener', handlers, !keepClose) };
}

/** Attaches `sink` to `socket` (in browsers: always the DOM API). */
export const bindSocket: (socket: WebSocketLike, sink: SocketSink) => SocketBinding = bindDomSocket;

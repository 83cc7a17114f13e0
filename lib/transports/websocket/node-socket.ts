/**
 * The socket platform layer for Node (and any runtime the package's `browser` map does not apply to):
 * the browser layer plus the `ws` paths, namely the `x-network-api-key` header and `maxPayload` on the
 * upgrade, `on`/`off` listeners (no per-frame event objects), one UTF-8 check-and-decode per text
 * frame, and Buffer frames. Browser bundles get `browser-socket.js` instead, without any of this.
 *
 * @packageDocumentation
 */
import { Observable } from 'rxjs';
import WsWebSocket from 'ws';
import type { WebSocketConstructorLike, WebSocketLike } from '../../options.js';
import { decodeFrame as decodeDomFrame, domSocketEvents, listenAll, type PlatformEvent } from './browser-socket.js';
import { API_KEY_HEADER } from './socket-url.js';

export { dropSocket, type PlatformEvent } from './browser-socket.js';

/** The EventEmitter side of a `ws` socket. */
interface NodeSocket {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

const noop = (): void => undefined;
let strictDecoder: TextDecoder | undefined;
const HANDSHAKE_STATUS = /Unexpected server response: (\d{3})/;
/** The code `ws` gives the error of a text frame that is not UTF-8 (kept, so both paths read alike). */
const INVALID_UTF8 = 'WS_ERR_INVALID_UTF8';

function isNodeSocket(socket: WebSocketLike): socket is WebSocketLike & NodeSocket {
  const s = socket as Partial<NodeSocket>;
  return typeof s.on === 'function' && typeof s.off === 'function';
}

/**
 * Whether `ctor` is the `ws` package's constructor: `ws`'s class (the default; through `ws`'s ES module
 * entry it has no `createWebSocketStream`), or one that has it (`require('ws')`, isomorphic-ws in Node).
 */
function isWsConstructor(ctor: unknown): boolean {
  return ctor === WsWebSocket || (typeof ctor === 'function' && 'createWebSocketStream' in ctor);
}

/** Text of a frame whatever the platform delivered (string, Buffer, ArrayBuffer, view, fragments). */
export function decodeFrame(data: unknown): string {
  if (typeof Buffer === 'function') {
    if (Buffer.isBuffer(data)) return data.toString();
    if (Array.isArray(data)) return Buffer.concat(data as Uint8Array[]).toString();
  }
  return decodeDomFrame(data);
}

/**
 * Whether `bytes` are valid UTF-8. Only called for a decoded text containing U+FFFD (the replacement
 * character an invalid sequence decodes to), so its cost does not matter.
 */
function isUtf8(bytes: unknown): boolean {
  if (typeof TextDecoder !== 'function' || !ArrayBuffer.isView(bytes)) return true;
  try {
    (strictDecoder ??= new TextDecoder('utf-8', { fatal: true })).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The HTTP status in `ws`'s "Unexpected server response: 401" error, if that is what `error` is. */
function handshakeStatus(error: unknown): number | undefined {
  const match = error instanceof Error ? HANDSHAKE_STATUS.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * Creates the socket. Where the upgrade may carry headers (the `ws` constructor, or any runtime without
 * `window`) it passes `{ headers: { 'x-network-api-key': apiKey }, maxPayload }` (no `headers` without
 * a key: `undefined` or `''`); to `ws` also `skipUTF8Validation`, as {@link socketEvents} checks and
 * decodes each text frame in one pass.
 */
export function createSocket(Ctor: WebSocketConstructorLike, url: string, apiKey: string | undefined, maxPayloadBytes: number): WebSocketLike {
  const ws = isWsConstructor(Ctor);
  if (!ws && typeof (globalThis as { window?: unknown }).window !== 'undefined') return new Ctor(url);
  const nodeOptions: Record<string, unknown> = apiKey ? { headers: { [API_KEY_HEADER]: apiKey }, maxPayload: maxPayloadBytes } : { maxPayload: maxPayloadBytes };
  if (ws) nodeOptions['skipUTF8Validation'] = true;
  return new Ctor(url, undefined, nodeOptions);
}

/**
 * The socket's events as a cold Observable: with `on`/`off` for a `ws` socket, else with the DOM API.
 * Unsubscribing removes the listeners; a `ws` socket then keeps a no-op 'error' listener, as `ws`
 * throws on an 'error' nobody hears (a socket being dropped may still report one).
 *
 * @example
 * socketEvents(socket).subscribe((event) => typeof event === 'string' && handle(event));
 */
export function socketEvents(socket: WebSocketLike): Observable<PlatformEvent> {
  if (!isNodeSocket(socket)) return domSocketEvents(socket);
  return new Observable<PlatformEvent>((subscriber) => {
    const handlers = {
      open: () => subscriber.next({ type: 'open' }),
      message: (data: unknown, isBinary: boolean): void => {
        if (isBinary) return subscriber.next(decodeFrame(data));
        // ws delivers a text frame as one Buffer, not checked (skipUTF8Validation): decode it once (the
        // hot path). Invalid UTF-8 decodes to U+FFFD, so only a text containing one needs the strict check.
        const text = (data as { toString(): string }).toString();
        if (text.indexOf('\uFFFD') !== -1 && !isUtf8(data)) {
          const error = Object.assign(new Error('Invalid WebSocket frame: invalid UTF-8 sequence'), { code: INVALID_UTF8 });
          return subscriber.next({ type: 'invalid-text', error });
        }
        subscriber.next(text);
      },
      // ws reports a refused upgrade as an Error whose message carries the HTTP status.
      error: (error: unknown) => subscriber.next({ type: 'error', error, handshakeStatus: handshakeStatus(error) }),
      close: (code: number, reason: unknown) => subscriber.next({ type: 'close', code, reason: reason === undefined ? '' : decodeFrame(reason) }),
    };
    listenAll(socket, 'on', handlers);
    return () => {
      listenAll(socket, 'off', handlers);
      socket.off('error', noop);
      socket.on('error', noop);
    };
  });
}

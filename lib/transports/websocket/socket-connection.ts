/**
 * One WebSocket over the injected constructor: platform differences (Node `ws` vs the browser API),
 * the `network_api_key` query parameter (and, in Node, the `x-network-api-key` header), the connect
 * timeout on the scheduler, and a teardown that removes every listener. It reports facts only; the
 * pool and turns decide what they mean.
 *
 * @packageDocumentation
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import WebSocket from 'isomorphic-ws';
import type { WebSocketConstructorLike, WebSocketLike } from '../../options.js';
import type { SocketCloseEvent } from './map-close-to-error.js';
import { API_KEY_HEADER, sessionUrl } from './socket-url.js';

/**
 * Largest frame the client accepts in Node (`ws` `maxPayload`), in bytes: 8 MiB. A larger frame
 * closes the socket (1009) and fails the turn with `AuiProtocolError`. Browsers apply their own limit.
 */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/** Lifecycle of one socket. */
export type SocketState = 'connecting' | 'open' | 'closing' | 'closed';

/** What a {@link SocketConnection} reports to its owner. */
export interface SocketListener {
  /** The socket opened. */
  onOpen(): void;
  /** A frame arrived (binary frames are decoded as UTF-8). */
  onMessage(data: string): void;
  /** The socket is gone (exactly once): closed by either side, lost, refused, or timed out. */
  onClose(event: SocketCloseEvent): void;
}

/** How to open a {@link SocketConnection}. */
export interface SocketConnectionOptions {
  /** The session URL, without the key. */
  readonly url: string;
  /** The API key, sent as `network_api_key` (and `x-network-api-key` in Node). */
  readonly apiKey: string;
  /** The WebSocket constructor; isomorphic-ws when absent. */
  readonly WebSocket: WebSocketConstructorLike | undefined;
  /** Where the connect timeout runs. */
  readonly scheduler: SchedulerLike;
  /** Longest wait for `open`, in ms. */
  readonly connectTimeoutMs: number;
  /**
   * Payload limit passed to `ws` in Node.
   * @default MAX_FRAME_BYTES
   */
  readonly maxPayloadBytes?: number;
}

/** The EventEmitter side of a `ws` socket (used in Node: no per-frame event objects). */
interface NodeSocket {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

const noop = (): void => undefined;
const decoder = /* @__PURE__ */ (() => (typeof TextDecoder === 'function' ? new TextDecoder() : undefined))();
let strictDecoder: TextDecoder | undefined;
/** The code `ws` gives the error of a text frame that is not UTF-8 (kept, so both paths read alike). */
const INVALID_UTF8 = 'WS_ERR_INVALID_UTF8';
const HANDSHAKE_STATUS = /Unexpected server response: (\d{3})/;

function isNodeSocket(socket: WebSocketLike): socket is WebSocketLike & NodeSocket {
  const s = socket as Partial<NodeSocket>;
  return typeof s.on === 'function' && typeof s.off === 'function';
}

/** Whether `ctor` is the `ws` package's constructor (true for isomorphic-ws in Node). */
function isWsConstructor(ctor: unknown): boolean {
  return typeof ctor === 'function' && 'createWebSocketStream' in ctor;
}

/** Node (or any runtime without `window`): the upgrade may carry headers. */
function canSendHeaders(ctor: unknown): boolean {
  return isWsConstructor(ctor) || typeof (globalThis as { window?: unknown }).window === 'undefined';
}

/** Text of a frame whatever the platform delivered (string, Buffer, ArrayBuffer, view, fragments). */
export function decodeFrame(data: unknown): string {
  if (typeof data === 'string') return data;
  if (typeof Buffer === 'function') {
    if (Buffer.isBuffer(data)) return data.toString();
    if (Array.isArray(data)) return Buffer.concat(data as Uint8Array[]).toString();
  }
  if (decoder && (data instanceof ArrayBuffer || ArrayBuffer.isView(data))) return decoder.decode(data);
  return String(data);
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

/** The HTTP status of a refused upgrade, from `ws`'s error or an event carrying `status`/`statusCode`. */
function handshakeStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof e.status === 'number') return e.status;
  if (typeof e.statusCode === 'number') return e.statusCode;
  const match = typeof e.message === 'string' ? HANDSHAKE_STATUS.exec(e.message) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * A single WebSocket. Call {@link SocketConnection.start} once; the listener then hears `onOpen`,
 * `onMessage` for every frame and `onClose` exactly once. {@link SocketConnection.close} starts a
 * clean close (1000): message and open events stop at once; `onClose` follows when the close completes.
 *
 * @example
 * const conn = new SocketConnection(opts, { onOpen() {}, onMessage(d) {}, onClose(e) {} });
 * conn.start();
 */
export class SocketConnection {
  /** Where this socket is in its life. */
  state: SocketState = 'connecting';
  #socket: WebSocketLike | undefined;
  #node = false;
  #opened = false;
  #lastError: unknown;
  #handshakeStatus: number | undefined;
  #connectTimer: Subscription | undefined;
  readonly #options: SocketConnectionOptions;
  readonly #listener: SocketListener;

  /** Prepares the connection; {@link SocketConnection.start} opens it. */
  constructor(options: SocketConnectionOptions, listener: SocketListener) {
    this.#options = options;
    this.#listener = listener;
  }

  /** Creates the socket; a constructor that throws is reported as a failed connect (`onClose`). */
  start(): void {
    const options = this.#options;
    const Ctor = options.WebSocket ?? (WebSocket as unknown as WebSocketConstructorLike);
    const url = sessionUrl(options.url, options.apiKey);
    try {
      if (canSendHeaders(Ctor)) {
        const nodeOptions: Record<string, unknown> = { headers: { [API_KEY_HEADER]: options.apiKey }, maxPayload: options.maxPayloadBytes ?? MAX_FRAME_BYTES };
        // ws would check every text frame is UTF-8 and then we would decode it: handleNodeMessage does both at once.
        if (isWsConstructor(Ctor)) nodeOptions['skipUTF8Validation'] = true;
        this.#socket = new Ctor(url, undefined, nodeOptions);
      } else {
        this.#socket = new Ctor(url);
      }
    } catch (error) {
      this.#finish({ code: 1006, reason: '', opened: false, error });
      return;
    }
    this.#attach(this.#socket);
    this.#connectTimer = options.scheduler.schedule(() => this.#onConnectTimeout(), options.connectTimeoutMs);
  }

  /** Sends one text frame. */
  send(text: string): void {
    this.#socket?.send(text);
  }

  /**
   * Starts a clean close (default 1000): stops open/message/error events now; `onClose` fires when the
   * socket reports the close. Does nothing if already closing or closed.
   */
  close(code = 1000, reason = ''): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    this.#cancelConnectTimer();
    const socket = this.#socket;
    if (!socket) return;
    this.#detach(socket, 'closing');
    try {
      socket.close(code, reason);
    } catch {
      // A socket that refuses to close is already unusable; the close event (or its absence) decides.
    }
  }

  #attach(socket: WebSocketLike): void {
    this.#node = isNodeSocket(socket);
    if (!this.#node) {
      try {
        socket.binaryType = 'arraybuffer';
      } catch {
        // Some implementations make binaryType read-only; decodeFrame copes with any type.
      }
    }
    this.#listen(socket, true, true);
  }

  /**
   * Removes our listeners: all of them once the socket has closed (`'gone'`); all but the close
   * listener for a close we started (`'closing'`); all for a socket we abandon (`'abandon'`). While
   * a `ws` socket may still emit, a no-op 'error' listener stays (ws throws on an unheard 'error').
   */
  #detach(socket: WebSocketLike, mode: 'gone' | 'closing' | 'abandon'): void {
    this.#listen(socket, false, mode !== 'closing');
    if (this.#node) {
      const s = socket as WebSocketLike & NodeSocket;
      s.off('error', noop);
      if (mode !== 'gone') s.on('error', noop);
    }
  }

  /** Adds (or removes) our four listeners with the socket's own API: `on`/`off` in Node (`ws`), else the DOM one. */
  #listen(socket: WebSocketLike, add: boolean, withClose: boolean): void {
    const node = this.#node;
    const method = node ? (add ? 'on' : 'off') : add ? 'addEventListener' : 'removeEventListener';
    const s = socket as unknown as Record<typeof method, (type: string, listener: unknown) => void>;
    s[method]('open', this.#handleOpen);
    s[method]('message', node ? this.#handleNodeMessage : this.#handleBrowserMessage);
    s[method]('error', this.#handleError);
    if (withClose) s[method]('close', node ? this.#handleNodeClose : this.#handleBrowserClose);
  }

  #cancelConnectTimer(): void {
    this.#connectTimer?.unsubscribe();
    this.#connectTimer = undefined;
  }

  #onConnectTimeout(): void {
    this.#connectTimer = undefined;
    if (this.state !== 'connecting') return;
    const socket = this.#socket;
    if (socket) {
      this.#detach(socket, 'abandon');
      try {
        socket.close(1000);
      } catch {
        // ignore: the socket is abandoned either way
      }
    }
    this.#finish({ code: 1006, reason: '', opened: false, connectTimeoutMs: this.#options.connectTimeoutMs });
  }

  #finish(event: SocketCloseEvent): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.#cancelConnectTimer();
    this.#listener.onClose(event);
  }

  readonly #handleOpen = (): void => {
    if (this.state !== 'connecting') return;
    this.#cancelConnectTimer();
    this.#opened = true;
    this.state = 'open';
    this.#listener.onOpen();
  };

  readonly #handleNodeMessage = (data: unknown, isBinary: boolean): void => {
    if (isBinary) {
      this.#listener.onMessage(decodeFrame(data));
      return;
    }
    // ws delivers a text frame as one Buffer, not checked (skipUTF8Validation): decode it once (the
    // hot path). Invalid UTF-8 decodes to U+FFFD, so only a text containing one needs the strict check.
    const text = (data as { toString(): string }).toString();
    if (text.indexOf('\uFFFD') !== -1 && !isUtf8(data)) {
      this.#invalidText();
      return;
    }
    this.#listener.onMessage(text);
  };

  /** A text frame that is not UTF-8: what ws does (close with 1007; the close reports the error). */
  #invalidText(): void {
    this.#lastError = Object.assign(new Error('Invalid WebSocket frame: invalid UTF-8 sequence'), { code: INVALID_UTF8 });
    this.close(1007);
  }

  readonly #handleBrowserMessage = (event: { readonly data: unknown }): void => {
    const data = event.data;
    this.#listener.onMessage(typeof data === 'string' ? data : decodeFrame(data));
  };

  readonly #handleError = (error: unknown): void => {
    this.#lastError = error;
    if (!this.#opened) this.#handshakeStatus ??= handshakeStatusOf(error);
  };

  readonly #handleNodeClose = (code: number, reason: unknown): void => {
    this.#closed(code, reason === undefined ? '' : decodeFrame(reason));
  };

  readonly #handleBrowserClose = (event: { readonly code?: number; readonly reason?: string }): void => {
    this.#closed(event.code ?? 1006, event.reason ?? '');
  };

  #closed(code: number, reason: string): void {
    const socket = this.#socket;
    if (socket) this.#detach(socket, 'gone');
    const event: { -readonly [K in keyof SocketCloseEvent]: SocketCloseEvent[K] } = { code, reason, opened: this.#opened };
    if (this.#handshakeStatus !== undefined) event.handshakeStatus = this.#handshakeStatus;
    if (this.#lastError !== undefined) event.error = this.#lastError;
    this.#finish(event);
  }
}

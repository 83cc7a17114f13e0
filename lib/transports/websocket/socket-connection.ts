/**
 * One WebSocket over the injected constructor: the `network_api_key` query parameter, the connect
 * timeout on the scheduler, and a teardown that removes every listener. Platform differences (Node
 * `ws` vs the browser API, and in Node the `x-network-api-key` header) live in `node-socket.ts`,
 * which browser bundles replace with `browser-socket.ts`. It reports facts only; the pool and turns
 * decide what they mean.
 *
 * @packageDocumentation
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import WebSocket from 'isomorphic-ws';
import type { WebSocketConstructorLike, WebSocketLike } from '../../options.js';
import type { SocketBinding, SocketSink } from './browser-socket.js';
import type { SocketCloseEvent } from '../../failure-error.js';
import { bindSocket, createSocket } from './node-socket.js';
import { sessionUrl } from './socket-url.js';

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

/** The HTTP status of a refused upgrade, from an error (event) carrying `status`/`statusCode`. */
function handshakeStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown };
  if (typeof e.status === 'number') return e.status;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
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
  #binding: SocketBinding | undefined;
  #opened = false;
  #lastError: unknown;
  #handshakeStatus: number | undefined;
  #connectTimer: Subscription | undefined;
  readonly #options: SocketConnectionOptions;
  readonly #listener: SocketListener;
  /** What the platform layer calls on the socket's events. */
  readonly #sink: SocketSink = {
    open: () => {
      if (this.state !== 'connecting') return;
      this.#cancelConnectTimer();
      this.#opened = true;
      this.state = 'open';
      this.#listener.onOpen();
    },
    message: (text) => this.#listener.onMessage(text),
    error: (error, handshakeStatus) => {
      this.#lastError = error;
      if (!this.#opened) this.#handshakeStatus ??= handshakeStatusOf(error) ?? handshakeStatus;
    },
    close: (code, reason) => this.#closed(code, reason),
    invalidText: (error) => {
      this.#lastError = error;
      this.close(1007);
    },
  };

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
    let socket: WebSocketLike;
    try {
      socket = createSocket(Ctor, url, options.apiKey, options.maxPayloadBytes ?? MAX_FRAME_BYTES);
    } catch (error) {
      this.#finish({ code: 1006, reason: '', opened: false, error });
      return;
    }
    this.#socket = socket;
    this.#binding = bindSocket(socket, this.#sink);
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
    this.#binding?.detach(true, true); // keep the close listener, to learn when the close is done
    try {
      socket.close(code, reason);
    } catch {
      // A socket that refuses to close is already unusable; the close event (or its absence) decides.
    }
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
      this.#binding?.detach(false, true); // abandoned: hear nothing more from it
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

  #closed(code: number, reason: string): void {
    this.#binding?.detach(false, false); // gone: every listener off
    const event: { -readonly [K in keyof SocketCloseEvent]: SocketCloseEvent[K] } = { code, reason, opened: this.#opened };
    if (this.#handshakeStatus !== undefined) event.handshakeStatus = this.#handshakeStatus;
    if (this.#lastError !== undefined) event.error = this.#lastError;
    this.#finish(event);
  }
}

/**
 * One WebSocket over the injected constructor, as a hot stream of events: the `network_api_key` query
 * parameter, the connect timeout, and a close handshake bounded on the scheduler. It reports facts
 * only (open, frames, how it ended); the pool and the turns decide what they mean.
 *
 * @packageDocumentation
 */
import { Subject, timer, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { AuiError } from '../../errors.js';
import type { SocketCloseEvent } from '../../failure-error.js';
import type { WebSocketConstructorLike, WebSocketLike } from '../../options.js';
import { DefaultWebSocket } from './default-websocket.js';
import { createSocket, dropSocket, socketEvents, type PlatformEvent } from './node-socket.js';
import { sessionUrl } from './socket-url.js';

/** Where a connection is in its life. */
export type SocketState = 'connecting' | 'open' | 'closing' | 'closed';

/**
 * What a {@link Connection} reports to the turn that holds it, in order: frames (each its text, a bare
 * string), then `closed` once (or `aborted`, then `closed`).
 */
export type ConnectionEvent =
  | string
  /** The client gave up on the connection's work with this error (e.g. `client.close()`); `closed` follows. */
  | { readonly type: 'aborted'; readonly error: AuiError }
  | { readonly type: 'closed'; readonly event: SocketCloseEvent };

/** What a {@link Connection} reports to its owner (the pool): `open`, then `closed` once. */
export type ConnectionLifecycle = { readonly type: 'open' } | { readonly type: 'closed'; readonly event: SocketCloseEvent };

/** How to open a {@link Connection}. */
export interface ConnectionOptions {
  /** The session URL, without the key. */
  readonly url: string;
  /** The API key, sent as `network_api_key` (and `x-network-api-key` in Node); `''` for none (a client behind `aui-rx/relay`): then neither is sent. */
  readonly apiKey: string;
  /** The WebSocket constructor; `ws` in Node, isomorphic-ws's (the native one) in browsers when absent. */
  readonly WebSocket: WebSocketConstructorLike | undefined;
  /** Where the connect timeout and the close wait run. */
  readonly scheduler: SchedulerLike;
  /** Longest wait for `open`, in ms. */
  readonly connectTimeoutMs: number;
  /** Longest wait, after the client starts a close, for the peer's answer before the socket is dropped, in ms. */
  readonly closeTimeoutMs: number;
  /** Payload limit passed to `ws` in Node (`limits.maxFrameBytes`). */
  readonly maxPayloadBytes: number;
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
 * A single WebSocket. {@link Connection.start} opens it; {@link Connection.lifecycle$} reports `open`
 * and `closed` to its owner, {@link Connection.events$} every frame and then `closed` to the turn that
 * holds it (the owner hears `closed` first); both complete after `closed`. A frame that arrives while no
 * turn listens is dropped and counted ({@link Connection.strayFrames}). {@link Connection.close} starts a clean close:
 * frames stop at once; `closed` follows when the peer answers, or after `closeTimeoutMs` when it does
 * not (the socket is then dropped), so no socket or timer outlives a close by more than that wait.
 *
 * @example
 * const connection = new Connection(options);
 * connection.lifecycle$.subscribe((event) => log(event.type));
 * connection.start();
 */
export class Connection {
  /** The key this connection was opened with (scrubbed from the errors of its turns). */
  readonly apiKey: string;
  /** Frames and the end, for the turn that holds the connection; hot. */
  readonly events$: Observable<ConnectionEvent>;
  /** `open` and `closed`, for the owner; hot: subscribe before {@link Connection.start}. */
  readonly lifecycle$: Observable<ConnectionLifecycle>;
  readonly #events = new Subject<ConnectionEvent>();
  readonly #lifecycle = new Subject<ConnectionLifecycle>();
  #strays = 0;
  readonly #options: ConnectionOptions;
  #state: SocketState = 'connecting';
  #socket: WebSocketLike | undefined;
  #listening: Subscription | undefined;
  /** The connect timeout while connecting, the close wait while closing. */
  #timer: Subscription | undefined;
  #opened = false;
  #lastError: unknown;
  #handshakeStatus: number | undefined;

  /** Prepares the connection; nothing is opened until {@link Connection.start}. */
  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.apiKey = options.apiKey;
    this.events$ = this.#events.asObservable();
    this.lifecycle$ = this.#lifecycle.asObservable();
  }

  /** Frames that arrived while no turn listened (dropped). */
  get strayFrames(): number {
    return this.#strays;
  }

  /** Where this connection is in its life. */
  get state(): SocketState {
    return this.#state;
  }

  /** Creates the socket; a constructor that throws is reported as a failed connect (`closed`). */
  start(): void {
    const options = this.#options;
    const Ctor = options.WebSocket ?? DefaultWebSocket;
    let socket: WebSocketLike;
    try {
      socket = createSocket(Ctor, sessionUrl(options.url, options.apiKey), options.apiKey, options.maxPayloadBytes);
    } catch (error) {
      this.#finish({ code: 1006, reason: '', opened: false, error });
      return;
    }
    this.#socket = socket;
    this.#listening = socketEvents(socket).subscribe((event) => this.#on(event));
    if (this.#state === 'connecting') {
      this.#timer = timer(options.connectTimeoutMs, options.scheduler).subscribe(() => this.#giveUp({ connectTimeoutMs: options.connectTimeoutMs }));
    }
  }

  /** Sends one text frame. */
  send(text: string): void {
    this.#socket?.send(text);
  }

  /**
   * Starts a clean close (default 1000): frames stop at once; `closed` follows when the peer answers,
   * or after `closeTimeoutMs` (the socket is then dropped). Does nothing if already closing or closed.
   */
  close(code = 1000): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    if (this.#state === 'connecting') {
      this.#giveUp({});
      return;
    }
    this.#state = 'closing';
    this.#timer?.unsubscribe();
    // Armed first: a socket may report its close at once, from inside close() (and then cancel it).
    this.#timer = timer(this.#options.closeTimeoutMs, this.#options.scheduler).subscribe(() => this.#giveUp({}));
    try {
      this.#socket?.close(code, '');
    } catch {
      // A socket that refuses to close is unusable; the wait drops it.
    }
  }

  /** Reports `error` to whoever holds this connection (an `aborted` event), then closes it. */
  abort(error: AuiError): void {
    if (this.#state === 'closed') return;
    this.#events.next({ type: 'aborted', error });
    this.close();
  }

  #on(event: PlatformEvent): void {
    if (typeof event === 'string') {
      // A frame (the hot path): to the turn that holds the connection, if one listens.
      if (this.#state !== 'open') return;
      if (this.#events.observed) this.#events.next(event);
      else this.#strays++;
      return;
    }
    switch (event.type) {
      case 'open':
        if (this.#state !== 'connecting') return;
        this.#timer?.unsubscribe();
        this.#timer = undefined;
        this.#opened = true;
        this.#state = 'open';
        this.#lifecycle.next({ type: 'open' });
        return;
      case 'error':
        this.#lastError = event.error;
        if (!this.#opened) this.#handshakeStatus ??= handshakeStatusOf(event.error) ?? event.handshakeStatus;
        return;
      case 'invalid-text':
        // What ws does for a text frame that is not UTF-8: close with 1007; the close reports the error.
        this.#lastError = event.error;
        this.close(1007);
        return;
      case 'close':
        this.#finish(this.#closeEvent(event.code, event.reason));
        return;
    }
  }

  /** The socket is abandoned (connect timeout, close while connecting, unanswered close): drop it. */
  #giveUp(extra: { readonly connectTimeoutMs?: number }): void {
    const socket = this.#socket;
    this.#listening?.unsubscribe(); // hear nothing more from it
    if (socket) dropSocket(socket);
    this.#finish({ ...this.#closeEvent(1006, ''), ...extra });
  }

  #closeEvent(code: number, reason: string): SocketCloseEvent {
    const event: { -readonly [K in keyof SocketCloseEvent]: SocketCloseEvent[K] } = { code, reason, opened: this.#opened };
    if (this.#handshakeStatus !== undefined) event.handshakeStatus = this.#handshakeStatus;
    if (this.#lastError !== undefined) event.error = this.#lastError;
    return event;
  }

  #finish(event: SocketCloseEvent): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#listening?.unsubscribe();
    const closed = { type: 'closed', event } as const;
    this.#lifecycle.next(closed); // the owner first: waiting turns get other connections before this turn errors
    this.#lifecycle.complete();
    this.#events.next(closed);
    this.#events.complete();
  }
}

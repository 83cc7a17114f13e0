/**
 * MockWebSocket: a WebSocket constructor whose instances a test drives by hand, synchronously, so
 * streams can be marble-tested inside `TestScheduler.run` without a network.
 *
 * @packageDocumentation
 */
import type { WebSocketLike } from '../options.js';

/**
 * An event listener as {@link WebSocketLike} declares it.
 * @inline
 */
type Listener = (event: never) => void;

/** The event a {@link MockWebSocket} dispatches for `message`. */
export interface MockMessageEvent {
  /** Always `message`. */
  readonly type: 'message';
  /** The frame text as the server sent it (objects given to `receive` arrive JSON-encoded). */
  readonly data: string;
}

/** The event a {@link MockWebSocket} dispatches for `close`. */
export interface MockCloseEvent {
  /** Always `close`. */
  readonly type: 'close';
  /** WebSocket close code, e.g. 1000, 1008, 1011, or 1006 for a broken connection. */
  readonly code: number;
  /** Close reason text; `''` when none was given. */
  readonly reason: string;
  /** Whether the closing handshake completed (false after `fail`, a refused handshake, or closing while connecting). */
  readonly wasClean: boolean;
}

/** The event a {@link MockWebSocket} dispatches for `error`. */
export interface MockErrorEvent {
  /** Always `error`. */
  readonly type: 'error';
  /** The error the connection failed with (what `ws` puts on its error events). */
  readonly error: unknown;
  /** The error's message, e.g. `connection lost` or `Unexpected server response: 401`. */
  readonly message: string;
  /** HTTP status of a refused handshake ({@link MockWebSocket.rejectHandshake}). */
  readonly status?: number;
}

/** A close the code under test asked for. */
export interface MockCloseCall {
  /** The close code passed to `close()`, or undefined when none was passed. */
  readonly code: number | undefined;
  /** The reason passed to `close()`, or undefined when none was passed. */
  readonly reason: string | undefined;
}

/**
 * A scriptable WebSocket. Pass the class as the `WebSocket` option; every `new` is recorded in
 * {@link MockWebSocket.instances}. Nothing happens by itself: the test calls {@link open},
 * {@link receive}, {@link serverClose} or {@link fail}, and reads {@link sent} and {@link closeCalls}.
 * Events are dispatched synchronously, so calls made from `TestScheduler` callbacks happen at that
 * virtual frame. `close()` completes the closing handshake at once (readyState CLOSED, a clean
 * `close` event with the client's code).
 *
 * @example
 * const client = new AuiClient({ apiKey: 'k', WebSocket: MockWebSocket, scheduler: testScheduler });
 * client.streamMessage({ task_id: 't', text: 'hi' }).subscribe(…);
 * const ws = MockWebSocket.latest!;
 * ws.open();
 * ws.receive({ event: 'thread-message-text-content-updated', data: { text: 'Hello' } });
 * ws.serverClose(1011);
 */
export class MockWebSocket implements WebSocketLike {
  /** readyState: connecting. */
  static readonly CONNECTING = 0;
  /** readyState: open. */
  static readonly OPEN = 1;
  /** readyState: closing. */
  static readonly CLOSING = 2;
  /** readyState: closed. */
  static readonly CLOSED = 3;
  /** Every instance created since the last {@link MockWebSocket.reset}, oldest first. */
  static readonly instances: MockWebSocket[] = [];

  /** The most recently created instance. */
  static get latest(): MockWebSocket | undefined {
    return MockWebSocket.instances[MockWebSocket.instances.length - 1];
  }

  /**
   * Whether `close()` completes the closing handshake at once. When false, a `close()` leaves the
   * socket CLOSING until the test calls {@link MockWebSocket.serverClose} (the server's answer).
   * @default true
   */
  static completeClosesAtOnce = true;

  /** Forgets every instance and restores the static settings (call it in `beforeEach`). */
  static reset(): void {
    MockWebSocket.instances.length = 0;
    MockWebSocket.completeClosesAtOnce = true;
  }

  /** readyState: connecting. */
  readonly CONNECTING = 0;
  /** readyState: open. */
  readonly OPEN = 1;
  /** readyState: closing. */
  readonly CLOSING = 2;
  /** readyState: closed. */
  readonly CLOSED = 3;
  /** The URL passed to the constructor (includes the `network_api_key` query parameter). */
  readonly url: string;
  /** The protocols argument. */
  readonly protocols: string | string[] | undefined;
  /** The third constructor argument (`ws` options: headers, maxPayload), when given. */
  readonly options: unknown;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readyState = 0;
  /** Set by the code under test. */
  binaryType = 'blob';
  /** Every frame the code under test sent, in order. */
  readonly sent: string[] = [];
  /** Every `close()` call made by the code under test. */
  readonly closeCalls: MockCloseCall[] = [];
  /** Handler property for `open` (called before listeners). */
  onopen: ((event: { type: 'open' }) => void) | null = null;
  /** Handler property for `message`. */
  onmessage: ((event: MockMessageEvent) => void) | null = null;
  /** Handler property for `close`. */
  onclose: ((event: MockCloseEvent) => void) | null = null;
  /** Handler property for `error`. */
  onerror: ((event: MockErrorEvent) => void) | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Records the arguments and registers the instance in {@link MockWebSocket.instances}; stays CONNECTING. */
  constructor(url: string, protocols?: string | string[], options?: unknown) {
    this.url = url;
    this.protocols = protocols;
    this.options = options;
    MockWebSocket.instances.push(this);
  }

  /** The sent frames, JSON-parsed. */
  get sentJson(): unknown[] {
    return this.sent.map((s) => JSON.parse(s) as unknown);
  }

  /** How many listeners are attached (all types, or one type); 0 after a clean teardown. */
  listenerCount(type?: string): number {
    if (type !== undefined) return this.listeners.get(type)?.size ?? 0;
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  // ---- driven by the test ----

  /** The server accepted the connection: readyState OPEN, `open` event. */
  open(): void {
    this.expectState(0, 'open()');
    this.readyState = 1;
    this.dispatch('open', { type: 'open' });
  }

  /** The server sent a frame: strings are sent as-is, anything else as JSON. */
  receive(frame: unknown): void {
    this.expectState(1, 'receive()');
    const data = typeof frame === 'string' ? frame : JSON.stringify(frame);
    this.dispatch('message', { type: 'message', data });
  }

  /** The server closed the connection (or answered the client's close) with `code`: readyState CLOSED, clean `close` event. */
  serverClose(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.dispatch('close', { type: 'close', code, reason, wasClean: true });
  }

  /** The connection broke: `error` event, then `close` with 1006 (not clean). */
  fail(error: unknown = new Error('connection lost')): void {
    if (this.readyState === 3) return;
    const message = error instanceof Error ? error.message : String(error);
    this.readyState = 3;
    this.dispatch('error', { type: 'error', error, message });
    this.dispatch('close', { type: 'close', code: 1006, reason: '', wasClean: false });
  }

  /** The server refused the upgrade with HTTP `status` (as `ws` reports it), then `close` 1006. */
  rejectHandshake(status: number): void {
    this.expectState(0, 'rejectHandshake()');
    const message = `Unexpected server response: ${status}`;
    this.readyState = 3;
    this.dispatch('error', { type: 'error', error: new Error(message), message, status });
    this.dispatch('close', { type: 'close', code: 1006, reason: '', wasClean: false });
  }

  // ---- the WebSocket API used by the code under test ----

  /** Records a frame; throws while connecting (as browsers do); ignored once closing or closed. */
  send(data: string): void {
    if (this.readyState === 0) throw new Error('MockWebSocket: send() while CONNECTING');
    if (this.readyState !== 1) return;
    this.sent.push(data);
  }

  /**
   * Records the call. An open socket then closes at once with a clean `close` event carrying the
   * given code (unless {@link MockWebSocket.completeClosesAtOnce} is false: it stays CLOSING); a
   * connecting one closes with 1006, as browsers do.
   */
  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState === 2 || this.readyState === 3) return;
    const wasOpen = this.readyState === 1;
    if (wasOpen && !MockWebSocket.completeClosesAtOnce) {
      this.readyState = 2;
      return;
    }
    this.readyState = 3;
    this.dispatch('close', { type: 'close', code: wasOpen ? (code ?? 1005) : 1006, reason: reason ?? '', wasClean: wasOpen });
  }

  /** Adds a listener (`open`, `message`, `close`, `error`). */
  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  /** Removes a listener. */
  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  private expectState(state: number, what: string): void {
    if (this.readyState !== state) {
      throw new Error(`MockWebSocket: ${what} needs readyState ${state}, it is ${this.readyState}`);
    }
  }

  private dispatch(type: 'open' | 'message' | 'close' | 'error', event: object): void {
    const handler = this[`on${type}`] as ((e: object) => void) | null;
    if (handler) handler.call(this, event);
    const set = this.listeners.get(type);
    if (set) for (const listener of [...set]) (listener as (e: object) => void).call(this, event);
  }
}

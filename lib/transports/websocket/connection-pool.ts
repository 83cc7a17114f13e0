/**
 * The client's WebSocket pool (design.md §4): lazy sockets, one turn per socket, at most
 * `maxConnections` sockets with an ordered FIFO queue, reuse, idle linger, and the aggregate
 * connection state.
 *
 * @packageDocumentation
 */
import { BehaviorSubject, Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import { AuiConnectionError, type AuiError } from '../../errors.js';
import type { ResolvedOptions } from '../../options.js';
import { readApiKey } from '../../internal/api-key.js';
import { encodeUserMessage } from '../../protocol/client-frames.js';
import type { SendMessageRequest } from '../../protocol/rest.js';
import type { StreamEvent } from '../../stream-event.js';
import { failureError, type SocketCloseEvent } from '../../failure-error.js';
import { PooledSocket, type PooledSocketOwner } from './pooled-socket.js';
import { TurnStream, type TurnContext } from './turn-stream.js';

/**
 * Aggregate state of a client's sockets:
 * - `'idle'`: no socket at all (before the first turn, or after every socket lingered out);
 * - `'connecting'`: some socket is connecting and none is open;
 * - `'open'`: at least one socket is open (busy or lingering);
 * - `'closing'`: sockets are finishing a close the client started, and none is open or connecting;
 * - `'closed'`: `close()` was called (terminal; `state$` then completes).
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/** Counters of a {@link ConnectionPool}, for tests and benchmarks. Live object: read it any time. */
export interface ConnectionPoolStats {
  /** Sockets created so far. */
  socketsCreated: number;
  /** Sockets connecting, open or closing now. */
  sockets: number;
  /** Most sockets alive at once. */
  maxSockets: number;
  /** Turns that got a socket and sent their message. */
  turnsStarted: number;
  /** Turns waiting for a socket now. */
  queued: number;
  /** Frames received by turns. */
  framesReceived: number;
  /** Frames of no known kind, skipped. */
  unknownFrames: number;
  /** Frames that arrived on a socket with no turn running (dropped). */
  strayFrames: number;
}

/**
 * The WebSocket pool behind `client.streamMessage`. A socket carries one turn at a time (the final
 * frame has no turn id); up to `maxConnections` sockets open lazily; further turns wait in order and
 * take the first socket that frees up. A free socket lingers `idleLingerMs`, then closes with 1000.
 *
 * - Unsubscribing mid-turn closes that socket (its remaining frames would confuse the next turn).
 * - A close (1008, 1011, anything) errors the turn on that socket; queued turns go to another or a
 *   fresh socket. A socket that fails to connect errors the oldest waiting turn that no other
 *   connecting socket can serve (a bad key costs one connection per turn, never a loop).
 * - A protocol error, idle timeout, or error frame without close also closes that socket.
 * - A socket that is still closing counts toward `maxConnections`.
 * - `close()` closes every socket with 1000; running and queued turns error with
 *   `AuiConnectionError`, and so does every turn subscribed afterwards.
 *
 * All time (connect timeout, idle timeout, linger, error-frame wait) runs on `options.scheduler`.
 *
 * @example
 * // Every AuiClient owns one pool: streamMessage() is pool.turn(), close() is pool.close().
 * const client = new AuiClient({ apiKey: 'API_KEY_…', maxConnections: 2 });
 * client.streamMessage({ task_id, text: 'Hello' }).subscribe((event) => render(event));
 * client.close();
 */
export class ConnectionPool {
  /** Counters (live). */
  readonly stats: ConnectionPoolStats = {
    socketsCreated: 0,
    sockets: 0,
    maxSockets: 0,
    turnsStarted: 0,
    queued: 0,
    framesReceived: 0,
    unknownFrames: 0,
    strayFrames: 0,
  };
  /** The aggregate {@link ConnectionState}; replays the current state; completes after `close()`. */
  readonly state$: Observable<ConnectionState>;
  readonly #state = new BehaviorSubject<ConnectionState>('idle');
  readonly #sockets = new Set<PooledSocket>();
  readonly #queue: TurnStream[] = [];
  readonly #ctx: TurnContext;
  readonly #owner: PooledSocketOwner;
  #closed = false;
  #pumping = false;
  #pumpAgain = false;
  readonly #options: ResolvedOptions;

  /**
   * Creates an empty pool; nothing opens until a turn is subscribed. `AuiClient` builds one
   * from its resolved options.
   * @internal
   */
  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.state$ = this.#state.asObservable();
    this.#ctx = { scheduler: options.scheduler, idleMs: options.timeouts.idleMs, maxPayloadBytes: options.limits.maxFrameBytes, counters: this.stats };
    this.#owner = {
      socketFree: (socket) => this.#socketFree(socket),
      socketClosing: () => this.#pump(),
      socketGone: (socket, event) => this.#socketGone(socket, event),
      strayFrame: () => void this.stats.strayFrames++,
    };
  }

  /**
   * One turn, cold: on subscribe the request is validated (a bad one errors with
   * `AuiValidationError`, no socket opened), queued, sent on a socket, and streamed back as `text`
   * events then one `final` event (then complete). Each subscription is a separate turn.
   *
   * @example
   * pool.turn({ task_id: 't1', text: 'Hi' }).pipe(finalMessage()).subscribe((message) => render(message));
   */
  turn(request: SendMessageRequest): Observable<StreamEvent> {
    return new Observable<StreamEvent>((subscriber) => this.#runTurn(request, subscriber));
  }

  /** Runs one turn for `subscriber` (what {@link ConnectionPool.turn} does on subscribe); returns the teardown. */
  #runTurn(request: SendMessageRequest, subscriber: Subscriber<StreamEvent>): TeardownLogic {
    let message;
    try {
      message = encodeUserMessage(request, 'streamMessage'); // the one validation path (validate-args)
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    const { taskId } = message;
    if (this.#closed) {
      subscriber.error(new AuiConnectionError('The client is closed; no new turn can start', { taskId, retryable: false }));
      return undefined;
    }
    const turn = new TurnStream(subscriber, taskId, message.json, this.#ctx);
    const teardown = (): void => this.#abandon(turn);
    if (this.#queue.length === 0) {
      // The common case, kept short: no turn waits and a socket is free (lingering). The turn takes
      // it at once; nothing else in the pool changes, so there is nothing to pump.
      for (const socket of this.#sockets) {
        if (socket.free) {
          this.stats.turnsStarted++;
          socket.assign(turn);
          return teardown;
        }
      }
    }
    this.#queue.push(turn);
    this.#pump();
    return teardown;
  }

  /**
   * Closes every socket with 1000 and ends the pool: running and queued turns error with
   * `AuiConnectionError`, later turns too; `state$` emits `'closed'` and completes. Idempotent.
   *
   * @example
   * pool.close();
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const victims = this.#queue.splice(0);
    for (const socket of this.#sockets) {
      if (socket.turn) victims.push(socket.turn);
      socket.closeSocket();
    }
    this.#sockets.clear();
    this.#updateStats();
    for (const turn of victims) {
      turn.fail(new AuiConnectionError('The client was closed before the reply was complete', { taskId: turn.taskId, retryable: false }));
    }
    this.#state.next('closed');
    this.#state.complete();
  }

  #abandon(turn: TurnStream): void {
    if (turn.status === 'queued') {
      const index = this.#queue.indexOf(turn);
      if (index !== -1) this.#queue.splice(index, 1);
      turn.cancel();
      this.#pump();
      return;
    }
    if (turn.status === 'done') return;
    turn.cancel();
    const socket = turn.host;
    if (socket instanceof PooledSocket && socket.turn === turn) socket.closeSocket();
  }

  #socketGone(socket: PooledSocket, event: SocketCloseEvent): void {
    if (!this.#sockets.delete(socket)) return;
    if (!event.opened) {
      // A failed connect: error the oldest waiting turn no other connecting socket can serve.
      let connecting = 0;
      for (const s of this.#sockets) if (s.state === 'connecting') connecting++;
      if (this.#queue.length > connecting) {
        const head = this.#queue.shift() as TurnStream;
        head.fail(failureError({ source: 'socket', close: event, maxPayloadBytes: this.#options.limits.maxFrameBytes }, { taskId: head.taskId, secret: socket.apiKey }));
      }
    }
    this.#pump();
  }

  /**
   * A socket opened or finished its turn. The common case (the end of a turn, no turn waiting, the
   * pool already open) changes nothing but that socket's linger, so it skips the pump.
   */
  #socketFree(socket: PooledSocket): void {
    if (this.#queue.length === 0 && !this.#pumping && !this.#closed && this.#state.value === 'open') socket.startLinger();
    else this.#pump();
  }

  /** Matches free sockets with waiting turns, opens sockets for the rest, lingers idle sockets. */
  #pump(): void {
    if (this.#closed) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        for (const socket of this.#sockets) {
          if (this.#queue.length === 0) break;
          if (socket.free) {
            this.stats.turnsStarted++;
            socket.assign(this.#queue.shift() as TurnStream);
          }
        }
        let connecting = 0;
        for (const s of this.#sockets) if (s.state === 'connecting') connecting++;
        while (!this.#closed && this.#queue.length > connecting && this.#sockets.size < this.#options.maxConnections) {
          if (this.#openSocket()) connecting++;
        }
        for (const socket of this.#sockets) if (socket.free) socket.startLinger();
      } while (this.#pumpAgain && !this.#closed);
    } finally {
      this.#pumping = false;
    }
    this.#updateStats();
  }

  /** Opens one socket; false when the key could not be obtained (the head turn then errors). */
  #openSocket(): boolean {
    // The one key reader of both transports: a bad key is the same AuiValidationError as on REST.
    let apiKey: string;
    try {
      apiKey = readApiKey(this.#options.getApiKey, this.#queue[0]?.taskId);
    } catch (error) {
      (this.#queue.shift() as TurnStream).fail(error as AuiError);
      return false;
    }
    const options = this.#options;
    const socket = new PooledSocket(
      {
        url: options.wsUrl,
        apiKey,
        WebSocket: options.WebSocket,
        scheduler: options.scheduler,
        connectTimeoutMs: options.timeouts.connectMs,
        maxPayloadBytes: options.limits.maxFrameBytes,
        idleLingerMs: options.idleLingerMs,
      },
      this.#owner,
    );
    this.#sockets.add(socket);
    this.stats.socketsCreated++;
    if (this.#sockets.size > this.stats.maxSockets) this.stats.maxSockets = this.#sockets.size;
    socket.connection.start();
    return true;
  }

  #updateStats(): void {
    this.stats.sockets = this.#sockets.size;
    this.stats.queued = this.#queue.length;
    if (this.#closed) return;
    let open = false;
    let connecting = false;
    let closing = false;
    for (const s of this.#sockets) {
      const state = s.state;
      if (state === 'open') open = true;
      else if (state === 'connecting') connecting = true;
      else if (state === 'closing') closing = true;
    }
    const next: ConnectionState = open ? 'open' : connecting ? 'connecting' : closing ? 'closing' : 'idle';
    if (this.#state.value !== next) this.#state.next(next);
  }
}

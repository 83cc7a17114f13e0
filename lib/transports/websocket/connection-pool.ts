/**
 * The client's WebSocket pool (design.md §4). Its one job is leasing connections: lazily opened, one
 * turn at a time, reused only by the next turn of the same task, at most `maxConnections` of them
 * (closing ones count), waiting turns served in order, free ones closed after an idle linger. What a
 * turn does on its connection is `turn.ts`; what a connection is, `connection.ts`.
 *
 * @packageDocumentation
 */
import { BehaviorSubject, defer, mergeMap, Observable, throwError, type Subscriber, type Subscription } from 'rxjs';
import { AuiConnectionError, type AuiError } from '../../errors.js';
import { failureError, type SocketCloseEvent } from '../../failure-error.js';
import type { KeyRead } from '../../internal/api-key.js';
import type { ResolvedOptions } from '../../options.js';
import { encodeUserMessage } from '../../protocol/client-frames.js';
import type { SendMessageRequest } from '../../protocol/rest.js';
import type { StreamEvent } from '../../stream-event.js';
import { Connection, type ConnectionLifecycle } from './connection.js';
import { aggregateState, type ConnectionState } from './connection-state.js';
import { PoolSlot } from './pool-slot.js';
import { turnEvents, type TurnContext, type TurnCounters } from './turn.js';

/** Counters of a {@link ConnectionPool}, for tests and benchmarks (a snapshot). */
export interface ConnectionPoolStats extends Readonly<TurnCounters> {
  /** Sockets created so far. */
  readonly socketsCreated: number;
  /** Sockets connecting, open or closing now. */
  readonly sockets: number;
  /** Most sockets alive at once. */
  readonly maxSockets: number;
  /** Turns that got a socket and sent their message. */
  readonly turnsStarted: number;
  /** Turns waiting for a socket now. */
  readonly queued: number;
  /** Frames that arrived on a socket with no turn running (dropped). */
  readonly strayFrames: number;
}

/** A turn waiting for a connection. */
interface Waiter {
  readonly taskId: string;
  readonly subscriber: Subscriber<PoolSlot>;
}

/**
 * The WebSocket pool behind `client.streamMessage`. A connection carries one turn at a time (the final
 * frame names no turn) and is reused only by a later turn of the same task, so a late frame of one
 * task never reaches another task's turn. Up to `maxConnections` connections open lazily; further
 * turns wait in order. A free connection lingers `idleLingerMs`, then closes with 1000; one of another
 * task is closed at once when a waiting turn needs its place.
 *
 * - Unsubscribing mid-turn closes that connection (its remaining frames would confuse the next turn).
 * - A close errors the turn on that connection; waiting turns go to other or fresh connections. A
 *   connection that fails to open errors the turn it was opened for (a bad key costs one connection
 *   per turn, never a loop).
 * - Every close the client starts is bounded by `timeouts.closeMs`: a peer that does not answer is
 *   dropped, so nothing outlives `close()` by more than that wait.
 * - `close()` closes every connection; running and waiting turns error with a final
 *   `AuiConnectionError` (not retryable), and so does every turn started afterwards.
 *
 * All time (connect timeout, idle timeout, linger, close wait, error-frame wait) runs on `options.scheduler`.
 *
 * @example
 * // Every AuiClient owns one pool: streamMessage() is pool.turn(), close() is pool.close().
 * const client = new AuiClient({ apiKey: 'API_KEY_…', maxConnections: 2 });
 * client.streamMessage({ task_id, text: 'Hello' }).subscribe((event) => render(event));
 * client.close();
 */
export class ConnectionPool {
  /** The aggregate {@link ConnectionState}; replays the current state; completes after `close()`. */
  readonly state$: Observable<ConnectionState>;
  readonly #state = new BehaviorSubject<ConnectionState>('idle');
  readonly #slots = new Set<PoolSlot>();
  readonly #queue: Waiter[] = [];
  /** Keys being awaited (a key function returned a Promise), by the turn they were read for; each holds a place. */
  readonly #keyReads = new Map<Waiter, Subscription>();
  readonly #options: ResolvedOptions;
  readonly #ctx: TurnContext;
  readonly #counters: TurnCounters & { socketsCreated: number; maxSockets: number; turnsStarted: number; strayFrames: number };
  #closed = false;
  #pumping = false;
  #pumpAgain = false;

  /**
   * Creates an empty pool; nothing opens until a turn is subscribed. `AuiClient` builds one from its
   * resolved options.
   * @internal
   */
  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.state$ = this.#state.asObservable();
    this.#counters = { socketsCreated: 0, maxSockets: 0, turnsStarted: 0, strayFrames: 0, framesReceived: 0, unknownFrames: 0, foreignFrames: 0 };
    this.#ctx = {
      scheduler: options.scheduler,
      idleMs: options.timeouts.idleMs,
      maxFrameBytes: options.limits.maxFrameBytes,
      maxReplyChars: options.limits.maxReplyChars,
      counters: this.#counters,
    };
  }

  /** Counters, as of now. */
  get stats(): ConnectionPoolStats {
    let strayFrames = this.#counters.strayFrames;
    for (const slot of this.#slots) strayFrames += slot.connection.strayFrames;
    return { ...this.#counters, strayFrames, sockets: this.#slots.size, queued: this.#queue.length };
  }

  /**
   * One turn, cold: on subscribe the request is validated (a bad one errors with
   * `AuiValidationError`, no socket opened), waits for a connection of its task, is sent, and streams
   * back as `text` events then one `final` event (then complete). Each subscription is a separate turn.
   *
   * @example
   * pool.turn({ task_id: 't1', text: 'Hi' }).pipe(finalMessage()).subscribe((message) => render(message));
   */
  turn(request: SendMessageRequest): Observable<StreamEvent> {
    return defer(() => {
      const { taskId, json } = encodeUserMessage(request, 'streamMessage'); // the one validation path
      if (this.#closed) return throwError(() => new AuiConnectionError('The client is closed; no new turn can start', { taskId, retryable: false }));
      // The common case: nothing waits and a connection of this task is free (lingering): take it.
      const free = this.#queue.length === 0 ? this.#freeSlot((slot) => slot.taskId === taskId) : undefined;
      if (free) return this.#run(this.#take(free), taskId, json);
      return this.#lease(taskId).pipe(mergeMap((slot) => this.#run(slot, taskId, json)));
    });
  }

  /**
   * Closes every connection with 1000 and ends the pool: running and waiting turns error with
   * `AuiConnectionError` (not retryable), later turns too; `state$` emits `'closed'` and completes.
   * Idempotent.
   *
   * @example
   * pool.close();
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const closedError = (taskId: string): AuiError =>
      new AuiConnectionError('The client was closed before the reply was complete', { taskId, retryable: false });
    for (const waiter of this.#queue.splice(0)) waiter.subscriber.error(closedError(waiter.taskId));
    this.#keyReads.forEach((read) => read.unsubscribe());
    for (const slot of this.#slots) {
      slot.stopLinger();
      if (slot.leased) slot.connection.abort(closedError(slot.taskId));
      else slot.connection.close();
    }
    this.#state.next('closed');
    this.#state.complete();
  }

  /** Emits, once, a connection of `taskId` that is now this subscriber's alone; unsubscribing before that leaves the queue. */
  #lease(taskId: string): Observable<PoolSlot> {
    return new Observable<PoolSlot>((subscriber) => {
      const waiter: Waiter = { taskId, subscriber };
      this.#queue.push(waiter);
      this.#pump();
      return () => {
        const index = this.#queue.indexOf(waiter);
        if (index === -1) return;
        this.#queue.splice(index, 1);
        this.#keyReads.get(waiter)?.unsubscribe(); // a key still awaited for it is dropped: nothing is sent
        this.#keyReads.delete(waiter);
        this.#pump();
      };
    });
  }

  /** The turn on its leased connection; the connection goes back clean after `final`, or is closed. */
  #run(slot: PoolSlot, taskId: string, json: string): Observable<StreamEvent> {
    this.#counters.turnsStarted++;
    return new Observable<StreamEvent>((subscriber) => {
      let clean = false;
      const subscription = turnEvents(slot.connection, taskId, json, this.#ctx).subscribe({
        next: (event) => {
          if (event.kind === 'final') {
            // Given back before `final` reaches the consumer: a next turn started on `final` reuses it.
            clean = true;
            this.#giveBack(slot);
          }
          subscriber.next(event);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        if (!clean) this.#discard(slot);
      };
    });
  }

  /** A turn ended with its final frame: the connection is free for the next turn of its task. */
  #giveBack(slot: PoolSlot): void {
    slot.release();
    if (this.#queue.length > 0) this.#pump();
    if (slot.free) this.#free(slot);
  }

  /** A turn ended any other way (error, unsubscribe): its connection is out of step, close it. */
  #discard(slot: PoolSlot): void {
    slot.release();
    slot.connection.close();
    this.#updateState();
  }

  /** Serves waiting turns in order: a free connection of their task, else a new one, else wait. */
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
        // Connections still opening, by task: each will serve one waiting turn of its task.
        const opening = this.#openingByTask();
        for (const waiter of [...this.#queue]) {
          if (this.#closed) break;
          if (!this.#queue.includes(waiter)) continue;
          const free = this.#freeSlot((slot) => slot.taskId === waiter.taskId);
          const coming = opening.get(waiter.taskId) ?? 0;
          if (free) this.#hand(free, waiter);
          else if (coming > 0) opening.set(waiter.taskId, coming - 1);
          else if (this.#slots.size + this.#keyReads.size < this.#options.maxConnections) this.#open(waiter);
          else this.#freeSlot((slot) => slot.taskId !== waiter.taskId)?.connection.close(); // make room
        }
      } while (this.#pumpAgain && !this.#closed);
    } finally {
      this.#pumping = false;
    }
    this.#updateState();
  }

  #openingByTask(): Map<string, number> {
    const opening = new Map<string, number>();
    for (const slot of this.#slots) if (slot.connection.state === 'connecting') opening.set(slot.taskId, (opening.get(slot.taskId) ?? 0) + 1);
    for (const waiter of this.#keyReads.keys()) opening.set(waiter.taskId, (opening.get(waiter.taskId) ?? 0) + 1);
    return opening;
  }

  #freeSlot(match: (slot: PoolSlot) => boolean): PoolSlot | undefined {
    for (const slot of this.#slots) if (slot.free && match(slot)) return slot;
    return undefined;
  }

  /** Gives `slot` to `waiter` (which leaves the queue). */
  #hand(slot: PoolSlot, waiter: Waiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index !== -1) this.#queue.splice(index, 1);
    waiter.subscriber.next(this.#take(slot));
    waiter.subscriber.complete();
  }

  /** Marks `slot` as held by a turn. */
  #take(slot: PoolSlot): PoolSlot {
    return slot.take();
  }

  /** `slot` became free and nothing of its task waits: it lingers `idleLingerMs`, then closes (0: at once). */
  #free(slot: PoolSlot): void {
    const { idleLingerMs, scheduler } = this.#options;
    const close = (): void => {
      slot.connection.close();
      this.#updateState();
    };
    if (idleLingerMs <= 0) close();
    else slot.linger(idleLingerMs, scheduler, close);
  }

  /** Opens a connection for `waiter`'s task (a key still to come holds a place); a key that cannot be read errors that turn instead. */
  #open(waiter: Waiter): void {
    let key: KeyRead;
    try {
      key = this.#options.apiKey.read(waiter.taskId, { phase: 'connect', ms: this.#options.timeouts.connectMs, scheduler: this.#options.scheduler });
    } catch (error) {
      return this.#refuse(waiter, error); // the one key reader of both transports refused it
    }
    if (typeof key !== 'object') return this.#connect(waiter.taskId, key);
    let settled = false; // it may come inside subscribe (a thenable settling in then()): only a key still to come holds a place
    const settle = (): void => void ((settled = true), this.#keyReads.delete(waiter));
    const read = key.subscribe({ next: (k) => (settle(), this.#connect(waiter.taskId, k)), error: (e: unknown) => (settle(), this.#refuse(waiter, e)) });
    if (!settled) this.#keyReads.set(waiter, read);
  }

  /** `waiter`'s turn errors (it leaves the queue) and others are served. */
  #refuse(waiter: Waiter, error: unknown): void {
    const index = this.#queue.indexOf(waiter);
    if (index !== -1) this.#queue.splice(index, 1);
    waiter.subscriber.error(error);
    this.#pump();
  }

  /** A connection for `taskId` with `apiKey` (none: no header, no query parameter). */
  #connect(taskId: string, apiKey: string | undefined): void {
    const options = this.#options;
    const connection = new Connection({
      url: options.wsUrl,
      apiKey: apiKey ?? '', // '' is no key: sessionUrl and createSocket send none
      WebSocket: options.WebSocket,
      scheduler: options.scheduler,
      connectTimeoutMs: options.timeouts.connectMs,
      closeTimeoutMs: options.timeouts.closeMs,
      maxPayloadBytes: options.limits.maxFrameBytes,
    });
    const slot = new PoolSlot(connection, taskId);
    this.#slots.add(slot);
    this.#counters.socketsCreated++;
    this.#counters.maxSockets = Math.max(this.#counters.maxSockets, this.#slots.size);
    // The pool hears `closed` before the turn on the connection does.
    connection.lifecycle$.subscribe((event) => this.#onLifecycle(slot, event));
    connection.start();
  }

  #onLifecycle(slot: PoolSlot, event: ConnectionLifecycle): void {
    if (event.type === 'open') {
      this.#pump(); // the oldest waiting turn of its task takes it
      if (slot.free) this.#free(slot);
      return;
    }
    this.#slots.delete(slot);
    slot.stopLinger();
    this.#counters.strayFrames += slot.connection.strayFrames;
    if (!event.event.opened) this.#failOne(slot, event.event);
    this.#pump();
    this.#updateState();
  }

  /**
   * A connection of `slot`'s task failed to open: the oldest waiting turn of that task that no other
   * opening connection can serve errors with why (so a bad key costs one connection per turn).
   */
  #failOne(slot: PoolSlot, close: SocketCloseEvent): void {
    const waiting = this.#queue.filter((waiter) => waiter.taskId === slot.taskId);
    const head = waiting[0];
    if (head === undefined || waiting.length <= (this.#openingByTask().get(slot.taskId) ?? 0)) return;
    this.#queue.splice(this.#queue.indexOf(head), 1);
    const where = { taskId: head.taskId, secret: slot.connection.apiKey };
    head.subscriber.error(failureError({ source: 'socket', close, maxPayloadBytes: this.#ctx.maxFrameBytes }, where));
  }

  #updateState(): void {
    if (this.#closed) return;
    const states = [...this.#slots].map((slot) => slot.connection.state);
    const next: ConnectionState = aggregateState(this.#keyReads.size > 0 ? [...states, 'connecting'] : states);
    if (this.#state.value !== next) this.#state.next(next);
  }
}

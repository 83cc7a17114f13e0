/**
 * One socket of a {@link ConnectionPool}: the connection, the turn it carries (at most one), and its
 * idle linger.
 *
 * @packageDocumentation
 */
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import type { SocketCloseEvent } from '../../failure-error.js';
import { SocketConnection, type SocketConnectionOptions, type SocketListener, type SocketState } from './socket-connection.js';
import type { TurnHost, TurnStream } from './turn-stream.js';

/** What a {@link PooledSocket} tells its pool. */
export interface PooledSocketOwner {
  /** The socket opened or finished a turn cleanly: give it the next turn, or let it linger. */
  socketFree(socket: PooledSocket): void;
  /** The socket started closing (linger over, turn abandoned or failed): the aggregate state changed. */
  socketClosing(socket: PooledSocket): void;
  /** The socket is gone. Called before the turn it carried (if any) hears about it. */
  socketGone(socket: PooledSocket, event: SocketCloseEvent): void;
  /** A frame arrived while no turn was running (dropped). */
  strayFrame(socket: PooledSocket): void;
}

/** Linger settings of a pooled socket. */
export interface PooledSocketOptions extends SocketConnectionOptions {
  /** How long a free socket stays open, ms (0: close at once). */
  readonly idleLingerMs: number;
}

function lingerWork(this: SchedulerAction<PooledSocket>, socket?: PooledSocket): void {
  socket?.checkLinger(this);
}

function idleWork(this: SchedulerAction<PooledSocket>, socket?: PooledSocket): void {
  socket?.checkIdle(this);
}

/**
 * A socket owned by a pool. It carries one turn at a time: frames go to that turn; a close goes
 * to the pool first (so queued turns get a fresh socket) and then to the turn.
 *
 * Its two timers (the idle linger, and the idle timeout of the turn it carries) are armed once and
 * re-armed lazily: a turn or a frame only records the time, and a timer that fires early re-arms for
 * the time left. Back-to-back turns on a socket therefore create no timer at all, and every deadline
 * stays exact on the scheduler's clock.
 *
 * @example
 * const socket = new PooledSocket(options, pool); socket.connection.start();
 */
export class PooledSocket implements SocketListener, TurnHost {
  /** The turn running on this socket. */
  turn: TurnStream | undefined;
  /** The connection. */
  readonly connection: SocketConnection;
  /** The key this socket connected with. */
  readonly apiKey: string;
  /** The linger timer; it may stay armed while a turn runs (it then finds the socket busy). */
  #linger: Subscription | undefined;
  /** Free and counting the linger since `#freeSince`. */
  #lingering = false;
  #freeSince = 0;
  /** The idle-timeout timer; it may outlive a turn (it then finds no running turn). */
  #idle: Subscription | undefined;
  readonly #scheduler: SchedulerLike;
  readonly #options: PooledSocketOptions;
  readonly #owner: PooledSocketOwner;

  /** Prepares the socket; `connection.start()` opens it. */
  constructor(options: PooledSocketOptions, owner: PooledSocketOwner) {
    this.#options = options;
    this.#owner = owner;
    this.apiKey = options.apiKey;
    this.#scheduler = options.scheduler;
    this.connection = new SocketConnection(options, this);
  }

  /** Connection state. */
  get state(): SocketState {
    return this.connection.state;
  }

  /** Open and not carrying a turn. */
  get free(): boolean {
    return this.turn === undefined && this.connection.state === 'open';
  }

  /** Runs `turn` on this socket (a pending linger timer stays: it will find the socket busy). */
  assign(turn: TurnStream): void {
    this.#lingering = false;
    this.turn = turn;
    turn.start(this);
  }

  /** Starts the idle linger (no-op if already lingering); 0 ms closes at once. */
  startLinger(): void {
    if (this.#lingering || !this.free) return;
    const lingerMs = this.#options.idleLingerMs;
    if (lingerMs <= 0) {
      this.closeSocket();
      return;
    }
    this.#lingering = true;
    this.#freeSince = this.#scheduler.now();
    this.#linger ??= this.#scheduler.schedule(lingerWork, lingerMs, this);
  }

  /** @internal Linger-timer callback: re-arms for the time left, or closes the socket (1000). */
  checkLinger(action: SchedulerAction<PooledSocket>): void {
    if (!this.#lingering || !this.free) {
      this.#linger = undefined; // busy (or closing): the next startLinger arms again
      return;
    }
    const left = this.#freeSince + this.#options.idleLingerMs - this.#scheduler.now();
    if (left > 0) {
      action.schedule(this, left);
      return;
    }
    this.#linger = undefined;
    this.closeSocket();
  }

  /** @internal Idle-timer callback: re-arms for the time the running turn has left, or times it out. */
  checkIdle(action: SchedulerAction<PooledSocket>): void {
    const turn = this.turn;
    const left = turn === undefined ? NaN : turn.idleLeft();
    if (left > 0) {
      action.schedule(this, left);
      return;
    }
    this.#idle = undefined; // no running turn (NaN): the next turn arms again
    if (left <= 0) turn?.idleTimeout();
  }

  /** Closes the socket with 1000 (the turn it carried, if any, must already be dealt with). */
  closeSocket(): void {
    this.#stopTimers();
    this.turn = undefined;
    if (this.connection.state === 'closing' || this.connection.state === 'closed') return;
    this.connection.close(1000);
    this.#owner.socketClosing(this);
  }

  // TurnHost

  /** Sends a frame on the connection. */
  send(text: string): void {
    this.connection.send(text);
  }

  /** Makes sure the idle timer is armed: it fires within `idleMs` and then asks the turn for the time left. */
  watchIdle(idleMs: number): void {
    this.#idle ??= this.#scheduler.schedule(idleWork, idleMs, this);
  }

  /** The turn ended with its final frame: the socket is free for the next turn. */
  release(turn: TurnStream): void {
    if (this.turn !== turn) return;
    this.turn = undefined;
    this.#owner.socketFree(this);
  }

  /** The turn ended leaving the socket out of step: close it. */
  discard(turn: TurnStream): void {
    if (this.turn !== turn) return;
    this.closeSocket();
  }

  // SocketListener

  /** The socket opened: it is free. */
  onOpen(): void {
    this.#owner.socketFree(this);
  }

  /** A frame: to the running turn, or counted as stray. */
  onMessage(data: string): void {
    const turn = this.turn;
    if (turn !== undefined) turn.onMessage(data);
    else this.#owner.strayFrame(this);
  }

  /** The socket is gone: tell the pool first, then the turn it carried. */
  onClose(event: SocketCloseEvent): void {
    this.#stopTimers();
    const turn = this.turn;
    this.turn = undefined;
    this.#owner.socketGone(this, event);
    turn?.onSocketClose(event);
  }

  #stopTimers(): void {
    this.#lingering = false;
    this.#linger?.unsubscribe();
    this.#linger = undefined;
    this.#idle?.unsubscribe();
    this.#idle = undefined;
  }
}

/**
 * One socket of a {@link ConnectionPool}: the connection, the turn it carries (at most one), and its
 * idle linger.
 *
 * @packageDocumentation
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import type { SocketCloseEvent } from './map-close-to-error.js';
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

function lingerWork(this: unknown, socket?: PooledSocket): void {
  socket?.lingerOver();
}

/**
 * A socket owned by a pool. It carries one turn at a time: frames go to that turn; a close goes
 * to the pool first (so queued turns get a fresh socket) and then to the turn.
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
  private linger: Subscription | undefined;
  private readonly scheduler: SchedulerLike;

  /** Prepares the socket; `connection.start()` opens it. */
  constructor(
    private readonly options: PooledSocketOptions,
    private readonly owner: PooledSocketOwner,
  ) {
    this.apiKey = options.apiKey;
    this.scheduler = options.scheduler;
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

  /** Runs `turn` on this socket. */
  assign(turn: TurnStream): void {
    this.stopLinger();
    this.turn = turn;
    turn.start(this);
  }

  /** Starts the idle linger (no-op if already lingering); 0 ms closes at once. */
  startLinger(): void {
    if (this.linger || !this.free) return;
    if (this.options.idleLingerMs <= 0) {
      this.lingerOver();
      return;
    }
    this.linger = this.scheduler.schedule(lingerWork, this.options.idleLingerMs, this);
  }

  /** @internal The linger passed with no turn: close with 1000. */
  lingerOver(): void {
    this.linger = undefined;
    if (this.free) this.closeSocket();
  }

  /** Closes the socket with 1000 (the turn it carried, if any, must already be dealt with). */
  closeSocket(): void {
    this.stopLinger();
    this.turn = undefined;
    if (this.connection.state === 'closing' || this.connection.state === 'closed') return;
    this.connection.close(1000);
    this.owner.socketClosing(this);
  }

  // TurnHost

  /** Sends a frame on the connection. */
  send(text: string): void {
    this.connection.send(text);
  }

  /** The turn ended with its final frame: the socket is free for the next turn. */
  release(turn: TurnStream): void {
    if (this.turn !== turn) return;
    this.turn = undefined;
    this.owner.socketFree(this);
  }

  /** The turn ended leaving the socket out of step: close it. */
  discard(turn: TurnStream): void {
    if (this.turn !== turn) return;
    this.closeSocket();
  }

  // SocketListener

  /** The socket opened: it is free. */
  onOpen(): void {
    this.owner.socketFree(this);
  }

  /** A frame: to the running turn, or counted as stray. */
  onMessage(data: string): void {
    const turn = this.turn;
    if (turn !== undefined) turn.onMessage(data);
    else this.owner.strayFrame(this);
  }

  /** The socket is gone: tell the pool first, then the turn it carried. */
  onClose(event: SocketCloseEvent): void {
    this.stopLinger();
    const turn = this.turn;
    this.turn = undefined;
    this.owner.socketGone(this, event);
    turn?.onSocketClose(event);
  }

  private stopLinger(): void {
    this.linger?.unsubscribe();
    this.linger = undefined;
  }
}

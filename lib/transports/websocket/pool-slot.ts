/**
 * One connection of the pool and what it is doing: the task it serves, whether a turn holds it, and
 * its idle linger.
 *
 * @packageDocumentation
 */
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import type { Connection } from './connection.js';

/**
 * A connection of the pool. It serves the turns of one task, one at a time. Its linger timer is armed
 * when it becomes free and left armed while a turn holds it: when it fires it finds the connection
 * busy and stops, or free for less than the linger and waits for the rest, so back-to-back turns on a
 * connection cost no timer at all.
 *
 * @example
 * const slot = new PoolSlot(connection, 'task-1');
 * slot.take(); // a turn holds it
 * slot.release(); slot.linger(15_000, scheduler, () => connection.close());
 */
export class PoolSlot {
  #leased = false;
  #timer: Subscription | undefined;
  #freeSince = 0;

  /** A slot for `connection`, which serves the turns of `taskId`. */
  constructor(
    /** The connection. */
    readonly connection: Connection,
    /** The task whose turns this connection serves. */
    readonly taskId: string,
  ) {}

  /** Whether a turn holds it. */
  get leased(): boolean {
    return this.#leased;
  }

  /** Open and held by no turn. */
  get free(): boolean {
    return !this.#leased && this.connection.state === 'open';
  }

  /** A turn holds it now (an armed linger timer will find it busy). */
  take(): this {
    this.#leased = true;
    return this;
  }

  /** The turn that held it is done with it. */
  release(): void {
    this.#leased = false;
  }

  /** It became free: after `ms` free (on `scheduler`), `over` runs, unless a turn took it meanwhile. */
  linger(ms: number, scheduler: SchedulerLike, over: () => void): void {
    this.#freeSince = scheduler.now();
    const slot = this;
    this.#timer ??= scheduler.schedule(function (this: SchedulerAction<unknown>) {
      const left = slot.free ? slot.#freeSince + ms - scheduler.now() : NaN;
      if (left > 0) {
        this.schedule(undefined, left);
        return;
      }
      slot.#timer = undefined; // busy or closing (NaN): the next linger arms it again
      if (left <= 0) over();
    }, ms);
  }

  /** Stops the linger timer (the connection is going away). */
  stopLinger(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
  }
}

/**
 * How many WebSocket sessions each user holds open through this relay process, so one user cannot
 * take every upstream connection (`limits.maxSessionsPerUser`; one more is refused with 429).
 *
 * @packageDocumentation
 */

/**
 * Per-user session counts; a user with none is forgotten.
 *
 * @example
 * const sessions = new UserSessions(4);
 * if (!sessions.acquire('u1')) refuse429();
 * // … when the session ends:
 * sessions.release('u1');
 */
export class UserSessions {
  readonly #open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a session slot for `user`; false when the user already holds `max`. */
  acquire(user: string): boolean {
    const n = this.#open.get(user) ?? 0;
    if (n >= this.max) return false;
    this.#open.set(user, n + 1);
    return true;
  }

  /** Gives back a slot taken by {@link acquire}. */
  release(user: string): void {
    const n = this.#open.get(user) ?? 0;
    if (n <= 1) this.#open.delete(user);
    else this.#open.set(user, n - 1);
  }

  /** Sessions `user` holds now. */
  count(user: string): number {
    return this.#open.get(user) ?? 0;
  }

  /** Users holding at least one session. */
  get users(): number {
    return this.#open.size;
  }
}

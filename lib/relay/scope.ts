/**
 * Task ownership, the security core of the relay: may this user read or write this task? The answer
 * comes from upstream (`getTask` on the relay's own `AuiClient`: the task's `user_id`) and is kept in
 * a bounded cache for a short time (a task's owner never changes; the cache only saves lookups).
 * Lookups of the same task at the same time share one request. Only answers that name an owner are
 * cached; a failed lookup is asked again next time.
 *
 * @packageDocumentation
 */
import { firstValueFrom, type SchedulerLike } from 'rxjs';
import type { AuiClient } from '../client.js';
import { isAuiError } from '../errors.js';
import type { AuiRelayOwnershipCache } from './relay-options.js';
import { applicationReply, FORBIDDEN, NOT_AUTHENTICATED, type RelayReply } from './relay-replies.js';

/** What the relay may do with a request about a task. */
export type Verdict =
  /** The task is the user's: forward. */
  | { readonly allowed: true }
  /** Not forwarded: `reply` says why (403 for a foreign or unknown task, or the upstream failure that stopped the lookup). */
  | { readonly allowed: false; readonly reply: RelayReply };

const ALLOWED: Verdict = { allowed: true };
const DENIED: Verdict = { allowed: false, reply: FORBIDDEN };

/** What a lookup found: the owner's user id, or why there is none. */
type Lookup = { readonly owner: string } | { readonly reply: RelayReply };

/**
 * The reply for a lookup that failed: an unknown, foreign or malformed task id is 403 (the relay
 * never says whether another user's task exists); a failure of upstream itself reaches the browser
 * with its status and body, so it is classified (and retried) as the same failure would be against AUI.
 */
export function lookupFailure(error: unknown): RelayReply {
  if (!isAuiError(error)) return applicationReply(502, 'The relay could not check the task');
  const { status, kind } = error;
  if (kind === 'timeout') return applicationReply(504, 'AUI did not answer in time');
  if (kind === 'validation' || status === 403 || status === 404 || status === 422) return FORBIDDEN;
  if (status === 401) return NOT_AUTHENTICATED;
  if (status !== undefined && (status === 429 || status >= 500)) {
    const headers = error.retryAfterMs === undefined ? undefined : { 'retry-after': String(Math.ceil(error.retryAfterMs / 1000)) };
    const reply = error.body !== undefined ? { status, body: error.body } : applicationReply(status, 'AUI failed');
    return headers === undefined ? reply : { ...reply, headers };
  }
  return applicationReply(502, 'The relay could not check the task');
}

/**
 * Who owns which task, with a bounded cache whose clock is `scheduler.now()`.
 *
 * @example
 * const scope = new TaskScope(client, scheduler, { ttlMs: 60_000, maxEntries: 10_000 });
 * const verdict = await scope.check('user-1', taskId); // { allowed: true } or a 403 reply
 */
export class TaskScope {
  readonly #owners = new Map<string, { readonly owner: string; readonly until: number }>();
  readonly #pending = new Map<string, Promise<Lookup>>();

  constructor(
    private readonly client: Pick<AuiClient, 'getTask'>,
    private readonly scheduler: SchedulerLike,
    private readonly cache: Required<AuiRelayOwnershipCache>,
  ) {}

  /** Tasks currently remembered (expired ones included until they are next asked for or pushed out). */
  get size(): number {
    return this.#owners.size;
  }

  /**
   * May `user` use `taskId`? Asks upstream unless a fresh answer is cached. An id with surrounding
   * whitespace is nobody's: the lookup client trims ids, so it would check another task than the one
   * forwarded (`' T'` upstream is not `'T'`); aui-rx clients never send one.
   */
  async check(user: string, taskId: string): Promise<Verdict> {
    if (taskId.trim() !== taskId) return DENIED;
    const lookup = this.#cached(taskId) ?? (await this.#lookup(taskId));
    if ('reply' in lookup) return { allowed: false, reply: lookup.reply };
    return lookup.owner === user ? ALLOWED : DENIED;
  }

  /** Remembers that `owner` owns `taskId` (from a task upstream just created or listed for that user). */
  remember(taskId: string, owner: string): void {
    if (this.cache.ttlMs === 0) return;
    this.#owners.delete(taskId);
    if (this.#owners.size >= this.cache.maxEntries) {
      const oldest = this.#owners.keys().next();
      if (!oldest.done) this.#owners.delete(oldest.value);
    }
    this.#owners.set(taskId, { owner, until: this.scheduler.now() + this.cache.ttlMs });
  }

  /** Forgets every answer. */
  clear(): void {
    this.#owners.clear();
  }

  #cached(taskId: string): Lookup | undefined {
    const entry = this.#owners.get(taskId);
    if (entry === undefined) return undefined;
    if (this.scheduler.now() < entry.until) return entry;
    this.#owners.delete(taskId);
    return undefined;
  }

  #lookup(taskId: string): Promise<Lookup> {
    let pending = this.#pending.get(taskId);
    if (pending === undefined) {
      pending = firstValueFrom(this.client.getTask(taskId)).then(
        (task): Lookup => {
          this.#pending.delete(taskId);
          this.remember(taskId, task.user_id);
          return { owner: task.user_id };
        },
        (error: unknown): Lookup => {
          this.#pending.delete(taskId);
          return { reply: lookupFailure(error) };
        },
      );
      this.#pending.set(taskId, pending);
    }
    return pending;
  }
}

/**
 * The shared retry engine of `retryOn1011` and `retryTransient`: the backoff configuration, the delay
 * formula, and the wiring onto RxJS `retry({ count, delay, resetOnSuccess })`. Every wait is an RxJS
 * `timer` on the configured scheduler, so marble tests see each resubscription frame.
 *
 * @packageDocumentation
 */
import { Observable, asyncScheduler, retry, tap, throwError, timer } from 'rxjs';
import type { OperatorFunction, SchedulerLike } from 'rxjs';
import { isAuiError } from '../errors.js';
import type { RestartStreamEvent, TextStreamEvent } from '../stream-event.js';

/**
 * What a retry operator emits for a source of `T`: `T`, plus a {@link RestartStreamEvent} when `T` can
 * be a `text` {@link TextStreamEvent} (a stream of `StreamEvent`). Any other stream keeps its type: no
 * restart event is ever emitted into it.
 */
export type WithRestart<T> = [Extract<T, TextStreamEvent>] extends [never] ? T : T | RestartStreamEvent;

/** How a retry operator waits between attempts and how many it makes. */
export interface BackoffConfig {
  /**
   * The most resubscriptions after errors (so at most `count + 1` subscriptions); `0` disables retrying,
   * `Infinity` retries for ever.
   * @default 3
   */
  readonly count?: number;
  /**
   * The wait before the first retry, in milliseconds; each further retry doubles it.
   * @default 500
   */
  readonly initialDelayMs?: number;
  /**
   * The cap on any single wait, in milliseconds (also caps an error's `retryAfterMs`).
   * @default 8000
   */
  readonly maxDelayMs?: number;
  /**
   * Full jitter: wait `random() * min(maxDelayMs, initialDelayMs * 2^n)` instead of exactly that value.
   * Never applied to an error's `retryAfterMs`.
   * @default true
   */
  readonly jitter?: boolean;
  /**
   * The random source of the jitter, returning a number in `[0, 1)`; inject one for deterministic tests.
   * @default Math.random (allowed: injectable default)
   */
  readonly random?: () => number;
  /**
   * The scheduler every wait runs on (`timer(ms, scheduler)`). Inside `TestScheduler.run` the default is
   * virtual too.
   * @default asyncScheduler
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Whether a value emitted by the source resets both the retry count and the backoff exponent. Off by
   * default: the budget is per subscription, so text events never refill it and `count: 3` means at
   * most 4 sends of a message. Turn it on for long-lived compositions that should recover again and
   * again.
   * @default false
   */
  readonly resetOnSuccess?: boolean;
  /**
   * Whether to emit a `{ kind: 'restart' }` {@link RestartStreamEvent} before resubscribing when the
   * failed attempt had already emitted `text` stream events, so consumers drop the partial reply.
   * Only ever emitted after a `text` event was seen, so other streams never receive one (and their
   * type says so: see {@link WithRestart}).
   * @default true
   */
  readonly restartEvents?: boolean;
}

/** A {@link BackoffConfig} with every default filled in. */
export interface ResolvedBackoffConfig {
  readonly count: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: boolean;
  readonly random: () => number;
  readonly scheduler: SchedulerLike;
  readonly resetOnSuccess: boolean;
  readonly restartEvents: boolean;
}

/** The defaults of {@link BackoffConfig} (except `random` and `scheduler`). */
export const BACKOFF_DEFAULTS = {
  count: 3,
  initialDelayMs: 500,
  maxDelayMs: 8000,
  jitter: true,
  resetOnSuccess: false,
  restartEvents: true,
} as const;

/** Largest exponent used: keeps `2 ** n` finite so `0 * 2 ** n` stays 0 for any attempt index. */
const MAX_EXPONENT = 1000;

/** Fills in the defaults of a {@link BackoffConfig}. */
export function resolveBackoffConfig(config: BackoffConfig = {}): ResolvedBackoffConfig {
  return {
    count: config.count ?? BACKOFF_DEFAULTS.count,
    initialDelayMs: Math.max(0, config.initialDelayMs ?? BACKOFF_DEFAULTS.initialDelayMs),
    maxDelayMs: Math.max(0, config.maxDelayMs ?? BACKOFF_DEFAULTS.maxDelayMs),
    jitter: config.jitter ?? BACKOFF_DEFAULTS.jitter,
    random: config.random ?? Math.random, // allowed: injectable default
    scheduler: config.scheduler ?? asyncScheduler,
    resetOnSuccess: config.resetOnSuccess ?? BACKOFF_DEFAULTS.resetOnSuccess,
    restartEvents: config.restartEvents ?? BACKOFF_DEFAULTS.restartEvents,
  };
}

/** The `retryAfterMs` an aui-rx error carries, when it is a usable number of milliseconds. */
function serverRetryAfterMs(error: unknown): number | undefined {
  if (!isAuiError(error)) return undefined;
  const ms = error.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/**
 * The wait before retry number `attempt` (0 for the first retry), in whole milliseconds:
 * `min(maxDelayMs, initialDelayMs * 2^attempt)`, times `random()` with jitter (rounded down).
 * An error's `retryAfterMs` replaces the computed value, capped at `maxDelayMs` and never jittered.
 *
 * @example
 * backoffDelay(2, resolveBackoffConfig({ jitter: false })); // 2000
 */
export function backoffDelay(attempt: number, config: ResolvedBackoffConfig, error?: unknown): number {
  const retryAfter = serverRetryAfterMs(error);
  if (retryAfter !== undefined) return Math.min(config.maxDelayMs, retryAfter);
  const exponent = Math.min(Math.max(0, attempt), MAX_EXPONENT);
  const ceiling = Math.min(config.maxDelayMs, config.initialDelayMs * 2 ** exponent);
  if (!config.jitter) return ceiling;
  const r = config.random();
  const unit = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 1;
  return Math.floor(unit * ceiling);
}

/** The task of a `text` StreamEvent (checked structurally, as {@link WithRestart} types it), else undefined. */
function textEventTaskId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Partial<Record<keyof TextStreamEvent, unknown>>;
  const isText = event.kind === 'text' && typeof event.text === 'string' && typeof event.delta === 'string';
  return isText && typeof event.taskId === 'string' ? event.taskId : undefined;
}

function isRestartEvent(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'restart';
}

/**
 * The engine: resubscribes the source after an error for which `shouldRetry` is true, waiting
 * {@link backoffDelay} on the configured scheduler; any other error passes through at once. Built on
 * RxJS `retry({ count, delay, resetOnSuccess })`; the attempt index is `retryCount - 1`, which RxJS
 * resets together with its count when `resetOnSuccess` sees a value, so the exponent resets too.
 *
 * @example
 * source$.pipe(retryWithBackoff((e) => isAuiError(e) && e.status === 503, { count: 2 }));
 */
export function retryWithBackoff<T>(shouldRetry: (error: unknown) => boolean, config: BackoffConfig = {}): OperatorFunction<T, WithRestart<NoInfer<T>>> {
  const options = resolveBackoffConfig(config);
  return (source) =>
    new Observable<WithRestart<T>>((subscriber) => {
      // Per subscription: the task of the last text event since the last (re)start, and restarts so far.
      let partialTaskId: string | undefined;
      let restarts = 0;
      const emitRestartIfPartial = (): void => {
        if (partialTaskId === undefined || !options.restartEvents) return;
        restarts += 1;
        const event: RestartStreamEvent = { kind: 'restart', taskId: partialTaskId, attempt: restarts };
        partialTaskId = undefined;
        // Sent straight to the subscriber, not through `retry`, so it never counts as a success. Only
        // reached after a text event, so `T` includes TextStreamEvent and WithRestart<T> includes it.
        subscriber.next(event as WithRestart<T>);
      };
      return source
        .pipe(
          tap((value) => {
            const taskId = textEventTaskId(value);
            if (taskId !== undefined) partialTaskId = taskId;
            else if (isRestartEvent(value)) partialTaskId = undefined; // an inner retry already restarted
          }),
          retry({
            count: options.count,
            resetOnSuccess: options.resetOnSuccess,
            delay: (error: unknown, retryCount: number) =>
              shouldRetry(error)
                ? timer(backoffDelay(retryCount - 1, options, error), options.scheduler).pipe(tap(emitRestartIfPartial))
                : throwError(() => error),
          }),
        )
        .subscribe({
          // T is one of the members of WithRestart<T>, which TypeScript cannot see through the condition.
          next: (value) => subscriber.next(value as WithRestart<T>),
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
    });
}

/**
 * `retryTransient`: resubscribes after any retryable aui-rx error (server, rate-limit, connection, timeout).
 *
 * @packageDocumentation
 */
import type { OperatorFunction } from 'rxjs';
import { isRetryable } from '../errors.js';
import { retryWithBackoff, type BackoffConfig, type WithRestart } from './backoff.js';

/** Options of {@link retryTransient}: the shared backoff options. */
export type RetryTransientConfig = BackoffConfig;

/**
 * Resubscribes after every error whose `retryable` is true (kinds `server`, `rate-limit`, `connection`,
 * `timeout`; never a close 1008, never a closed client), with the same backoff and per-subscription
 * budget as `retryOn1011`. An error's `retryAfterMs` (HTTP `Retry-After`) replaces the computed wait,
 * capped at `maxDelayMs`, without jitter. Every other error passes through at once.
 *
 * @example
 * client.listTasks({ user_id: 'u1' }).pipe(retryTransient({ count: 5, maxDelayMs: 30_000 }));
 */
export function retryTransient<T>(config: RetryTransientConfig = {}): OperatorFunction<T, WithRestart<NoInfer<T>>> {
  return retryWithBackoff<T>(isRetryable, config);
}

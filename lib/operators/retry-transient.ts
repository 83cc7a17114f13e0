/**
 * `retryTransient`: resubscribes after any retryable aui-rx error (server, rate-limit, connection, timeout).
 *
 * @packageDocumentation
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { isRetryable } from '../errors.js';
import { retryWithBackoff, type BackoffConfig } from './backoff.js';

/** Options of {@link retryTransient}: the shared backoff options. */
export type RetryTransientConfig = BackoffConfig;

/**
 * Resubscribes after every error for which `isRetryable` is true (kinds `server`, `rate-limit`,
 * `connection`, `timeout`; never a close 1008), with the same backoff as `retryOn1011`. An error's
 * `retryAfterMs` (HTTP `Retry-After`) replaces the computed wait, capped at `maxDelayMs`, without jitter.
 * Every other error passes through at once.
 *
 * @example
 * client.listTasks({ user_id: 'u1' }).pipe(retryTransient({ count: 5, maxDelayMs: 30_000 }));
 */
export function retryTransient<T>(config: RetryTransientConfig = {}): MonoTypeOperatorFunction<T> {
  return retryWithBackoff<T>(isRetryable, config);
}

/**
 * `retryOn1011`: resubscribes after a WebSocket close 1011 (server error), with exponential backoff.
 *
 * @packageDocumentation
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { isAuiError } from '../errors.js';
import { retryWithBackoff, type BackoffConfig } from './backoff.js';

/** Options of {@link retryOn1011}: the shared backoff options plus `http`. */
export interface RetryOn1011Config extends BackoffConfig {
  /**
   * Also retry an aui-rx error with an HTTP 5xx `status` and no `closeCode` (a failed REST call).
   * @default false
   */
  readonly http?: boolean;
}

/** Whether `error` is one {@link retryOn1011} retries: close 1011, or (with `http`) an HTTP 5xx. */
export function isRetryableBy1011(error: unknown, http = false): boolean {
  if (!isAuiError(error)) return false;
  if (error.closeCode !== undefined) return error.closeCode === 1011;
  return http && typeof error.status === 'number' && error.status >= 500 && error.status <= 599;
}

/**
 * Resubscribes when an aui-rx error has `closeCode === 1011` (or, with `http: true`, an HTTP 5xx and no
 * close code), waiting `min(maxDelayMs, initialDelayMs * 2^n)` (full jitter by default) before retry `n`.
 * Every other error, 1008 above all, passes through at once. A retried turn that had streamed text
 * first emits a `restart` event (see `accumulateText`).
 *
 * @example
 * client.streamMessage({ task_id, text }).pipe(failFastOn1008(), retryOn1011({ count: 3 }), accumulateText());
 */
export function retryOn1011<T>(config: RetryOn1011Config = {}): MonoTypeOperatorFunction<T> {
  const http = config.http ?? false;
  return retryWithBackoff<T>((error) => isRetryableBy1011(error, http), config);
}

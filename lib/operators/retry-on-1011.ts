/**
 * `retryOn1011`: resubscribes after a WebSocket close 1011 (server error), with exponential backoff.
 *
 * @packageDocumentation
 */
import type { OperatorFunction } from 'rxjs';
import { isServerFailure } from '../failure-policy.js';
import { retryWithBackoff, type BackoffConfig, type WithRestart } from './backoff.js';

/** Options of {@link retryOn1011}: the shared backoff options plus `http`. */
export interface RetryOn1011Config extends BackoffConfig {
  /**
   * Also retry a retryable aui-rx error with an HTTP 5xx `status` and no `closeCode` (a failed REST call).
   * @default false
   */
  readonly http?: boolean;
}

/**
 * Resubscribes when a retryable aui-rx error has `closeCode === 1011` (or, with `http: true`, an HTTP
 * 5xx and no close code), waiting `min(maxDelayMs, initialDelayMs * 2^n)` (full jitter by default)
 * before retry `n`; the failure policy decides (`isServerFailure`). Every other error passes through at
 * once: 1008 above all, and every error whose `retryable` is false whatever its close code (an error
 * frame 400/422 followed by 1011). The budget is per subscription (`count` 3: at most 4 sends). A
 * retried turn that had streamed text first emits a `restart` event (see `accumulateText`); only a
 * stream of `StreamEvent` can receive one, and the result type says so.
 *
 * @example
 * client.streamMessage({ task_id, text }).pipe(failFastOn1008(), retryOn1011({ count: 3 }), accumulateText());
 */
export function retryOn1011<T>(config: RetryOn1011Config = {}): OperatorFunction<T, WithRestart<NoInfer<T>>> {
  const http = config.http ?? false;
  return retryWithBackoff<T>((error) => isServerFailure(error, http), config);
}

/**
 * `failFastOn1008`: lets an authentication failure (close 1008, HTTP/handshake 401/403) through at once
 * and latches, so no downstream retry can open another connection with a bad key.
 *
 * @packageDocumentation
 */
import { Observable } from 'rxjs';
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { AuiError } from '../errors.js';
import { isAuthFailure } from '../failure-policy.js';

/** Options of {@link failFastOn1008}. */
export interface FailFastOn1008Config {
  /**
   * Called once, synchronously, when the operator latches (before the error travels downstream);
   * called again only after {@link FailFastOn1008Operator.reset}. A throw here is reported as an
   * unhandled error and does not stop the original error.
   * @default undefined (nothing is called)
   */
  readonly onFailure?: (error: AuiError) => void;
}

/** The operator returned by {@link failFastOn1008}: a plain operator function carrying its latch. */
export interface FailFastOn1008Operator<T> extends MonoTypeOperatorFunction<T> {
  /** Whether an authentication failure has latched this operator. */
  readonly latched: boolean;
  /** The error that latched this operator, if any. */
  readonly latchedError: AuiError | undefined;
  /** Clears the latch (e.g. after the API key was replaced): the next subscription reaches the source. */
  reset(): void;
}

/**
 * Lets a 1008 close or any `authentication` aui-rx error (the failure policy's `isAuthFailure`) through at once, calls `onFailure` once, and
 * latches: every later subscription through this operator instance (a downstream `retry()`, another
 * subscriber of the same piped Observable, another pipe using the same instance) errors at once with the
 * same error without subscribing the source. The latch lives in the instance: call `failFastOn1008()`
 * again for a fresh one, or `reset()` it. Place it before every retrying operator.
 *
 * @example
 * const authGuard = failFastOn1008({ onFailure: () => router.navigate(['/login']) });
 * reply$ = client.streamMessage(msg).pipe(authGuard, retryOn1011(), accumulateText());
 */
export function failFastOn1008<T>(config: FailFastOn1008Config = {}): FailFastOn1008Operator<T> {
  let latchedError: AuiError | undefined;

  const operator = (source: Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      if (latchedError !== undefined) {
        subscriber.error(latchedError);
        return undefined;
      }
      return source.subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          if (latchedError === undefined && isAuthFailure(error)) {
            latchedError = error;
            try {
              config.onFailure?.(error);
            } finally {
              subscriber.error(error);
            }
            return;
          }
          subscriber.error(error);
        },
        complete: () => subscriber.complete(),
      });
    });

  return Object.defineProperties(operator, {
    latched: { get: () => latchedError !== undefined, enumerable: true },
    latchedError: { get: () => latchedError, enumerable: true },
    reset: {
      value: (): void => {
        latchedError = undefined;
      },
      enumerable: true,
    },
  }) as FailFastOn1008Operator<T>;
}

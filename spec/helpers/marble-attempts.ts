/**
 * A source that hands out one prepared Observable per subscription, so a marble spec can script what each
 * (re)connection does and assert each one's subscription frames.
 */
import { defer, throwError, type Observable } from 'rxjs';

/** Subscription k subscribes `attempts[k]`; a subscription past the end errors (the spec expected fewer). */
export function attemptsOf<T>(...attempts: Observable<T>[]): Observable<T> {
  let next = 0;
  return defer(() => attempts[next++] ?? throwError(() => new Error(`unexpected subscription #${next}`)));
}

/**
 * `accumulateText`: the whole reply text so far, safe under retry.
 *
 * @packageDocumentation
 */
import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { StreamEvent } from '../stream-event.js';

/**
 * Emits the whole reply text so far once per `text` event (its `text`, which the transport keeps per
 * attempt), and `''` on a `restart` event so a view drops the partial reply of a failed attempt at once;
 * `final` events emit nothing. Retrying therefore never duplicates text.
 *
 * @example
 * reply$ = client.streamMessage(msg).pipe(failFastOn1008(), retryOn1011(), accumulateText());
 */
export function accumulateText(): OperatorFunction<StreamEvent, string> {
  return (source) =>
    new Observable<string>((subscriber) =>
      source.subscribe({
        next: (event) => {
          if (event.kind === 'text') subscriber.next(event.text);
          else if (event.kind === 'restart') subscriber.next('');
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

/**
 * `textDeltas`: the text each `text` event of a streamed turn added.
 *
 * @packageDocumentation
 */
import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { StreamEvent } from '../stream-event.js';

/**
 * Emits the `delta` of each `text` event; `final` and `restart` events emit nothing. A string stream cannot
 * say "start over", so after a retried turn (a `restart` event) the deltas begin again from the new
 * reply: consumers who append deltas should use `accumulateText()` (or watch `restart` themselves) when a
 * retry operator is in the pipe.
 *
 * @example
 * client.streamMessage(msg).pipe(textDeltas()).subscribe((delta) => process.stdout.write(delta));
 */
export function textDeltas(): OperatorFunction<StreamEvent, string> {
  return (source) =>
    new Observable<string>((subscriber) =>
      source.subscribe({
        next: (event) => {
          if (event.kind === 'text') subscriber.next(event.delta);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

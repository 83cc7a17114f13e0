/**
 * `streamMessage`: the cold Observable `client.streamMessage` returns, with the restart signal that
 * lets a retried turn tell its consumers to drop the partial text they hold.
 *
 * @packageDocumentation
 */
import { Observable } from 'rxjs';
import type { SendMessageRequest } from '../../protocol/rest.js';
import type { StreamEvent } from '../../stream-event.js';
import type { ConnectionPool } from './connection-pool.js';

/**
 * Streams one turn over `pool`: `text` events (`text` = whole reply so far, `delta` = what the frame
 * added), then one `final` event, then complete; or one error. Cold: nothing happens until
 * subscribe; every subscription is a new turn; unsubscribing ends the turn (and closes its socket).
 *
 * **Restart.** If an earlier subscription *of this same Observable* emitted text and then errored,
 * the next subscription (a resubscription by `retryOn1011()`, `retryTransient()` or `retry()`)
 * first emits `{ kind: 'restart', taskId, attempt }` (`attempt` 1, 2, … counts the restarts of this
 * Observable), then the new turn's events. Consumers must discard the text they hold when they see
 * it; `accumulateText()` does. A subscription that failed before any text needs no restart, and
 * none is emitted for it. The state lives in the returned Observable: calling `streamMessage` again
 * gives a fresh one.
 *
 * @example
 * streamMessage(pool, { task_id, text: 'Which microwave?' })
 *   .pipe(retryOn1011(), accumulateText())
 *   .subscribe((text) => render(text)); // starts over from '' after a restart
 */
export function streamMessage(pool: ConnectionPool, request: SendMessageRequest): Observable<StreamEvent> {
  let restartPending = false;
  let restarts = 0;
  return new Observable<StreamEvent>((subscriber) => {
    if (restartPending) {
      restartPending = false;
      restarts += 1;
      subscriber.next({ kind: 'restart', taskId: String(request.task_id).trim(), attempt: restarts });
    }
    let sawText = false;
    return pool.turn(request).subscribe({
      next(event) {
        if (!sawText && event.kind === 'text') sawText = true;
        subscriber.next(event);
      },
      error(error: unknown) {
        // Set before erroring: a retry resubscribes synchronously from inside `error`.
        if (sawText) restartPending = true;
        subscriber.error(error);
      },
      complete() {
        subscriber.complete();
      },
    });
  });
}

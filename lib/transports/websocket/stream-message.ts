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
import type { TurnStream } from './turn-stream.js';

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
  const taskId = typeof request?.task_id === 'string' ? request.task_id.trim() : '';
  const onError = (turn: TurnStream): void => {
    // Runs before the error is delivered: a retry resubscribes synchronously from inside `error`.
    if (turn.emittedText) restartPending = true;
  };
  return new Observable<StreamEvent>((subscriber) => {
    if (restartPending) {
      restartPending = false;
      restarts += 1;
      subscriber.next({ kind: 'restart', taskId, attempt: restarts });
    }
    // The turn emits straight to `subscriber`: no extra layer on the per-frame path.
    return pool.runTurn(request, subscriber, onError);
  });
}

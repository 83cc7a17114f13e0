/**
 * `finalMessage`: the complete reply of a streamed turn.
 *
 * @packageDocumentation
 */
import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { AuiProtocolError } from '../errors.js';
import type { AgentMessage } from '../protocol/rest.js';
import type { StreamEvent } from '../stream-event.js';

/**
 * Emits the `message` of the `final` event and completes at once (unsubscribing the source). If the
 * stream completes without a `final` event it errors with an `AuiProtocolError` (not retryable: the
 * transport reports lost connections itself, and a retry would send the user's message again).
 *
 * @example
 * client.streamMessage(msg).pipe(retryOn1011(), finalMessage()).subscribe((m) => render(m.cards));
 */
export function finalMessage(): OperatorFunction<StreamEvent, AgentMessage> {
  return (source) =>
    new Observable<AgentMessage>((subscriber) => {
      let taskId: string | undefined;
      return source.subscribe({
        next: (event) => {
          taskId = event.taskId;
          if (event.kind !== 'final') return;
          subscriber.next(event.message);
          subscriber.complete();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () =>
          subscriber.error(
            new AuiProtocolError('The stream completed without a final message', { taskId }),
          ),
      });
    });
}

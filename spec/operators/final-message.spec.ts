import { AuiConnectionError, AuiProtocolError, AuiServerError, isAuiError } from '../../lib/errors.js';
import type { StreamEvent } from '../../lib/stream-event.js';
import { finalMessage } from '../../lib/operators/final-message.js';
import { retryOn1011 } from '../../lib/operators/retry-on-1011.js';
import { attemptsOf } from '../helpers/marble-attempts.js';
import { agentMessage, finalEvent, restartEvent, textEvent, TASK_ID } from '../helpers/marble-events.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

const events = { a: textEvent('Hel', 'Hel'), b: textEvent('Hello', 'lo'), f: finalEvent('Hello'), r: restartEvent(1) };

describe('finalMessage', () => {
  it('emits the final message and completes with it', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-(f|)', events);
      expectObservable(source.pipe(finalMessage())).toBe('-----(m|)', { m: agentMessage('Hello') });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('completes right after final, unsubscribing a source that would go on', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-f------a-|', events);
      expectObservable(source.pipe(finalMessage())).toBe('-(m|)', { m: agentMessage('Hello') });
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('errors with an AuiProtocolError (not retryable) when the stream completes without final', () => {
    let failure: unknown;
    createTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-|', events);
      expectObservable(source.pipe(finalMessage())).toBe(
        '-----#',
        undefined,
        new AuiProtocolError('The stream completed without a final message', { taskId: TASK_ID }),
      );
      source.pipe(finalMessage()).subscribe({ error: (e: unknown) => (failure = e) });
    });
    expect(failure).toBeInstanceOf(AuiProtocolError);
    expect(isAuiError(failure) && failure.kind).toBe('protocol');
    expect(isAuiError(failure) && failure.retryable).toBe(false);
    expect(isAuiError(failure) && failure.taskId).toBe(TASK_ID);
  });

  it('errors the same way for an empty stream (no taskId known)', () => {
    let failure: unknown;
    createTestScheduler().run(({ cold }) => {
      cold<StreamEvent>('--|').pipe(finalMessage()).subscribe({ error: (e: unknown) => (failure = e) });
    });
    expect(failure).toBeInstanceOf(AuiProtocolError);
    expect(isAuiError(failure) && failure.taskId).toBeUndefined();
  });

  it('passes errors through and ignores restart events', () => {
    const lost = new AuiConnectionError('lost', { closeCode: 1006 });
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-#', events, lost).pipe(finalMessage())).toBe('---#', undefined, lost);
      expectObservable(cold('-a-r-b-(f|)', events).pipe(finalMessage())).toBe('-------(m|)', { m: agentMessage('Hello') });
    });
  });

  it('waits through retryOn1011 for the final message of the retried turn', () => {
    const err1011 = new AuiServerError('internal error', { closeCode: 1011 });
    createTestScheduler().run(({ cold, expectObservable }) => {
      const source = attemptsOf(cold('-a-#', events, err1011), cold('-a-b-(f|)', events));
      expectObservable(source.pipe(retryOn1011({ jitter: false }), finalMessage())).toBe('508ms (m|)', { m: agentMessage('Hello') });
    });
  });
});

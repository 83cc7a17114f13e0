import { AuiServerError } from '../../lib/errors.js';
import { accumulateText } from '../../lib/operators/accumulate-text.js';
import { retryOn1011 } from '../../lib/operators/retry-on-1011.js';
import { attemptsOf } from '../helpers/marble-attempts.js';
import { finalEvent, restartEvent, textEvent } from '../helpers/marble-events.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

const events = {
  a: textEvent('Hel', 'Hel'),
  b: textEvent('Hello', 'lo'),
  c: textEvent('Hello!', '!'),
  f: finalEvent('Hello!'),
  r: restartEvent(1),
  x: textEvent('Hi', 'Hi'),
};

describe('accumulateText', () => {
  it('emits the whole text so far once per text event, nothing for final', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-c-(f|)', events).pipe(accumulateText())).toBe('-a-b-c-|', { a: 'Hel', b: 'Hello', c: 'Hello!' });
    });
  });

  it("emits '' on a restart event, then the text of the new attempt", () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-r-x-|', events).pipe(accumulateText())).toBe('-a-b-r-x-|', { a: 'Hel', b: 'Hello', r: '', x: 'Hi' });
    });
  });

  it('never duplicates text when retryOn1011 retries a turn that had streamed text', () => {
    const err1011 = new AuiServerError('internal error', { closeCode: 1011 });
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('-a-b-#', events, err1011);
      const second = cold('-a-b-c-(f|)', events);
      const reply$ = attemptsOf(first, second).pipe(retryOn1011({ jitter: false }), accumulateText());
      // failed at 5 → wait 500 → restart ('') and reconnect at 505
      expectObservable(reply$).toBe('-a-b 501ms r a-b-c-|', { a: 'Hel', b: 'Hello', c: 'Hello!', r: '' });
      expectSubscriptions(second.subscriptions).toBe('505ms ^------!');
    });
  });

  it('passes errors through', () => {
    const err = new AuiServerError('boom', { closeCode: 1011 });
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-#', events, err).pipe(accumulateText())).toBe('-a-#', { a: 'Hel' }, err);
    });
  });
});

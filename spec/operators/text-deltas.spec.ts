import { AuiServerError } from '../../lib/errors.js';
import { retryOn1011 } from '../../lib/operators/retry-on-1011.js';
import { textDeltas } from '../../lib/operators/text-deltas.js';
import { attemptsOf } from '../helpers/marble-attempts.js';
import { finalEvent, restartEvent, textEvent } from '../helpers/marble-events.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

const events = {
  a: textEvent('Hel', 'Hel'),
  b: textEvent('Hello', 'lo'),
  c: textEvent('Hello!', '!'),
  e: textEvent('Hello!', ''),
  f: finalEvent('Hello!'),
  r: restartEvent(1),
};

describe('textDeltas', () => {
  it('emits each text event delta, and nothing for the final event', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c-(f|)', events);
      expectObservable(source.pipe(textDeltas())).toBe('-a-b-c-|', { a: 'Hel', b: 'lo', c: '!' });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('emits an empty delta as is (one value per text event)', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-e-|', events).pipe(textDeltas())).toBe('-a-e-|', { a: 'Hel', e: '' });
    });
  });

  it('skips restart events: the deltas of the new attempt follow', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-r-b-|', events).pipe(textDeltas())).toBe('-a---b-|', { a: 'Hel', b: 'lo' });
    });
  });

  it('under retryOn1011 repeats the text of the retried turn (use accumulateText to avoid duplication)', () => {
    const err1011 = new AuiServerError('internal error', { closeCode: 1011 });
    const v = { ...events, x: textEvent('Hel', 'Hel') };
    createTestScheduler().run(({ cold, expectObservable }) => {
      const source = attemptsOf(cold('-a-#', v, err1011), cold('-x-b-c-(f|)', v));
      expectObservable(source.pipe(retryOn1011({ jitter: false }), textDeltas())).toBe('-a 501ms -a-b-c-|', { a: 'Hel', b: 'lo', c: '!' });
    });
  });

  it('passes errors through', () => {
    const err = new AuiServerError('boom', { closeCode: 1011 });
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-#', events, err).pipe(textDeltas())).toBe('-a-#', { a: 'Hel' }, err);
    });
  });
});

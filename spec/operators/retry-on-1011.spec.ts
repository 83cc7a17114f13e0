import { asyncScheduler } from 'rxjs';
import {
  AuiApplicationError,
  AuiAuthenticationError,
  AuiConnectionError,
  AuiProtocolError,
  AuiServerError,
  AuiTimeoutError,
} from '../../lib/errors.js';
import { isRetryableBy1011, retryOn1011 } from '../../lib/operators/retry-on-1011.js';
import { attemptsOf } from '../helpers/marble-attempts.js';
import { finalEvent, restartEvent, textEvent } from '../helpers/marble-events.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

const err1011 = new AuiServerError('internal error', { closeCode: 1011 });
const err1008 = new AuiAuthenticationError('invalid API key', { closeCode: 1008 });

describe('retryOn1011', () => {
  it('retries a 1011 with exact backoff 500, 1000, 2000 when jitter is off, then errors', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1011);
      expectObservable(source.pipe(retryOn1011({ jitter: false }))).toBe('3508ms #', undefined, err1011);
      // fails at 2 → +500 → 502; fails at 504 → +1000 → 1504; fails at 1506 → +2000 → 3506; fails at 3508: 3 retries used
      expectSubscriptions(source.subscriptions).toBe(['^-!', '502ms ^-!', '1504ms ^-!', '3506ms ^-!']);
    });
  });

  it('completes when a retry succeeds', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('--#', undefined, err1011);
      const second = cold('--#', undefined, err1011);
      const third = cold('-a-|');
      const source = attemptsOf(first, second, third);
      expectObservable(source.pipe(retryOn1011({ jitter: false }))).toBe('1505ms a-|');
      expectSubscriptions(first.subscriptions).toBe('^-!');
      expectSubscriptions(second.subscriptions).toBe('502ms ^-!');
      expectSubscriptions(third.subscriptions).toBe('1504ms ^--!');
    });
  });

  it('applies full jitter with the injected random: 0.5 → 250, 500, 1000', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1011);
      expectObservable(source.pipe(retryOn1011({ random: () => 0.5 }))).toBe('1758ms #', undefined, err1011);
      expectSubscriptions(source.subscriptions).toBe(['^-!', '252ms ^-!', '754ms ^-!', '1756ms ^-!']);
    });
  });

  it('draws one random number per retry', () => {
    const draws = [0, 0.25, 0.9995];
    const random = jest.fn(() => draws.shift() ?? 1);
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1011);
      expectObservable(source.pipe(retryOn1011({ random }))).toBe('2257ms #', undefined, err1011);
      // 0 * 500 = 0 → resubscribe in the same frame; 0.25 * 1000 = 250; floor(0.9995 * 2000) = 1999
      expectSubscriptions(source.subscriptions).toBe(['^-!', '2ms ^-!', '254ms ^-!', '2255ms ^-!']);
    });
    expect(random).toHaveBeenCalledTimes(3);
  });

  it('caps each wait at maxDelayMs', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1011);
      const retried = source.pipe(retryOn1011({ count: 5, jitter: false, maxDelayMs: 1500 }));
      expectObservable(retried).toBe('6012ms #', undefined, err1011);
      // waits 500, 1000, 1500 (not 2000), 1500, 1500
      expectSubscriptions(source.subscriptions).toBe(['^-!', '502ms ^-!', '1504ms ^-!', '3006ms ^-!', '4508ms ^-!', '6010ms ^-!']);
    });
  });

  it('caps the jittered ceiling too (default maxDelayMs 8000)', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#', undefined, err1011);
      // ceilings 500, 1000, 2000, 4000, 8000, 8000 → halves 250, 500, 1000, 2000, 4000, 4000
      expectObservable(source.pipe(retryOn1011({ count: 6, random: () => 0.5 }))).toBe('11757ms #', undefined, err1011);
      expectSubscriptions(source.subscriptions).toBe([
        '^!',
        '251ms ^!',
        '752ms ^!',
        '1753ms ^!',
        '3754ms ^!',
        '7755ms ^!',
        '11756ms ^!',
      ]);
    });
  });

  it('resetOnSuccess (default): an emission resets the count and the exponent', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = [
        cold('-#', undefined, err1011),
        cold('-#', undefined, err1011),
        cold('-x-#', undefined, err1011),
        cold('-#', undefined, err1011),
        cold('-#', undefined, err1011),
      ] as const;
      expectObservable(attemptsOf(...a).pipe(retryOn1011({ count: 2, jitter: false }))).toBe('1503ms x 1503ms #', undefined, err1011);
      expectSubscriptions(a[0].subscriptions).toBe('^!'); // fails at 1 → 500 (n=0)
      expectSubscriptions(a[1].subscriptions).toBe('501ms ^!'); // fails at 502 → 1000 (n=1)
      expectSubscriptions(a[2].subscriptions).toBe('1502ms ^--!'); // x resets; fails at 1505 → 500 (n=0 again)
      expectSubscriptions(a[3].subscriptions).toBe('2005ms ^!'); // fails at 2006 → 1000 (n=1)
      expectSubscriptions(a[4].subscriptions).toBe('3006ms ^!'); // fails at 3007: 2 retries since the reset
    });
  });

  it('resetOnSuccess: false: the emission does not buy more retries', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = [cold('-#', undefined, err1011), cold('-#', undefined, err1011), cold('-x-#', undefined, err1011), cold('-#')] as const;
      expectObservable(attemptsOf(...a).pipe(retryOn1011({ count: 2, jitter: false, resetOnSuccess: false }))).toBe(
        '1503ms x-#',
        undefined,
        err1011,
      );
      expectSubscriptions(a[2].subscriptions).toBe('1502ms ^--!');
      expectSubscriptions(a[3].subscriptions).toBe([]);
    });
  });

  it('errors with the last error once the count is exhausted', () => {
    const errors = [1, 2, 3, 4].map((k) => new AuiServerError(`attempt ${k}`, { closeCode: 1011 }));
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = errors.map((e) => cold('-#', undefined, e));
      expectObservable(attemptsOf(...a).pipe(retryOn1011({ jitter: false }))).toBe('3504ms #', undefined, errors[3]);
      ['^!', '501ms ^!', '1502ms ^!', '3503ms ^!'].forEach((marbles, k) => expectSubscriptions(a[k]!.subscriptions).toBe(marbles));
    });
    let failure: unknown;
    createTestScheduler().run(({ cold }) => {
      attemptsOf(...errors.map((e) => cold('-#', undefined, e)))
        .pipe(retryOn1011({ jitter: false }))
        .subscribe({ error: (e: unknown) => (failure = e) });
    });
    expect(failure).toBe(errors[3]);
  });

  it('lets a 1008 through untouched: one subscription, error at once', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1008);
      expectObservable(source.pipe(retryOn1011())).toBe('--#', undefined, err1008);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it.each([
    ['a 1008 close on a server-kind error', new AuiServerError('policy', { closeCode: 1008 })],
    ['an abnormal close 1006', new AuiConnectionError('lost', { closeCode: 1006 })],
    ['an HTTP 500 without http: true', new AuiServerError('boom', { status: 500 })],
    ['an HTTP 401', new AuiAuthenticationError('no', { status: 401 })],
    ['a timeout', new AuiTimeoutError('idle', 'idle')],
    ['a protocol error', new AuiProtocolError('bad frame')],
    ['a foreign error with closeCode 1011', Object.assign(new Error('not ours'), { closeCode: 1011 })],
  ])('passes %s through at once', (_name, error) => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-#', undefined, error);
      expectObservable(source.pipe(retryOn1011())).toBe('-a-#', undefined, error);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  describe('http: true', () => {
    it('retries an HTTP 5xx without close code', () => {
      const err503 = new AuiServerError('unavailable', { status: 503 });
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('--#', undefined, err503);
        expectObservable(source.pipe(retryOn1011({ http: true, count: 2, jitter: false }))).toBe('1506ms #', undefined, err503);
        expectSubscriptions(source.subscriptions).toBe(['^-!', '502ms ^-!', '1504ms ^-!']);
      });
    });

    it('still passes 4xx, 1008 and other close codes at once', () => {
      expect(isRetryableBy1011(new AuiApplicationError('moderated', { status: 400 }), true)).toBe(false);
      expect(isRetryableBy1011(new AuiAuthenticationError('no', { status: 403 }), true)).toBe(false);
      expect(isRetryableBy1011(new AuiServerError('frame 500 then close 1008', { status: 500, closeCode: 1008 }), true)).toBe(false);
      expect(isRetryableBy1011(new AuiConnectionError('lost', { status: 502, closeCode: 1006 }), true)).toBe(false);
      expect(isRetryableBy1011(new AuiServerError('frame 500 then 1011', { status: 500, closeCode: 1011 }), false)).toBe(true);
      expect(isRetryableBy1011(new AuiServerError('http 599', { status: 599 }), true)).toBe(true);
      expect(isRetryableBy1011(new AuiServerError('http 599', { status: 599 }), false)).toBe(false);
    });
  });

  describe('scheduler', () => {
    it('waits on the TestScheduler when it is passed explicitly', () => {
      const testScheduler = createTestScheduler();
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('--#', undefined, err1011);
        expectObservable(source.pipe(retryOn1011({ count: 1, jitter: false, scheduler: testScheduler }))).toBe('504ms #', undefined, err1011);
        expectSubscriptions(source.subscriptions).toBe(['^-!', '502ms ^-!']);
      });
    });

    it('virtualises the default asyncScheduler inside run()', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const implicit = cold('--#', undefined, err1011);
        const explicit = cold('--#', undefined, err1011);
        expectObservable(implicit.pipe(retryOn1011({ count: 1, jitter: false }))).toBe('504ms #', undefined, err1011);
        expectObservable(explicit.pipe(retryOn1011({ count: 1, jitter: false, scheduler: asyncScheduler }))).toBe(
          '504ms #',
          undefined,
          err1011,
        );
        expectSubscriptions(implicit.subscriptions).toBe(['^-!', '502ms ^-!']);
        expectSubscriptions(explicit.subscriptions).toBe(['^-!', '502ms ^-!']);
      });
    });
  });

  it('emits a restart event when a turn that had streamed text is retried', () => {
    const v = { a: textEvent('Hel', 'Hel'), r: restartEvent(1), b: textEvent('Hello', 'Hello'), f: finalEvent('Hello') };
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('-a-#', v, err1011);
      const second = cold('-b-(f|)', v);
      expectObservable(attemptsOf(first, second).pipe(retryOn1011({ jitter: false }))).toBe('-a 501ms r b-(f|)', v);
      expectSubscriptions(first.subscriptions).toBe('^--!');
      expectSubscriptions(second.subscriptions).toBe('503ms ^--!');
    });
  });

  it('stops waiting when the consumer unsubscribes during a backoff', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1011);
      expectObservable(source.pipe(retryOn1011({ jitter: false })), '^ 300ms !').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });
});

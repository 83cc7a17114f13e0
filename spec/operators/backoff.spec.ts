import { VirtualTimeScheduler, asyncScheduler, defer, throwError } from 'rxjs';
import { AuiConnectionError, AuiRateLimitError, AuiServerError } from '../../lib/errors.js';
import { BACKOFF_DEFAULTS, backoffDelay, resolveBackoffConfig, retryWithBackoff } from '../../lib/operators/backoff.js';
import { finalEvent, restartEvent, textEvent } from '../helpers/marble-events.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

const err1011 = new AuiServerError('server error', { closeCode: 1011 });
const always = (): boolean => true;

describe('resolveBackoffConfig', () => {
  it('fills the documented defaults', () => {
    const resolved = resolveBackoffConfig();
    expect(resolved).toMatchObject({ count: 3, initialDelayMs: 500, maxDelayMs: 8000, jitter: true, resetOnSuccess: false, restartEvents: true });
    expect(resolved.scheduler).toBe(asyncScheduler);
    expect(typeof resolved.random).toBe('function');
    expect(BACKOFF_DEFAULTS).toEqual({ count: 3, initialDelayMs: 500, maxDelayMs: 8000, jitter: true, resetOnSuccess: false, restartEvents: true });
  });
});

describe('backoffDelay', () => {
  const exact = resolveBackoffConfig({ jitter: false });

  it('doubles from initialDelayMs and caps at maxDelayMs (jitter off)', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, exact))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('stays finite and capped for huge attempt indexes, and 0 with initialDelayMs 0', () => {
    expect(backoffDelay(5000, exact)).toBe(8000);
    expect(backoffDelay(5000, resolveBackoffConfig({ jitter: false, initialDelayMs: 0 }))).toBe(0);
  });

  it('applies full jitter: floor(random() * min(max, initial * 2^n))', () => {
    const config = resolveBackoffConfig({ random: () => 0.5 });
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, config))).toEqual([250, 500, 1000, 2000, 4000, 4000]);
    expect(backoffDelay(2, resolveBackoffConfig({ random: () => 0.9999 }))).toBe(1999);
    expect(backoffDelay(2, resolveBackoffConfig({ random: () => 0 }))).toBe(0);
  });

  it('clamps a misbehaving random into [0, 1]', () => {
    expect(backoffDelay(0, resolveBackoffConfig({ random: () => 7 }))).toBe(500);
    expect(backoffDelay(0, resolveBackoffConfig({ random: () => -1 }))).toBe(0);
    expect(backoffDelay(0, resolveBackoffConfig({ random: () => Number.NaN }))).toBe(500);
  });

  it('lets an error retryAfterMs replace the computed delay, capped, never jittered', () => {
    const jittered = resolveBackoffConfig({ random: () => 0 });
    expect(backoffDelay(3, jittered, new AuiRateLimitError('slow', { retryAfterMs: 1200 }))).toBe(1200);
    expect(backoffDelay(0, jittered, new AuiRateLimitError('slow', { retryAfterMs: 60_000 }))).toBe(8000);
    expect(backoffDelay(0, jittered, new AuiRateLimitError('slow', { retryAfterMs: 0 }))).toBe(0);
    // Not an aui-rx error: its retryAfterMs is not trusted.
    expect(backoffDelay(0, exact, { retryAfterMs: 1 })).toBe(500);
  });
});

describe('retryWithBackoff', () => {
  it('waits on the injected scheduler (a VirtualTimeScheduler, outside TestScheduler.run)', () => {
    const scheduler = new VirtualTimeScheduler();
    const subscribedAt: number[] = [];
    const source = defer(() => {
      subscribedAt.push(scheduler.now());
      return throwError(() => err1011);
    });
    let failure: unknown;
    source.pipe(retryWithBackoff(always, { jitter: false, scheduler })).subscribe({ error: (e: unknown) => (failure = e) });
    expect(subscribedAt).toEqual([0]);
    expect(failure).toBeUndefined();
    scheduler.flush();
    expect(subscribedAt).toEqual([0, 500, 1500, 3500]);
    expect(failure).toBe(err1011);
  });

  it('passes an error the predicate rejects at once, without waiting or resubscribing', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1011);
      expectObservable(source.pipe(retryWithBackoff(() => false))).toBe('--#', undefined, err1011);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('does nothing with count 0', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-#', undefined, err1011);
      expectObservable(source.pipe(retryWithBackoff(always, { count: 0 }))).toBe('-a-#', undefined, err1011);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('with resetOnSuccess: false keeps counting and doubling across emissions', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempts = [cold('-#', undefined, err1011), cold('-a-#', undefined, err1011), cold('-#', undefined, err1011)];
      let i = 0;
      const source = defer(() => attempts[i++]!);
      // 0: error at 1, wait 500 (n=0); 501: a at 502, error at 504, wait 1000 (n=1); 1504: error at 1505, wait 2000 (n=2) …
      expectObservable(source.pipe(retryWithBackoff(always, { jitter: false, resetOnSuccess: false, count: 2 }))).toBe(
        '502ms a 1002ms #',
        undefined,
        err1011,
      );
      expectSubscriptions(attempts[0]!.subscriptions).toBe('^!');
      expectSubscriptions(attempts[1]!.subscriptions).toBe('501ms ^--!');
      expectSubscriptions(attempts[2]!.subscriptions).toBe('1504ms ^!');
    });
  });

  it('with resetOnSuccess: true resets the exponent with the count after an emission (n restarts at 0)', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempts = [
        cold('-#', undefined, err1011), // fails at 1 → wait 500 (n=0)
        cold('-#', undefined, err1011), // 501, fails at 502 → wait 1000 (n=1)
        cold('-a-#', undefined, err1011), // 1502, a at 1503 resets; fails at 1505 → wait 500 (n=0 again)
        cold('-#', undefined, err1011), // 2005, fails at 2006 → wait 1000 (n=1)
        cold('-#', undefined, err1011), // 3006, fails at 3007 → 2 retries since the reset: error
      ];
      let i = 0;
      const source = defer(() => attempts[i++]!);
      expectObservable(source.pipe(retryWithBackoff(always, { jitter: false, count: 2, resetOnSuccess: true }))).toBe('1503ms a 1503ms #', undefined, err1011);
      ['^!', '501ms ^!', '1502ms ^--!', '2005ms ^!', '3006ms ^!'].forEach((marbles, k) => expectSubscriptions(attempts[k]!.subscriptions).toBe(marbles));
    });
  });

  describe('restart events', () => {
    const e1011 = err1011;
    const values = {
      a: textEvent('Hel', 'Hel'),
      b: textEvent('Hello', 'Hello'),
      c: textEvent('Hello!', '!'),
      f: finalEvent('Hello!'),
      r: restartEvent(1),
      s: restartEvent(2),
    };

    it('emits a restart right before resubscribing when the failed attempt had streamed text', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const attempts = [cold('-a-#', values, e1011), cold('-b-c-(f|)', values)];
        let i = 0;
        const source = defer(() => attempts[i++]!);
        expectObservable(source.pipe(retryWithBackoff(always, { jitter: false }))).toBe('-a 501ms r b-c-(f|)', values);
        expectSubscriptions(attempts[0]!.subscriptions).toBe('^--!');
        expectSubscriptions(attempts[1]!.subscriptions).toBe('503ms ^----!');
      });
    });

    it('emits no restart when the failed attempt had emitted no text', () => {
      createTestScheduler().run(({ cold, expectObservable }) => {
        const attempts = [cold('-#', values, e1011), cold('-b-(f|)', values)];
        let i = 0;
        const source = defer(() => attempts[i++]!);
        expectObservable(source.pipe(retryWithBackoff(always, { jitter: false }))).toBe('502ms b-(f|)', values);
      });
    });

    it('numbers restarts per subscription and only after new text', () => {
      createTestScheduler().run(({ cold, expectObservable }) => {
        const attempts = [cold('-a-#', values, e1011), cold('-#', values, e1011), cold('-b#', values, e1011), cold('-c-(f|)', values)];
        let i = 0;
        const source = defer(() => attempts[i++]!);
        // 0: a@1, err@3 → r@503 (n=0); err@504, no new text → wait 1000 (n=1) → 1504: b@1505 (refills
        // nothing: the budget is per subscription), err@1506 → wait 2000 (n=2) → s@3506
        expectObservable(source.pipe(retryWithBackoff(always, { jitter: false }))).toBe('-a 501ms r 1001ms b 2000ms s c-(f|)', values);
      });
    });

    it('does not count a restart as a success for resetOnSuccess', () => {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const attempts = [cold('-a-#', values, e1011), cold('-#', values, e1011), cold('-#', values, e1011)];
        let i = 0;
        const source = defer(() => attempts[i++]!);
        // a resets; err@3 → r + resubscribe @503 (n=0); err@504 → n=1: 1000 → 1504; err@1505 → 2 retries used
        expectObservable(source.pipe(retryWithBackoff(always, { jitter: false, count: 2, resetOnSuccess: true }))).toBe('-a 501ms r 1001ms #', values, e1011);
        expectSubscriptions(attempts[2]!.subscriptions).toBe('1504ms ^!');
      });
    });

    it('can be turned off with restartEvents: false', () => {
      createTestScheduler().run(({ cold, expectObservable }) => {
        const attempts = [cold('-a-#', values, e1011), cold('-b-(f|)', values)];
        let i = 0;
        const source = defer(() => attempts[i++]!);
        expectObservable(source.pipe(retryWithBackoff(always, { jitter: false, restartEvents: false }))).toBe('-a 501ms -b-(f|)', values);
      });
    });

    it('does not restart twice when an inner retry already restarted', () => {
      createTestScheduler().run(({ cold, expectObservable }) => {
        // An inner operator already announced the restart, then the attempt failed before any new text.
        const upstream = cold('-a-r-#', values, new AuiConnectionError('lost', { closeCode: 1006 }));
        const attempts = [upstream, cold('-b-(f|)', values)];
        let i = 0;
        const source = defer(() => attempts[i++]!);
        expectObservable(source.pipe(retryWithBackoff(always, { jitter: false }))).toBe('-a-r 501ms -b-(f|)', values);
      });
    });
  });
});

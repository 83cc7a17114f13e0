import {
  AuiApplicationError,
  AuiAuthenticationError,
  AuiConnectionError,
  AuiProtocolError,
  AuiRateLimitError,
  AuiServerError,
  AuiTimeoutError,
  AuiValidationError,
} from '../../lib/errors.js';
import { retryTransient } from '../../lib/operators/retry-transient.js';
import { attemptsOf } from '../helpers/marble-attempts.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

describe('retryTransient', () => {
  it.each([
    ['server (HTTP 500)', new AuiServerError('boom', { status: 500 })],
    ['server (close 1011)', new AuiServerError('boom', { closeCode: 1011 })],
    ['rate-limit without Retry-After', new AuiRateLimitError('slow down', { status: 429 })],
    ['connection (close 1006)', new AuiConnectionError('lost', { closeCode: 1006 })],
    ['timeout', new AuiTimeoutError('no frame', 'idle')],
  ])('retries %s with the computed backoff', (_name, error) => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, error);
      expectObservable(source.pipe(retryTransient({ count: 2, jitter: false }))).toBe('1506ms #', undefined, error);
      expectSubscriptions(source.subscriptions).toBe(['^-!', '502ms ^-!', '1504ms ^-!']);
    });
  });

  it.each([
    ['authentication', new AuiAuthenticationError('bad key', { status: 401 })],
    ['authentication (close 1008)', new AuiAuthenticationError('bad key', { closeCode: 1008 })],
    ['a server-kind error closed with 1008', new AuiServerError('policy', { closeCode: 1008 })],
    ['a connection-kind error closed with 1008', new AuiConnectionError('policy', { closeCode: 1008 })],
    ['validation', new AuiValidationError('bad task_id', { status: 422 })],
    ['application', new AuiApplicationError('moderated', { status: 400 })],
    ['protocol', new AuiProtocolError('not JSON')],
    ['a foreign Error', new Error('not ours')],
  ])('does not retry %s: one subscription, error at once', (_name, error) => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-#', undefined, error);
      expectObservable(source.pipe(retryTransient())).toBe('-a-#', undefined, error);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('waits an error retryAfterMs instead of the backoff, without jitter', () => {
    const slowDown = new AuiRateLimitError('slow down', { status: 429, retryAfterMs: 3000 });
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, slowDown);
      // random() = 0 would make every computed wait 0: the 3000 ms show it is not jittered
      expectObservable(source.pipe(retryTransient({ count: 2, random: () => 0 }))).toBe('6006ms #', undefined, slowDown);
      expectSubscriptions(source.subscriptions).toBe(['^-!', '3002ms ^-!', '6004ms ^-!']);
    });
  });

  it('caps retryAfterMs at maxDelayMs (default 8000)', () => {
    const slowDown = new AuiRateLimitError('slow down', { status: 429, retryAfterMs: 120_000 });
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, slowDown);
      expectObservable(source.pipe(retryTransient({ count: 1 }))).toBe('8004ms #', undefined, slowDown);
      expectSubscriptions(source.subscriptions).toBe(['^-!', '8002ms ^-!']);
    });
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, slowDown);
      expectObservable(source.pipe(retryTransient({ count: 1, maxDelayMs: 2000 }))).toBe('2004ms #', undefined, slowDown);
      expectSubscriptions(source.subscriptions).toBe(['^-!', '2002ms ^-!']);
    });
  });

  it('uses retryAfterMs only for the error that carries it', () => {
    const slowDown = new AuiRateLimitError('slow down', { status: 429, retryAfterMs: 1200 });
    const lost = new AuiConnectionError('lost', { closeCode: 1006 });
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = [cold('-#', undefined, slowDown), cold('-#', undefined, lost), cold('-|')] as const;
      expectObservable(attemptsOf(...a).pipe(retryTransient({ jitter: false }))).toBe('2203ms |');
      expectSubscriptions(a[0].subscriptions).toBe('^!'); // fails at 1 → Retry-After 1200
      expectSubscriptions(a[1].subscriptions).toBe('1201ms ^!'); // fails at 1202 → n=1: 1000
      expectSubscriptions(a[2].subscriptions).toBe('2202ms ^!');
    });
  });

  it('stops at the first non-retryable error even with retries left', () => {
    const lost = new AuiConnectionError('lost', { closeCode: 1006 });
    const badKey = new AuiAuthenticationError('bad key', { closeCode: 1008 });
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = [cold('-#', undefined, lost), cold('-#', undefined, badKey), cold('-|')] as const;
      expectObservable(attemptsOf(...a).pipe(retryTransient({ jitter: false, count: 5 }))).toBe('502ms #', undefined, badKey);
      expectSubscriptions(a[1].subscriptions).toBe('501ms ^!');
      expectSubscriptions(a[2].subscriptions).toBe([]);
    });
  });
});

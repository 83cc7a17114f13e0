import { Subject, throwError, timeout } from 'rxjs';
import { idleTimeout } from '../../lib/internal/idle-timeout.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

const idle = new Error('idle');

describe('idleTimeout (timeout({ each }) with one timer)', () => {
  it.each([
    ['silence from the start', '------------'],
    ['values restart the clock', '--a--b---------|'],
    ['a value exactly on the deadline', '-a----b|'],
    ['a value one frame before the deadline', '-a---b-----|'],
    ['completion before the deadline', '--a-|'],
    ['an error passes through', '--a-#'],
  ])('%s: frame for frame what timeout({ each: 5 }) does', (_label, source) => {
    const scheduler = createTestScheduler();
    const reference: string[] = [];
    const ours: string[] = [];
    const record = (log: string[]) => ({
      next: (v: unknown) => void log.push(`${scheduler.now()}:next:${String(v)}`),
      error: (e: unknown) => void log.push(`${scheduler.now()}:error:${(e as Error).message}`),
      complete: () => void log.push(`${scheduler.now()}:complete`),
    });
    scheduler.run(({ cold }) => {
      cold(source).pipe(timeout({ each: 5, with: () => throwError(() => idle) })).subscribe(record(reference));
      cold(source).pipe(idleTimeout(5, scheduler, () => idle)).subscribe(record(ours));
    });
    expect(ours).toEqual(reference);
    expect(ours.length).toBeGreaterThan(0);
  });

  it('keeps one timer however many values arrive (it re-arms only when it fires early)', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const source = new Subject<number>();
      let scheduled = 0;
      const counting = { now: () => scheduler.now(), schedule: (...args: Parameters<typeof scheduler.schedule>) => (scheduled++, scheduler.schedule(...args)) };
      const out = source.pipe(idleTimeout(10, counting, () => idle));
      for (let t = 1; t <= 9; t++) scheduler.schedule(() => source.next(t), t);
      expectObservable(out).toBe('-abcdefghi 9ms #', { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9 }, idle);
      scheduler.schedule(() => expect(scheduled).toBe(1), 9);
    });
  });

  it('unsubscribing stops the timer', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-').pipe(idleTimeout(5, scheduler, () => idle)), '^--!').toBe('-a-');
    });
    expect(scheduler.actions).toHaveLength(0);
  });
});

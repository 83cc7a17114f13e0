import { Observable, lastValueFrom, of, take, throwError, toArray } from 'rxjs';
import { AuiProtocolError, AuiServerError } from '../../lib/errors';
import { walkPages, type WalkedPage } from '../../lib/internal/walk-pages';
import { createTestScheduler } from '../helpers/marble-scheduler';

/** A synchronous pager over `count` items numbered from 1, answering `size` per page, claiming `total`. */
function pager(count: number, size: number, total = count) {
  const requested: number[] = [];
  const fetchPage = (page: number): Observable<WalkedPage<number>> => {
    requested.push(page);
    const first = (page - 1) * size + 1;
    const tasks = Array.from({ length: Math.max(0, Math.min(size, count - first + 1)) }, (_, i) => first + i);
    return of({ tasks, total, size });
  };
  return { requested, fetchPage };
}

describe('walkPages', () => {
  it('emits every item in order and stops after the page that reaches total', async () => {
    const { requested, fetchPage } = pager(7, 3);
    const all = await lastValueFrom(walkPages({ fetchPage, size: 3, maxPages: 100, operation: 'list' }).pipe(toArray()));
    expect(all).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('stops at the first empty page even when total claims more', async () => {
    const { requested, fetchPage } = pager(4, 2, 1_000);
    const all = await lastValueFrom(walkPages({ fetchPage, size: 2, maxPages: 100, operation: 'list' }).pipe(toArray()));
    expect(all).toEqual([1, 2, 3, 4]);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('counts in the smaller size the server echoes', async () => {
    const requested: number[] = [];
    const fetchPage = (page: number) => {
      requested.push(page);
      return of({ tasks: [page * 2 - 1, page * 2].filter((n) => n <= 5), total: 5, size: 2 });
    };
    const all = await lastValueFrom(walkPages({ fetchPage, size: 50, maxPages: 100, operation: 'list' }).pipe(toArray()));
    expect(all).toEqual([1, 2, 3, 4, 5]);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('errors with a non-retryable AuiProtocolError after maxPages pages when the server claims more', async () => {
    const { requested, fetchPage } = pager(1_000_000, 2, 1_000_000);
    const seen: number[] = [];
    const error = await new Promise<unknown>((resolve) => {
      walkPages({ fetchPage, size: 2, maxPages: 3, operation: 'listAllTasks' }).subscribe({ next: (n) => seen.push(n), error: resolve });
    });
    expect(error).toBeInstanceOf(AuiProtocolError);
    const e = error as AuiProtocolError;
    expect(e.message).toBe('listAllTasks stopped at limits.maxPages (3 pages) while the server reports more tasks');
    expect(e.retryable).toBe(false);
    expect(e.status).toBeUndefined();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('completes when the last page is exactly the maxPages-th', async () => {
    const { requested, fetchPage } = pager(6, 2);
    await expect(lastValueFrom(walkPages({ fetchPage, size: 2, maxPages: 3, operation: 'list' }).pipe(toArray()))).resolves.toHaveLength(6);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('is lazy: take(k) requests only the pages it needs', async () => {
    const { requested, fetchPage } = pager(100, 3);
    await lastValueFrom(walkPages({ fetchPage, size: 3, maxPages: 100, operation: 'list' }).pipe(take(3), toArray()));
    expect(requested).toEqual([1]);
    requested.length = 0;
    await lastValueFrom(walkPages({ fetchPage, size: 3, maxPages: 100, operation: 'list' }).pipe(take(4), toArray()));
    expect(requested).toEqual([1, 2]);
  });

  it('does not deepen: 100,000 synchronous pages of one item at constant stack', async () => {
    const { requested, fetchPage } = pager(100_000, 1);
    let count = 0;
    let last = 0;
    let inOrder = true;
    await new Promise<void>((resolve, reject) =>
      walkPages({ fetchPage, size: 1, maxPages: 200_000, operation: 'list' }).subscribe({
        next: (n) => {
          inOrder &&= n === last + 1;
          last = n;
          count++;
        },
        error: reject,
        complete: resolve,
      }),
    );
    expect(count).toBe(100_000);
    expect(inOrder).toBe(true);
    expect(requested).toHaveLength(100_000);
  });

  it('ends with the error of a failing page, after the items of the pages before', async () => {
    const boom = new AuiServerError('HTTP 500');
    const fetchPage = (page: number) => (page === 2 ? throwError(() => boom) : of({ tasks: [page], total: 10, size: 1 }));
    const seen: number[] = [];
    const error = await new Promise<unknown>((resolve) => {
      walkPages({ fetchPage, size: 1, maxPages: 10, operation: 'list' }).subscribe({ next: (n) => seen.push(n), error: resolve });
    });
    expect(error).toBe(boom);
    expect(seen).toEqual([1]);
  });

  it('pages one after the other in virtual time', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const pages = [
        cold<WalkedPage<string>>('5ms (p|)', { p: { tasks: ['a', 'b'], total: 5, size: 2 } }),
        cold<WalkedPage<string>>('5ms (p|)', { p: { tasks: ['c', 'd'], total: 5, size: 2 } }),
        cold<WalkedPage<string>>('5ms (p|)', { p: { tasks: ['e'], total: 5, size: 2 } }),
      ];
      const walk = walkPages({ fetchPage: (page) => pages[page - 1] ?? cold<WalkedPage<string>>('#'), size: 2, maxPages: 10, operation: 'list' });
      expectObservable(walk).toBe('5ms (ab) 1ms (cd) 1ms (e|)');
      expectSubscriptions(pages[0]?.subscriptions ?? []).toBe('^----!');
      expectSubscriptions(pages[1]?.subscriptions ?? []).toBe('-----^----!');
      expectSubscriptions(pages[2]?.subscriptions ?? []).toBe('----------^----!');
    });
  });

  it('unsubscribing mid-walk cancels the page in flight and requests nothing more', () => {
    const scheduler = createTestScheduler();
    const fetchPage = jest.fn();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold<WalkedPage<string>>('5ms (p|)', { p: { tasks: ['a'], total: 9, size: 1 } });
      const second = cold<WalkedPage<string>>('5ms (p|)', { p: { tasks: ['b'], total: 9, size: 1 } });
      fetchPage.mockImplementation((page: number) => (page === 1 ? first : second));
      const walk = walkPages({ fetchPage, size: 1, maxPages: 10, operation: 'list' });
      expectObservable(walk, '^------!').toBe('5ms a');
      expectSubscriptions(first.subscriptions).toBe('^----!');
      expectSubscriptions(second.subscriptions).toBe('-----^-!');
    });
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });
});

/**
 * The page walk behind `listAllTasks`: one page after the other, lazily, at constant stack and
 * subscription depth whatever the number of pages, bounded by `maxPages`.
 *
 * @packageDocumentation
 */
import { Observable, type Subscription } from 'rxjs';
import { AuiProtocolError } from '../errors.js';

/** What the walk reads of one page. */
export interface WalkedPage<T> {
  /** The items on this page (an empty page ends the walk). */
  readonly tasks: readonly T[];
  /** How many items the server says there are across all pages. */
  readonly total: number;
  /** The page size the server echoes (smaller than the one asked for when it caps it). */
  readonly size: number;
}

/** How {@link walkPages} pages. */
export interface WalkPagesConfig<T> {
  /** One request for the 1-based page `page` (emits the page once, then completes). */
  readonly fetchPage: (page: number) => Observable<WalkedPage<T>>;
  /** The page size asked for. */
  readonly size: number;
  /** Most pages read; if the server still claims more after them, the walk errors. */
  readonly maxPages: number;
  /** The operation named in the error, e.g. `listAllTasks`. */
  readonly operation: string;
}

/** The error for a listing that is still not done after `maxPages` pages. */
function tooManyPages(operation: string, maxPages: number): AuiProtocolError {
  return new AuiProtocolError(`${operation} stopped at limits.maxPages (${maxPages} pages) while the server reports more tasks`);
}

/**
 * Emits every item of every page, in order. Page n+1 is requested only after every item of page n
 * was emitted and the subscriber is still there, so `take(k)` costs only the pages it needs. Stops
 * after the page that reaches `total` (`page * pageSize >= total`, `pageSize` being the server's
 * echoed size when it is smaller than the one asked for) or at the first empty page; errors with a
 * non-retryable `AuiProtocolError` when `maxPages` pages were read and the server still claims more.
 * A page request that errors ends the walk with that error. The walk is a loop, not a chain of
 * nested subscriptions, so neither the stack nor the subscriber chain grows with the page count,
 * even when pages arrive synchronously.
 *
 * @example
 * walkPages({ fetchPage: (page) => listTasks({ user_id, page, size: 50 }), size: 50, maxPages: 1000, operation: 'listAllTasks' })
 *   .subscribe((task) => render(task));
 */
export function walkPages<T>(config: WalkPagesConfig<T>): Observable<T> {
  const { fetchPage, size, maxPages, operation } = config;
  return new Observable<T>((subscriber) => {
    let page = 0;
    let current: Subscription | undefined;
    // Trampoline: a page that arrives synchronously asks for the next one by setting `wanted`;
    // the loop below, not a nested call, sends it.
    let looping = false;
    let wanted = true;

    const onPage = (result: WalkedPage<T> | undefined): void => {
      if (result === undefined) {
        subscriber.complete();
        return;
      }
      for (const task of result.tasks) {
        if (subscriber.closed) return;
        subscriber.next(task);
      }
      if (subscriber.closed) return;
      const pageSize = result.size > 0 && result.size < size ? result.size : size;
      if (result.tasks.length === 0 || page * pageSize >= result.total) {
        subscriber.complete();
      } else if (page >= maxPages) {
        subscriber.error(tooManyPages(operation, maxPages));
      } else {
        next();
      }
    };

    const request = (): void => {
      page += 1;
      let last: WalkedPage<T> | undefined;
      current = fetchPage(page).subscribe({
        next: (result) => (last = result),
        error: (error: unknown) => subscriber.error(error),
        complete: () => onPage(last),
      });
    };

    const next = (): void => {
      wanted = true;
      if (looping) return;
      looping = true;
      // Bounded: each pass sends one request; a page asks for another only while under maxPages.
      while (wanted && !subscriber.closed) {
        wanted = false;
        current?.unsubscribe();
        request();
      }
      looping = false;
    };

    next();
    return () => current?.unsubscribe();
  });
}

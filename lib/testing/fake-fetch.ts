/**
 * FakeFetch: a scriptable `fetch` for unit and marble tests. It records every call, answers with
 * queued replies (or a responder function), honours `AbortSignal`, and, for the replies it builds
 * itself, settles synchronously or after `delayMs` on a scheduler, so a whole REST exchange runs
 * in `TestScheduler.run` virtual time.
 *
 * @packageDocumentation
 */
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';

/** One recorded call. Header names are lower-case. */
export interface FakeFetchCall {
  /** The requested URL, query string included. */
  readonly url: string;
  /** HTTP method in upper case; `GET` when the caller gave none. */
  readonly method: string;
  /** Request headers, lower-case names (e.g. `x-network-api-key`, `content-type`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as sent (a string for JSON requests). */
  readonly body: string | undefined;
  /** The body parsed as JSON, or `undefined` when absent or not JSON. */
  readonly json: unknown;
  /** The `redirect` mode the caller passed (e.g. `'manual'`), if any. */
  readonly redirect: RequestRedirect | undefined;
  /** The caller's `AbortSignal`, if any. */
  readonly signal: AbortSignal | undefined;
  /** Whether the caller has aborted this call (so far). */
  readonly aborted: boolean;
}

/** A response FakeFetch builds: its body reads settle synchronously. */
export interface FakeResponseSpec {
  /** @default 200 */
  readonly status?: number;
  /** @default '' */
  readonly statusText?: string;
  /** Response headers, e.g. `{ 'retry-after': '3' }`; a missing `content-type` is derived from the body. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as-is; anything else as JSON (`content-type: application/json`). */
  readonly body?: unknown;
  /** `'opaqueredirect'` imitates a browser hiding a redirect (status 0). @default 'basic' */
  readonly type?: ResponseType;
  /** Answer after this many ms on the scheduler (virtual time in `TestScheduler.run`). @default 0 */
  readonly delayMs?: number;
}

/** What FakeFetch can do with a call. */
export type FakeFetchReply =
  | FakeResponseSpec
  /** A real Response (its body is read asynchronously, so not for marble tests). */
  | Response
  /** Reject like a network failure (`TypeError: fetch failed` unless an `Error` is given). */
  | {
      /** `true` to reject with `TypeError('fetch failed')`, or the error to reject with. */
      readonly networkError: true | Error;
      /** Reject after this many ms on the scheduler. @default 0 */
      readonly delayMs?: number;
    }
  /** Never answer; only an abort ends the call. */
  | {
      /** Selects this reply: the call never settles unless aborted. */
      readonly stall: true;
    };

/** Picks the reply for a call. */
export type FakeFetchResponder = (call: FakeFetchCall) => FakeFetchReply;

/** Options of {@link FakeFetch}. */
export interface FakeFetchOptions {
  /**
   * Where `delayMs` runs; inside `TestScheduler.run` the default is virtual too.
   * @default asyncScheduler
   */
  readonly scheduler?: SchedulerLike;
}

type Settle<T> = { ok: true; value: T } | { ok: false; reason: unknown };

/** A minimal promise that runs callbacks synchronously once settled (keeps marble tests in virtual time). */
class SyncPromise<T> implements PromiseLike<T> {
  private state: Settle<T> | undefined;
  private readonly waiting: Array<(s: Settle<T>) => void> = [];

  settle(state: Settle<T>): void {
    if (this.state) return;
    this.state = state;
    for (const fn of this.waiting.splice(0)) fn(state);
  }

  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): SyncPromise<A | B> {
    const next = new SyncPromise<A | B>();
    const run = (s: Settle<T>): void => {
      try {
        if (s.ok) next.adopt(onFulfilled ? onFulfilled(s.value) : (s.value as unknown as A));
        else if (onRejected) next.adopt(onRejected(s.reason));
        else next.settle(s);
      } catch (reason) {
        next.settle({ ok: false, reason });
      }
    };
    if (this.state) run(this.state);
    else this.waiting.push(run);
    return next;
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): SyncPromise<T | B> {
    return this.then(undefined, onRejected);
  }

  private adopt(value: T | PromiseLike<T>): void {
    if (typeof (value as PromiseLike<T> | null)?.then === 'function') {
      (value as PromiseLike<T>).then((v) => this.settle({ ok: true, value: v }), (reason: unknown) => this.settle({ ok: false, reason }));
    } else this.settle({ ok: true, value: value as T });
  }
}

function abortError(): Error {
  return typeof DOMException === 'function'
    ? new DOMException('This operation was aborted', 'AbortError')
    : Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

/** A Response look-alike whose `text()`/`json()` settle synchronously. */
function buildResponse(spec: FakeResponseSpec, url: string): Response {
  const opaque = spec.type === 'opaqueredirect';
  const headers = new Headers(opaque ? {} : spec.headers);
  let text = '';
  if (!opaque && spec.body !== undefined) {
    text = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
    if (!headers.has('content-type')) headers.set('content-type', typeof spec.body === 'string' ? 'text/plain' : 'application/json');
  }
  const status = opaque ? 0 : (spec.status ?? 200);
  let used = false;
  const read = (): SyncPromise<string> => {
    const p = new SyncPromise<string>();
    p.settle(used ? { ok: false, reason: new TypeError('Body is unusable: Body has already been read') } : { ok: true, value: text });
    used = true;
    return p;
  };
  const response = {
    status,
    statusText: opaque ? '' : (spec.statusText ?? ''),
    ok: status >= 200 && status <= 299,
    type: spec.type ?? 'basic',
    url: opaque ? '' : url,
    redirected: false,
    headers,
    get bodyUsed() {
      return used;
    },
    text: read,
    json: () => read().then((t) => JSON.parse(t) as unknown),
    clone: () => buildResponse(spec, url),
  };
  return response as unknown as Response;
}

function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init).forEach((value, name) => (out[name] = value));
  return out;
}

/**
 * A scriptable fake `fetch`. Pass `fakeFetch.fetch` as the client's `fetch` option.
 *
 * @example
 * const fake = new FakeFetch().respondWith({ status: 200, body: task, delayMs: 5 });
 * const client = new AuiClient({ apiKey: 'k', fetch: fake.fetch, scheduler: testScheduler });
 * expectObservable(client.getTask(task.id)).toBe('5ms (a|)', { a: task });
 */
export class FakeFetch {
  /** Every call, oldest first. */
  readonly calls: FakeFetchCall[] = [];
  /** The fake `fetch` function (bound; safe to pass around). */
  readonly fetch: typeof fetch;
  private readonly queue: FakeFetchReply[] = [];
  private fallback: FakeFetchResponder | undefined;
  private readonly scheduler: SchedulerLike;

  constructor(options: FakeFetchOptions = {}) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.fetch = ((input: RequestInfo | URL, init?: RequestInit) => this.call(input, init)) as typeof fetch;
  }

  /** Queues replies, one per future call, in order. */
  respondWith(...replies: FakeFetchReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Answers every call the queue does not cover with this reply or responder. */
  respondAlways(reply: FakeFetchReply | FakeFetchResponder): this {
    this.fallback = typeof reply === 'function' ? reply : () => reply;
    return this;
  }

  /** The most recent call. */
  get lastCall(): FakeFetchCall | undefined {
    return this.calls[this.calls.length - 1];
  }

  /** Forgets calls, queued replies and the fallback. */
  reset(): this {
    this.calls.length = 0;
    this.queue.length = 0;
    this.fallback = undefined;
    return this;
  }

  private call(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = typeof init.body === 'string' ? init.body : undefined;
    let json: unknown;
    try {
      json = body === undefined ? undefined : (JSON.parse(body) as unknown);
    } catch {
      json = undefined;
    }
    const signal = init.signal ?? undefined;
    const call: FakeFetchCall = {
      url,
      method: (init.method ?? 'GET').toUpperCase(),
      headers: headerRecord(init.headers),
      body,
      json,
      redirect: init.redirect,
      signal,
      get aborted() {
        return signal?.aborted ?? false;
      },
    };
    this.calls.push(call);
    const reply = this.queue.shift() ?? this.fallback?.(call) ?? {
      networkError: new TypeError(`FakeFetch: no reply queued for ${call.method} ${url}`),
    };
    return this.settle(reply, call) as unknown as Promise<Response>;
  }

  private settle(reply: FakeFetchReply, call: FakeFetchCall): SyncPromise<Response> {
    const result = new SyncPromise<Response>();
    const { signal } = call;
    if (signal?.aborted) {
      result.settle({ ok: false, reason: abortError() });
      return result;
    }
    let scheduled: Subscription | undefined;
    const onAbort = (): void => {
      scheduled?.unsubscribe();
      result.settle({ ok: false, reason: abortError() });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (state: Settle<Response>): void => {
      signal?.removeEventListener('abort', onAbort);
      result.settle(state);
    };
    if ('stall' in reply) return result;
    const outcome = (): Settle<Response> => {
      if (reply instanceof Response) return { ok: true, value: reply };
      if ('networkError' in reply) {
        return { ok: false, reason: reply.networkError === true ? new TypeError('fetch failed') : reply.networkError };
      }
      return { ok: true, value: buildResponse(reply, call.url) };
    };
    const delayMs = reply instanceof Response ? 0 : (reply.delayMs ?? 0);
    if (delayMs > 0) scheduled = this.scheduler.schedule(() => finish(outcome()), delayMs);
    else finish(outcome());
    return result;
  }
}

/**
 * Creates a {@link FakeFetch}.
 *
 * @example
 * const fake = createFakeFetch({ scheduler: testScheduler }).respondWith({ stall: true });
 */
export function createFakeFetch(options: FakeFetchOptions = {}): FakeFetch {
  return new FakeFetch(options);
}

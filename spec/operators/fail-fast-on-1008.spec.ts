import { config as rxConfig, lastValueFrom, retry, type Observable } from 'rxjs';
import { AuiClient } from '../../lib/client.js';
import { AuiAuthenticationError, AuiConnectionError, AuiServerError } from '../../lib/errors.js';
import { failFastOn1008 } from '../../lib/operators/fail-fast-on-1008.js';
import { isAuthFailure } from '../../lib/failure-policy.js';
import { retryOn1011 } from '../../lib/operators/retry-on-1011.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { attemptsOf } from '../helpers/marble-attempts.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

const err1008 = new AuiAuthenticationError('invalid API key', { closeCode: 1008 });
const err1011 = new AuiServerError('internal error', { closeCode: 1011 });

describe('failFastOn1008', () => {
  it('with retry(3) downstream subscribes its source once and calls onFailure once', () => {
    const onFailure = jest.fn();
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1008);
      expectObservable(source.pipe(failFastOn1008({ onFailure }), retry(3))).toBe('--#', undefined, err1008);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure).toHaveBeenCalledWith(err1008);
  });

  it('re-errors with the very same error instance on every resubscription', () => {
    const seen: unknown[] = [];
    createTestScheduler().run(({ cold }) => {
      const source = cold('--#', undefined, err1008);
      source
        .pipe(
          failFastOn1008(),
          retry({ count: 5, delay: (error: unknown) => (seen.push(error), cold('-x')) }),
        )
        .subscribe({ error: (e: unknown) => seen.push(e) });
    });
    expect(seen).toHaveLength(6);
    seen.forEach((e) => expect(e).toBe(err1008));
  });

  it('does not reconnect under a delayed retry: each resubscription fails in its own frame', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1008);
      expectObservable(source.pipe(failFastOn1008(), retry({ count: 5, delay: 1000 }))).toBe('5002ms #', undefined, err1008);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it.each([
    ['an HTTP 401 authentication error', new AuiAuthenticationError('bad key', { status: 401 })],
    ['a handshake 403', new AuiAuthenticationError('forbidden', { status: 403 })],
    ['any aui-rx error closed with 1008', new AuiServerError('policy violation', { closeCode: 1008 })],
  ])('latches on %s', (_name, error) => {
    const onFailure = jest.fn();
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-#', undefined, error);
      expectObservable(source.pipe(failFastOn1008({ onFailure }), retry(2))).toBe('-a-#', undefined, error);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
    expect(onFailure).toHaveBeenCalledTimes(1);
  });

  it('lets other errors, values and completion through unchanged without latching', () => {
    const onFailure = jest.fn();
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('--#', undefined, err1011);
      expectObservable(failing.pipe(failFastOn1008({ onFailure }), retry(2))).toBe('------#', undefined, err1011);
      expectSubscriptions(failing.subscriptions).toBe(['^-!', '--^-!', '----^-!']);
      const fine = cold('-a-b-|');
      expectObservable(fine.pipe(failFastOn1008())).toBe('-a-b-|');
    });
    expect(onFailure).not.toHaveBeenCalled();
    expect(isAuthFailure(err1011)).toBe(false);
    expect(isAuthFailure(new AuiConnectionError('lost', { closeCode: 1006 }))).toBe(false);
    expect(isAuthFailure(Object.assign(new Error('foreign'), { closeCode: 1008 }))).toBe(false);
  });

  it('sits before retryOn1011: a 1011 is retried, a later 1008 ends everything, and an outer retry cannot reconnect', () => {
    const onFailure = jest.fn();
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const server = cold('--#', undefined, err1011);
      const rejecting = cold('--#', undefined, err1008);
      const source = attemptsOf(server, rejecting);
      const guarded = source.pipe(failFastOn1008({ onFailure }), retryOn1011({ jitter: false }), retry(5));
      // 1011 at 2 → wait 500 → reconnect at 502 → 1008 at 504: passes retryOn1011, latched for retry(5)
      expectObservable(guarded).toBe('504ms #', undefined, err1008);
      expectSubscriptions(server.subscriptions).toBe('^-!');
      expectSubscriptions(rejecting.subscriptions).toBe('502ms ^-!');
    });
    expect(onFailure).toHaveBeenCalledTimes(1);
  });

  it('latches for every subscriber of one piped Observable', () => {
    const onFailure = jest.fn();
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1008);
      const reply$ = source.pipe(failFastOn1008({ onFailure }));
      expectObservable(reply$).toBe('--#', undefined, err1008);
      expectObservable(reply$, '10ms ^').toBe('10ms #', undefined, err1008);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
    expect(onFailure).toHaveBeenCalledTimes(1);
  });

  it('shares the latch between pipes that use the same operator instance', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const guard = failFastOn1008<string>();
      const first = cold<string>('--#', undefined, err1008);
      const second = cold<string>('-a|');
      expectObservable(first.pipe(guard)).toBe('--#', undefined, err1008);
      expectObservable(second.pipe(guard), '5ms ^').toBe('5ms #', undefined, err1008);
      expectSubscriptions(second.subscriptions).toBe([]);
    });
  });

  it('gives each failFastOn1008() call a fresh latch', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1008);
      expectObservable(source.pipe(failFastOn1008())).toBe('--#', undefined, err1008);
      expectObservable(source.pipe(failFastOn1008()), '10ms ^').toBe('12ms #', undefined, err1008);
      expectSubscriptions(source.subscriptions).toBe(['^-!', '10ms ^-!']);
    });
  });

  it('reset() clears the latch: the next subscription reaches the source and onFailure may fire again', () => {
    const onFailure = jest.fn();
    const guard = failFastOn1008({ onFailure });
    const states: boolean[] = [];
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, err1008);
      const reply$ = source.pipe(guard);
      expectObservable(reply$).toBe('--#', undefined, err1008);
      expectObservable(reply$, '4ms ^').toBe('4ms #', undefined, err1008); // still latched
      cold('-----x').subscribe(() => {
        states.push(guard.latched);
        expect(guard.latchedError).toBe(err1008);
        guard.reset();
        states.push(guard.latched);
      });
      expectObservable(reply$, '10ms ^').toBe('12ms #', undefined, err1008); // reconnects after reset
      expectSubscriptions(source.subscriptions).toBe(['^-!', '10ms ^-!']);
    });
    expect(states).toEqual([true, false]);
    expect(guard.latched).toBe(true);
    expect(onFailure).toHaveBeenCalledTimes(2);
  });

  it('still delivers the error when onFailure throws (the throw is reported as unhandled)', () => {
    const unhandled = jest.fn();
    const previous = rxConfig.onUnhandledError;
    rxConfig.onUnhandledError = unhandled;
    const oops = new Error('handler bug');
    try {
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('--#', undefined, err1008);
        const guarded = source.pipe(
          failFastOn1008({
            onFailure: () => {
              throw oops;
            },
          }),
          retry(2),
        );
        expectObservable(guarded).toBe('--#', undefined, err1008);
        expectSubscriptions(source.subscriptions).toBe('^-!');
      });
    } finally {
      rxConfig.onUnhandledError = previous;
    }
    expect(unhandled).toHaveBeenCalledWith(oops);
  });

  it('keeps the source type in a plain pipe', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const typed: Observable<string> = cold<string>('-a|', { a: 'x' }).pipe(failFastOn1008());
      expectObservable(typed).toBe('-a|', { a: 'x' });
    });
  });
});

describe('failFastOn1008 against FakeAuiServer', () => {
  const badKey = 'API_KEY_01REVOKED000000000000000000';
  let server: FakeAuiServer;
  let taskId: string;
  const clients: AuiClient[] = [];
  const clientWith = (apiKey: string): AuiClient => {
    const client = new AuiClient({ apiKey, baseUrl: server.baseUrl });
    clients.push(client);
    return client;
  };
  const errorOf = (source: Observable<unknown>): Promise<unknown> =>
    lastValueFrom(source).then(
      () => undefined,
      (e: unknown) => e,
    );

  beforeAll(async () => {
    server = await FakeAuiServer.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.reset();
    server.configure({ wsAuthFailure: 'close-1008' });
    taskId = server.store.createTask('user-1', server.apiKey).id;
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  it('a bad key under retry(5) costs exactly 1 connection (close 1008)', async () => {
    const onFailure = jest.fn();
    const turn$ = clientWith(badKey).streamMessage({ task_id: taskId, text: 'Hello?' });
    const error = await errorOf(turn$.pipe(failFastOn1008({ onFailure }), retry(5)));
    expect(error).toBeInstanceOf(AuiAuthenticationError);
    expect(error).toMatchObject({ kind: 'authentication', closeCode: 1008, retryable: false });
    expect((error as Error).message).not.toContain(badKey);
    expect(server.stats.connections).toBe(1);
    expect(server.stats.turns).toBe(0);
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure).toHaveBeenCalledWith(error);
  });

  it('a bad key refused at the handshake (401) under retry(5) costs exactly 1 connection too', async () => {
    server.configure({ wsAuthFailure: 'reject-401' });
    const turn$ = clientWith(badKey).streamMessage({ task_id: taskId, text: 'Hello?' });
    const error = await errorOf(turn$.pipe(failFastOn1008(), retry(5)));
    expect(error).toMatchObject({ kind: 'authentication', status: 401 });
    expect(server.stats.connections).toBe(1);
  });

  it('for contrast: without failFastOn1008, retry(5) reconnects with the bad key 6 times', async () => {
    const turn$ = clientWith(badKey).streamMessage({ task_id: taskId, text: 'Hello?' });
    const error = await errorOf(turn$.pipe(retry(5)));
    expect(error).toMatchObject({ kind: 'authentication', closeCode: 1008 });
    expect(server.stats.connections).toBe(6);
  });

  it('composed before retryOn1011: a 1011 is retried, the 1008 that follows ends everything', async () => {
    server.failNextTurn(
      { type: 'close', code: 1011, reason: 'Internal error' },
      { type: 'error-frame', frame: { status_code: 401, description: 'Unauthorized', message: 'Invalid API key' }, code: 1008, reason: 'Invalid API key' },
    );
    const onFailure = jest.fn();
    const turn$ = clientWith(server.apiKey).streamMessage({ task_id: taskId, text: 'Hello?' });
    const error = await errorOf(turn$.pipe(failFastOn1008({ onFailure }), retryOn1011({ jitter: false, initialDelayMs: 1 }), retry(5)));
    expect(error).toMatchObject({ kind: 'authentication', status: 401, closeCode: 1008 });
    expect(server.stats.connections).toBe(2); // the 1011 attempt, then the rejected one; none after the latch
    expect(server.stats.turns).toBe(2);
    expect(onFailure).toHaveBeenCalledTimes(1);
  });

  it('a good key passes through untouched: the reply completes on one connection', async () => {
    const turn$ = clientWith(server.apiKey).streamMessage({ task_id: taskId, text: 'Hello?' });
    const final = await lastValueFrom(turn$.pipe(failFastOn1008(), retry(5)));
    expect(final).toMatchObject({ kind: 'final', taskId });
    expect(server.stats.connections).toBe(1);
  });
});

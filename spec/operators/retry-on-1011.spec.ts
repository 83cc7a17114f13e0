import { asyncScheduler, lastValueFrom, Observable, of, toArray } from 'rxjs';
import type { RestartStreamEvent, StreamEvent, TextStreamEvent } from '../../lib/stream-event.js';
import { AuiClient } from '../../lib/client.js';
import {
  AuiApplicationError,
  AuiAuthenticationError,
  AuiConnectionError,
  AuiProtocolError,
  AuiServerError,
  AuiTimeoutError,
  AuiValidationError,
} from '../../lib/errors.js';
import { accumulateText } from '../../lib/operators/accumulate-text.js';
import { retryOn1011 } from '../../lib/operators/retry-on-1011.js';
import { agentReplyText } from '../../lib/testing/fake-agent.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
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

  it('resetOnSuccess: true (opt-in): an emission resets the count and the exponent', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = [
        cold('-#', undefined, err1011),
        cold('-#', undefined, err1011),
        cold('-x-#', undefined, err1011),
        cold('-#', undefined, err1011),
        cold('-#', undefined, err1011),
      ] as const;
      expectObservable(attemptsOf(...a).pipe(retryOn1011({ count: 2, jitter: false, resetOnSuccess: true }))).toBe('1503ms x 1503ms #', undefined, err1011);
      expectSubscriptions(a[0].subscriptions).toBe('^!'); // fails at 1 → 500 (n=0)
      expectSubscriptions(a[1].subscriptions).toBe('501ms ^!'); // fails at 502 → 1000 (n=1)
      expectSubscriptions(a[2].subscriptions).toBe('1502ms ^--!'); // x resets; fails at 1505 → 500 (n=0 again)
      expectSubscriptions(a[3].subscriptions).toBe('2005ms ^!'); // fails at 2006 → 1000 (n=1)
      expectSubscriptions(a[4].subscriptions).toBe('3006ms ^!'); // fails at 3007: 2 retries since the reset
    });
  });

  it('the budget is per subscription by default: an emission does not buy more retries', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = [cold('-#', undefined, err1011), cold('-#', undefined, err1011), cold('-x-#', undefined, err1011), cold('-#')] as const;
      expectObservable(attemptsOf(...a).pipe(retryOn1011({ count: 2, jitter: false }))).toBe(
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
      const passed = [
        new AuiApplicationError('moderated', { status: 400 }),
        new AuiAuthenticationError('no', { status: 403 }),
        new AuiServerError('frame 500 then close 1008', { status: 500, closeCode: 1008 }),
        new AuiConnectionError('lost', { status: 502, closeCode: 1006 }),
      ];
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        for (const error of passed) {
          const source = cold('--#', undefined, error);
          expectObservable(source.pipe(retryOn1011({ http: true }))).toBe('--#', undefined, error);
          expectSubscriptions(source.subscriptions).toBe('^-!');
        }
      });
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

  it('budget per subscription: two text frames then 1011 for ever costs count + 1 attempts', () => {
    const v = { a: textEvent('He', 'He'), b: textEvent('Hello', 'llo'), r: restartEvent(1), s: restartEvent(2), t: restartEvent(3) };
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempts = [0, 1, 2, 3].map(() => cold('-a-b-#', v, err1011));
      // Attempt n streams a@+1, b@+3, fails @+5, waits 500·2^n, restarts. Text never refills the budget.
      expectObservable(attemptsOf(...attempts).pipe(retryOn1011({ jitter: false }))).toBe(
        '-a-b 501ms ra-b 1001ms sa-b 2001ms ta-b-#',
        v,
        err1011,
      );
      ['^----!', '505ms ^----!', '1510ms ^----!', '3515ms ^----!'].forEach((m, k) => expectSubscriptions(attempts[k]!.subscriptions).toBe(m));
    });
  });

  it('a non-retryable error passes through at once even when a 1011 close follows it', () => {
    const frame400then1011 = new AuiApplicationError('moderated', { status: 400, closeCode: 1011 });
    const frame422then1011 = new AuiValidationError('bad', { status: 422, closeCode: 1011 });
    const closed = new AuiConnectionError('client closed', { retryable: false, closeCode: 1011 });
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      for (const error of [frame400then1011, frame422then1011, closed]) {
        const source = cold('-#', undefined, error);
        expectObservable(source.pipe(retryOn1011())).toBe('-#', undefined, error);
        expectSubscriptions(source.subscriptions).toBe('^!');
      }
    });
  });

  it('types: a restart event is only ever emitted into a stream of StreamEvent', () => {
    const numbers: Observable<number> = of(1).pipe(retryOn1011());
    const events: Observable<StreamEvent> = of<StreamEvent>(textEvent('a', 'a')).pipe(retryOn1011());
    const texts: Observable<TextStreamEvent | RestartStreamEvent> = of(textEvent('a', 'a')).pipe(retryOn1011());
    // @ts-expect-error a stream of numbers stays a stream of numbers: no restart can be pushed into it
    const wrong: Observable<StreamEvent> = of(1).pipe(retryOn1011());
    expect([numbers, events, texts, wrong].every((o) => o instanceof Observable)).toBe(true);
    const seen: unknown[] = [];
    createTestScheduler().run(({ cold }) => {
      const a = cold('-x-#', { x: { kind: 'text', taskId: 't' } }, err1011); // not a whole TextStreamEvent
      attemptsOf(a, cold('-|')).pipe(retryOn1011({ jitter: false })).subscribe((value) => seen.push(value));
    });
    expect(seen).toEqual([{ kind: 'text', taskId: 't' }]);
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

describe('retryOn1011 against FakeAuiServer', () => {
  const question = 'I need a built-in microwave';
  const reply = agentReplyText(question);
  let server: FakeAuiServer;
  let client: AuiClient;
  let taskId: string;

  beforeAll(async () => {
    server = await FakeAuiServer.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.reset();
    client = new AuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
    taskId = server.store.createTask('user-1', server.apiKey).id;
  });
  afterEach(() => client.close());

  const turn$ = () => client.streamMessage({ task_id: taskId, text: question });
  const userMessages = () => (server.store.messages.get(taskId) ?? []).filter((m) => m.sender.type === 'user');

  it('1011 twice then success: completes with the final reply after 3 connections and 3 turns', async () => {
    server.failNextTurn({ type: 'close', code: 1011, reason: 'Internal error' }, { type: 'close', code: 1011, reason: 'Internal error' });
    const events = await lastValueFrom(turn$().pipe(retryOn1011({ count: 3, jitter: false, initialDelayMs: 1 }), toArray()));
    const last = events[events.length - 1];
    expect(last?.kind).toBe('final');
    expect(last?.kind === 'final' && last.message.text).toBe(reply);
    // The fresh client had no socket: each attempt (failed, failed, ok) opened its own.
    expect(server.stats.connections).toBe(3);
    expect(server.stats.turns).toBe(3);
    expect(userMessages().map((m) => m.text)).toEqual([question, question, question]); // the message was re-sent
    // The 1011s came before any text, so no attempt needed a restart event.
    expect(events.some((e) => e.kind === 'restart')).toBe(false);
  });

  it('the first attempt reuses a pooled socket: 3 turns on 2 new connections', async () => {
    await lastValueFrom(turn$()); // warms the pool: one socket, lingering for reuse
    expect([server.stats.connections, server.stats.turns]).toEqual([1, 1]);
    server.failNextTurn({ type: 'close', code: 1011 }, { type: 'close', code: 1011 });
    const final = await lastValueFrom(turn$().pipe(retryOn1011({ count: 3, jitter: false, initialDelayMs: 1 })));
    expect(final.kind).toBe('final');
    // Attempt 1 ran on the lingering socket; the 1011 closed it, so attempts 2 and 3 each connected.
    expect(server.stats.turns - 1).toBe(3);
    expect(server.stats.connections - 1).toBe(2);
  });

  it('1011 five times with count 2: AuiServerError (closeCode 1011) after 3 connections', async () => {
    server.failNextTurn(...Array.from({ length: 5 }, () => ({ type: 'close' as const, code: 1011, reason: 'Internal error' })));
    const error = await lastValueFrom(turn$().pipe(retryOn1011({ count: 2, jitter: false, initialDelayMs: 1 }))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuiServerError);
    expect(error).toMatchObject({ kind: 'server', closeCode: 1011, retryable: true, reason: 'Internal error' });
    expect(server.stats.connections).toBe(3);
    expect(server.stats.turns).toBe(3);
  });

  it.each(['cumulative', 'delta'] as const)(
    '1011 after partial text (%s frames): accumulateText restarts cleanly, no duplicated text',
    async (textMode) => {
      server.configure({ textMode });
      try {
        server.failNextTurn({ type: 'close', code: 1011, reason: 'Internal error', afterFrames: 5 });
        const texts = await lastValueFrom(
          turn$().pipe(retryOn1011({ count: 3, jitter: false, initialDelayMs: 1 }), accumulateText(), toArray()),
        );
        const partial = reply.split(' ').slice(0, 5).join(' ');
        expect(texts.slice(0, 6)).toEqual(['I', 'I found', 'I found two', 'I found two built-in', partial, '']);
        expect(texts.filter((t) => t === '')).toHaveLength(1); // one restart
        expect(texts[texts.length - 1]).toBe(reply);
        for (const t of texts) {
          expect(reply.startsWith(t)).toBe(true); // every emission is a prefix of the one true reply
          expect(t.indexOf(partial, 1)).toBe(-1); // the partial text never appears twice
        }
        expect(server.stats.connections).toBe(2);
        expect(server.stats.turns).toBe(2);
      } finally {
        server.configure({ textMode: 'cumulative' });
      }
    },
  );
});

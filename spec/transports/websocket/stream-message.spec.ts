import { retry } from 'rxjs';
import { accumulateText } from '../../../lib/operators/accumulate-text.js';
import { retryOn1011 } from '../../../lib/operators/retry-on-1011.js';
import { MockWebSocket } from '../../../lib/testing/mock-web-socket.js';
import { agentReplyText } from '../../../lib/testing/fake-agent.js';
import { streamMessage } from '../../../lib/transports/websocket/stream-message.js';
import { createTestScheduler } from '../../helpers/marble-scheduler.js';
import { TASK_ID, restartEvent, textEvent } from '../../helpers/marble-events.js';
import { a2, anError, at, finalFrame, mockPool, sock } from '../../helpers/ws-marbles.js';
import { WsHarness, allEvents, finalText } from '../../helpers/ws-server.js';

const fin = (text: string): unknown => ({ kind: 'final', taskId: TASK_ID, message: finalFrame(text) });

describe('streamMessage (virtual time, MockWebSocket)', () => {
  let scheduler: ReturnType<typeof createTestScheduler>;
  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = createTestScheduler();
  });

  it('is cold and streams one turn like pool.turn', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      const reply$ = streamMessage(pool, { task_id: TASK_ID, text: 'hi' });
      expect(MockWebSocket.instances).toHaveLength(0);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('Hi')));
      at(scheduler, 3, () => sock(0).receive(finalFrame('Hi!')));
      expectObservable(reply$).toBe('--a(f|)', { a: textEvent('Hi', 'Hi'), f: fin('Hi!') });
    });
  });

  it('a retry after text was emitted starts with a restart event', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('Hel')));
      at(scheduler, 3, () => sock(0).serverClose(1011));
      at(scheduler, 5, () => sock(1).open());
      at(scheduler, 6, () => sock(1).receive(a2('Hello')));
      at(scheduler, 7, () => sock(1).receive(finalFrame('Hello')));
      const reply$ = streamMessage(pool, { task_id: TASK_ID, text: 'hi' }).pipe(retry(1));
      expectObservable(reply$).toBe('--ar--b(f|)', {
        a: textEvent('Hel', 'Hel'),
        r: restartEvent(1),
        b: textEvent('Hello', 'Hello'),
        f: fin('Hello'),
      });
    });
  });

  it('no restart when the failed attempt emitted no text; attempts count restarts only', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).serverClose(1011)); // fails while connecting: no text
      at(scheduler, 2, () => sock(1).open());
      at(scheduler, 3, () => sock(1).receive(a2('A')));
      at(scheduler, 4, () => sock(1).serverClose(1011)); // after text → restart 1
      at(scheduler, 5, () => sock(2).serverClose(1011)); // before text → nothing
      at(scheduler, 6, () => sock(3).open());
      at(scheduler, 7, () => sock(3).receive(a2('B')));
      at(scheduler, 8, () => sock(3).serverClose(1011)); // after text → restart 2
      at(scheduler, 9, () => sock(4).open());
      at(scheduler, 10, () => sock(4).receive(finalFrame('C')));
      const reply$ = streamMessage(pool, { task_id: TASK_ID, text: 'hi' }).pipe(retry(5));
      expectObservable(reply$).toBe('---ar--bs-(f|)', {
        a: textEvent('A', 'A'),
        r: restartEvent(1),
        b: textEvent('B', 'B'),
        s: restartEvent(2),
        f: fin('C'),
      });
    });
  });

  it('with retryOn1011 and accumulateText, the view drops the partial text', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('Partial')));
      at(scheduler, 3, () => sock(0).serverClose(1011));
      at(scheduler, 104, () => sock(1).open());
      at(scheduler, 105, () => sock(1).receive(a2('Full')));
      at(scheduler, 106, () => sock(1).receive(finalFrame('Full reply')));
      const text$ = streamMessage(pool, { task_id: TASK_ID, text: 'hi' }).pipe(
        // restartEvents: false — the transport already emits the restart (see the report on double restarts).
        retryOn1011({ initialDelayMs: 100, jitter: false, scheduler, restartEvents: false }),
        accumulateText(),
      );
      expectObservable(text$).toBe('--p 100ms e-f|', { p: 'Partial', e: '', f: 'Full' });
    });
  });

  it('a 1008 is not retried by retryOn1011 and emits no restart', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('x')));
      at(scheduler, 3, () => sock(0).serverClose(1008));
      const reply$ = streamMessage(pool, { task_id: TASK_ID, text: 'hi' }).pipe(retryOn1011({ scheduler }));
      expectObservable(reply$).toBe('--a#', { a: textEvent('x', 'x') }, anError('AuiAuthenticationError', { closeCode: 1008 }));
    });
  });

  it('each call returns an Observable with its own restart state', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('x')));
      at(scheduler, 3, () => sock(0).serverClose(1011));
      expectObservable(streamMessage(pool, { task_id: TASK_ID, text: 'hi' })).toBe('--a#', { a: textEvent('x', 'x') }, anError('AuiServerError'));
    });
    const fresh = streamMessage(mockPool(scheduler), { task_id: TASK_ID, text: 'hi' });
    const seen: string[] = [];
    fresh.subscribe({ next: (e) => seen.push(e.kind), error: () => undefined });
    expect(seen).toEqual([]); // no restart: nothing failed on this Observable
  });
});

describe('streamMessage against FakeAuiServer', () => {
  const h = new WsHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('a 1011 mid-text, retried with retryOn1011, gives restart then the whole reply once', async () => {
    h.server.failNextTurn({ type: 'close', code: 1011, afterFrames: 3 });
    const pool = h.pool();
    const events = await allEvents(
      streamMessage(pool, { task_id: h.task(), text: 'oven' }).pipe(retryOn1011({ initialDelayMs: 1, jitter: false, restartEvents: false })),
    );
    const restartAt = events.findIndex((e) => e.kind === 'restart');
    expect(restartAt).toBe(3);
    expect(events.filter((e) => e.kind === 'restart')).toHaveLength(1);
    expect(events[restartAt]).toMatchObject({ kind: 'restart', attempt: 1 });
    expect(finalText(events)).toBe(agentReplyText('oven'));
    expect(h.server.stats.connections).toBe(2);
  });
});

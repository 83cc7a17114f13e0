import { catchError, of, switchMap } from 'rxjs';
import { AuiProtocolError } from '../../../lib/errors.js';
import { TEXT_UPDATE_EVENT } from '../../../lib/protocol/server-frames.js';
import type { StreamEvent } from '../../../lib/stream-event.js';
import { MockWebSocket } from '../../../lib/testing/mock-web-socket.js';
import type { FrameShape, TextMode } from '../../../lib/testing/fake-aui-server.js';
import { agentReplyText } from '../../../lib/testing/fake-agent.js';
import { FRAME_ERROR, FRAME_FINAL_CARDS, FRAME_FINAL_LEGACY, FRAME_TEXT_A1, FRAME_TEXT_A2 } from '../../helpers/fixtures.js';
import { createTestScheduler } from '../../helpers/marble-scheduler.js';
import { TASK_ID, textEvent } from '../../helpers/marble-events.js';
import { a2, anError, at, finalFrame, mockPool, sock } from '../../helpers/ws-marbles.js';
import { WsHarness, allEvents, finalText, outcome, texts } from '../../helpers/ws-server.js';

describe('turn frames against FakeAuiServer', () => {
  const h = new WsHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  afterEach(() => {
    h.closePools();
    h.server.reset();
    h.server.configure({ frames: 'A2', textMode: 'cumulative', replyShape: 'cards', frameDelayMs: 0, framesPerReply: 0 });
  });

  async function run(frames: FrameShape, textMode: TextMode): Promise<StreamEvent[]> {
    h.server.configure({ frames, textMode });
    return allEvents(h.pool().turn({ task_id: h.task(), text: 'built-in microwave' }));
  }

  it('A1, A2 and the envelope, cumulative and delta, give identical text sequences and the same final text', async () => {
    const reference = await run('A2', 'cumulative');
    const expectedFinal = agentReplyText('built-in microwave');
    expect(finalText(reference)).toBe(expectedFinal);
    expect(texts(reference).at(-1)).toBe(expectedFinal);
    expect(texts(reference).length).toBeGreaterThan(10);
    for (const frames of ['A1', 'A2', 'envelope'] as const) {
      for (const mode of ['cumulative', 'delta'] as const) {
        const events = await run(frames, mode);
        expect({ frames, mode, texts: texts(events), final: finalText(events) }).toEqual({
          frames,
          mode,
          texts: texts(reference),
          final: expectedFinal,
        });
      }
    }
  });

  it('each text event carries the task id, the whole text so far and the delta it added', async () => {
    h.server.configure({ textMode: 'delta', framesPerReply: 4 });
    const task = h.task();
    const events = await allEvents(h.pool().turn({ task_id: task, text: 'x' }));
    let sofar = '';
    for (const event of events.slice(0, -1)) {
      if (event.kind !== 'text') throw new Error('expected text');
      sofar += event.delta;
      expect(event).toEqual({ kind: 'text', taskId: task, text: sofar, delta: event.delta });
    }
    expect(events.length).toBe(5);
    expect(events[4]).toMatchObject({ kind: 'final', taskId: task });
  });

  it.each([
    ['cards', 'cards'],
    ['legacy', 'options'],
  ] as const)('reply shape %s parses (final message has %s)', async (replyShape, field) => {
    h.server.configure({ replyShape });
    const events = await allEvents(h.pool().turn({ task_id: h.task(), text: 'x' }));
    const last = events.at(-1);
    expect(last?.kind).toBe('final');
    if (last?.kind === 'final') expect(Array.isArray(last.message[field])).toBe(true);
  });

  it('unknown frames are skipped and counted', async () => {
    const reference = await run('A2', 'cumulative');
    const pool = h.pool();
    h.server.failNextTurn({ type: 'unknown-frame', afterFrames: 2 });
    const events = await allEvents(pool.turn({ task_id: h.task(), text: 'built-in microwave' }));
    expect(texts(events)).toEqual(texts(reference));
    expect(pool.stats.unknownFrames).toBe(1);
  });

  it('frames spaced in time (frameDelayMs) stream the same reply', async () => {
    h.server.configure({ frameDelayMs: 2, framesPerReply: 5 });
    const events = await allEvents(h.pool().turn({ task_id: h.task(), text: 'x' }));
    expect(texts(events)).toHaveLength(5);
    expect(finalText(events)).toBe(agentReplyText('x'));
  });

  it.each([
    ['not JSON', '{"event": "thread-message-text', 'not valid JSON'],
    ['text update with a non-string text', JSON.stringify({ event: TEXT_UPDATE_EVENT, data: { text: 5 } }), 'text update'],
    ['final message missing fields', JSON.stringify({ id: 'm1', text: 'hi' }), 'final message'],
    ['error frame with a non-numeric status', JSON.stringify({ status_code: 'x' }), 'error'],
  ])('%s → AuiProtocolError, turn over', async (_label, text, words) => {
    h.server.failNextTurn({ type: 'raw', text, afterFrames: 1 });
    const task = h.task();
    const result = await outcome(h.pool().turn({ task_id: task, text: 'x' }));
    expect(result.error).toBeInstanceOf(AuiProtocolError);
    expect(result.error).toMatchObject({ taskId: task, message: expect.stringContaining(words) });
    expect(texts(result.events)).toHaveLength(1);
  });
});

describe('turn frames in virtual time (MockWebSocket)', () => {
  let scheduler: ReturnType<typeof createTestScheduler>;
  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = createTestScheduler();
  });

  it('sends the user message on open, streams text, completes right after final', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 5, () => sock(0).receive(a2('Hel')));
      at(scheduler, 6, () => sock(0).receive(a2('Hello')));
      at(scheduler, 9, () => sock(0).receive(finalFrame('Hello!')));
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('-----ab--(f|)', {
        a: textEvent('Hel', 'Hel'),
        b: textEvent('Hello', 'lo'),
        f: { kind: 'final', taskId: TASK_ID, message: finalFrame('Hello!') },
      });
    });
    expect(sock(0).sentJson).toEqual([{ task_id: TASK_ID, text: 'hi' }]);
    // Kept for the next turn; only the idle linger (15 s by default, flushed by run) closed it.
    expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]);
  });

  it('accepts the fixture frames of every documented variant', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(FRAME_TEXT_A1));
      at(scheduler, 3, () => sock(0).receive(FRAME_TEXT_A2));
      at(scheduler, 4, () => sock(0).receive(FRAME_FINAL_LEGACY));
      // The A1 fixture names its task: the turn is for that task (a frame naming another is dropped).
      const task = FRAME_TEXT_A1.scope.context.task_id;
      expectObservable(pool.turn({ task_id: task, text: 'hi' })).toBe('--ab(f|)', {
        a: textEvent('I found several built-in', 'I found several built-in', task),
        b: textEvent('I found several built-in microwaves', ' microwaves', task),
        f: expect.objectContaining({ kind: 'final', message: expect.objectContaining({ id: FRAME_FINAL_LEGACY.id }) }),
      });
    });
  });

  it('accepts a final frame in the AsyncAPI cards shape', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(FRAME_FINAL_CARDS));
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('--(f|)', {
        f: expect.objectContaining({ kind: 'final', message: expect.objectContaining({ cards: expect.any(Array) }) }),
      });
    });
  });

  it('idle timeout: no frame for idleMs after the last one → AuiTimeoutError (idle)', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, { timeouts: { idleMs: 5000 } });
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 3000, () => sock(0).receive(a2('Hi')));
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('3000ms a 4999ms #', { a: textEvent('Hi', 'Hi') }, anError('AuiTimeoutError', { phase: 'idle', taskId: TASK_ID }));
    });
    expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]);
  });

  it('idle clock starts at the send and restarts on any frame, unknown ones included', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, { timeouts: { idleMs: 100 } });
      at(scheduler, 50, () => sock(0).open()); // send at 50
      at(scheduler, 140, () => sock(0).receive({ event: 'thread-message-thinking' })); // unknown, resets
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('240ms #', undefined, anError('AuiTimeoutError', { phase: 'idle' }));
    });
  });

  it('idle timeout of a later turn on the same socket counts from its own send and frames', () => {
    scheduler.run(({ expectObservable, cold }) => {
      const pool = mockPool(scheduler, { maxConnections: 1, timeouts: { idleMs: 100 }, idleLingerMs: 10_000 });
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 90, () => sock(0).receive(finalFrame('one'))); // the first turn's idle clock was armed at 1
      at(scheduler, 150, () => sock(0).receive(a2('Hi')));
      const second = cold('120ms a|').pipe(switchMap(() => pool.turn({ task_id: TASK_ID, text: 'again' })));
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('90ms (f|)', { f: expect.objectContaining({ kind: 'final' }) });
      expectObservable(second).toBe('150ms a 99ms #', { a: textEvent('Hi', 'Hi') }, anError('AuiTimeoutError', { phase: 'idle' }));
    });
    expect(MockWebSocket.instances).toHaveLength(1);
  });

  it('a socket that served many turns still times out exactly idleMs after the last frame', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, { maxConnections: 1, timeouts: { idleMs: 30 } });
      at(scheduler, 1, () => sock(0).open());
      for (let t = 0; t < 10; t++) at(scheduler, 10 + 20 * t, () => sock(0).receive(finalFrame(`r${t}`)));
      for (let t = 0; t < 10; t++) pool.turn({ task_id: TASK_ID, text: `m${t}` }).subscribe();
      at(scheduler, 215, () => sock(0).receive(a2('late')));
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'last' })).toBe('215ms a 29ms #', { a: textEvent('late', 'late') }, anError('AuiTimeoutError', { phase: 'idle' }));
    });
  });

  it('error frame then close → one error at the close, frame class + close code', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 10, () => sock(0).receive(FRAME_ERROR));
      at(scheduler, 300, () => sock(0).serverClose(1008, 'Invalid'));
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('300ms #', undefined, anError('AuiValidationError', { status: 422, closeCode: 1008, reason: 'Invalid' }));
    });
  });

  it('error frame and no close → waits 1 s, errors with the frame alone, closes the socket', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => (sock(0).open(), sock(1).open()));
      at(scheduler, 10, () => (sock(0).receive(FRAME_ERROR), sock(1).receive(FRAME_ERROR)));
      const notClosed = expect.not.objectContaining({ closeCode: expect.anything() });
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('1010ms #', undefined, expect.objectContaining({ name: 'AuiValidationError', status: 422 }));
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' }).pipe(catchError((e: unknown) => of(e)))).toBe('1010ms (e|)', { e: notClosed });
    });
    expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]);
    expect(sock(1).closeCalls).toEqual([{ code: 1000, reason: '' }]);
  });

  it('frames after an error frame are ignored', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(FRAME_ERROR));
      at(scheduler, 3, () => sock(0).receive(a2('late')));
      at(scheduler, 4, () => sock(0).serverClose(1011));
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('----#', undefined, anError('AuiValidationError', { closeCode: 1011 }));
    });
  });

  it('a non-JSON frame → AuiProtocolError and the socket is closed (it is out of step)', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive('<html>'));
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('--#', undefined, anError('AuiProtocolError', { body: '<html>' }));
    });
    expect(sock(0).closeCalls).toHaveLength(1);
  });
});

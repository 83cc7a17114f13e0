import WebSocket from 'ws';
import { concatMap, from, lastValueFrom, merge, take, toArray } from 'rxjs';
import type { ConnectionState } from '../../../lib/transports/websocket/connection-state.js';
import { agentReplyText, splitReply } from '../../../lib/testing/fake-agent.js';
import { WsHarness, allEvents, finalText, outcome, texts, until } from '../../helpers/ws-server.js';

/** A `ws` constructor that records, in one log, every frame any instance sends. */
function recordingWebSocket(log: string[]): typeof WebSocket {
  return class RecordingWebSocket extends WebSocket {
    override send(data: unknown, ...rest: unknown[]): void {
      log.push(String(data));
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  };
}

describe('ConnectionPool against FakeAuiServer', () => {
  const h = new WsHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  afterEach(async () => {
    h.closePools();
    await until(() => h.server.stats.openConnections === 0);
    h.server.reset();
    h.server.configure({ frameDelayMs: 0, framesPerReply: 0 });
  });

  it('5 sequential turns reuse one socket', async () => {
    const pool = h.pool();
    const task = h.task();
    const finals = await lastValueFrom(
      from(['one', 'two', 'three', 'four', 'five']).pipe(
        concatMap((text) => allEvents(pool.turn({ task_id: task, text }))),
        toArray(),
      ),
    );
    expect(finals.map((events) => finalText(events))).toEqual(['one', 'two', 'three', 'four', 'five'].map(agentReplyText));
    expect(h.server.stats.connections).toBe(1);
    expect(h.server.stats.turns).toBe(5);
    expect(pool.stats).toMatchObject({ socketsCreated: 1, turnsStarted: 5 });
    // history: user + agent message per turn, in order
    expect(h.server.store.messages.get(task)?.map((m) => m.sender.type)).toEqual(Array(5).fill(['user', 'agent']).flat());
  });

  it('6 concurrent turns with maxConnections 2: never more than 2 sockets, every turn right, sent in subscription order', async () => {
    h.server.configure({ frameDelayMs: 1, framesPerReply: 6 });
    const sent: string[] = [];
    const pool = h.pool({ maxConnections: 2, WebSocket: recordingWebSocket(sent) as never });
    const task = h.task();
    const prompts = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    const results = await Promise.all(prompts.map((text) => outcome(pool.turn({ task_id: task, text }))));
    for (const [i, result] of results.entries()) {
      expect(result.error).toBeUndefined();
      expect(finalText(result.events)).toBe(agentReplyText(prompts[i] as string));
      expect(texts(result.events)).toHaveLength(6);
      expect(texts(result.events).at(-1)).toBe(agentReplyText(prompts[i] as string));
    }
    expect(h.server.stats.maxOpenConnections).toBeLessThanOrEqual(2);
    expect(h.server.stats.connections).toBe(2);
    expect(pool.stats.maxSockets).toBe(2);
    expect(sent.map((s) => (JSON.parse(s) as { text: string }).text)).toEqual(prompts);
  });

  it('unsubscribing mid-turn closes that socket; the next turn still works (no leftover frames)', async () => {
    h.server.configure({ frameDelayMs: 5, framesPerReply: 20 });
    const pool = h.pool();
    const task = h.task();
    const partial = await lastValueFrom(pool.turn({ task_id: task, text: 'first' }).pipe(take(2), toArray()));
    expect(partial).toHaveLength(2);
    await until(() => h.server.stats.openConnections === 0);
    const next = await allEvents(pool.turn({ task_id: task, text: 'second' }));
    expect(finalText(next)).toBe(agentReplyText('second'));
    expect(texts(next)[0]).toBe(splitReply(agentReplyText('second'), 20)[0]);
    expect(h.server.stats.connections).toBe(2);
    expect(pool.stats.strayFrames).toBe(0);
  });

  it("linger: a free socket goes 'closing' then 'idle' once the server answers", async () => {
    const pool = h.pool({ idleLingerMs: 20 });
    const states: ConnectionState[] = [];
    pool.state$.subscribe((s) => states.push(s));
    await allEvents(pool.turn({ task_id: h.task(), text: 'x' }));
    await until(() => states.at(-1) === 'idle' && states.length > 1);
    expect(states).toEqual(['idle', 'connecting', 'open', 'closing', 'idle']);
    expect(h.server.stats.openConnections).toBe(0);
  });

  it('close() under a running turn: AuiConnectionError, the socket closes, nothing is left', async () => {
    h.server.configure({ frameDelayMs: 5, framesPerReply: 50 });
    const pool = h.pool();
    const running = outcome(pool.turn({ task_id: h.task(), text: 'x' }));
    await until(() => pool.stats.framesReceived > 0);
    pool.close();
    const result = await running;
    expect(result.error).toMatchObject({ name: 'AuiConnectionError' });
    await until(() => h.server.stats.openConnections === 0);
    const after = await outcome(pool.turn({ task_id: h.task(), text: 'y' }));
    expect(after.error).toMatchObject({ name: 'AuiConnectionError' });
    expect(h.server.stats.connections).toBe(1);
  });

  it('a 1011 mid-turn errors that turn; a queued turn completes on a fresh socket', async () => {
    h.server.configure({ frameDelayMs: 1, framesPerReply: 4 });
    h.server.failNextTurn({ type: 'close', code: 1011, afterFrames: 2 });
    const pool = h.pool({ maxConnections: 1 });
    const task = h.task();
    const [first, second] = await Promise.all([
      outcome(pool.turn({ task_id: task, text: 'a' })),
      outcome(pool.turn({ task_id: task, text: 'b' })),
    ]);
    expect(first.error).toMatchObject({ name: 'AuiServerError', closeCode: 1011 });
    expect(finalText(second.events)).toBe(agentReplyText('b'));
    expect(h.server.stats.connections).toBe(2);
  });

  it('stall: the idle timeout ends the turn and closes the socket', async () => {
    h.server.failNextTurn({ type: 'stall', afterFrames: 1 });
    const pool = h.pool({ timeouts: { idleMs: 50 } });
    const result = await outcome(pool.turn({ task_id: h.task(), text: 'x' }));
    expect(result.error).toMatchObject({ name: 'AuiTimeoutError', phase: 'idle' });
    expect(texts(result.events)).toHaveLength(1);
    await until(() => h.server.stats.openConnections === 0);
  });

  it('limits.maxFrameBytes bounds a frame: above it AuiProtocolError 1009 naming the limit, under it the turn completes', async () => {
    h.server.failNextTurn({ type: 'oversize', bytes: 4096 });
    const small = await outcome(h.pool({ limits: { maxFrameBytes: 2048 } }).turn({ task_id: h.task(), text: 'x' }));
    expect(small.error).toMatchObject({ name: 'AuiProtocolError', closeCode: 1009, retryable: false });
    expect((small.error as Error).message).toContain('2048 bytes');
    h.server.failNextTurn({ type: 'oversize', bytes: 4096 });
    const roomy = await outcome(h.pool({ limits: { maxFrameBytes: 16_384 } }).turn({ task_id: h.task(), text: 'y' }));
    expect(roomy.error).toBeUndefined();
    expect(finalText(roomy.events)).toBe(agentReplyText('y'));
  });

  it('a stalled handshake → AuiTimeoutError (connect)', async () => {
    h.server.failNextConnection({ type: 'stall' });
    const result = await outcome(h.pool({ timeouts: { connectMs: 50 } }).turn({ task_id: h.task(), text: 'x' }));
    expect(result.error).toMatchObject({ name: 'AuiTimeoutError', phase: 'connect' });
  });

  it('merge of turns on several tasks keeps each reply with its own turn', async () => {
    const pool = h.pool({ maxConnections: 3 });
    const tasks = [h.task('u1'), h.task('u2'), h.task('u3')];
    const finals = await lastValueFrom(
      merge(...tasks.map((task) => pool.turn({ task_id: task, text: `for ${task}` }))).pipe(toArray()),
    );
    for (const task of tasks) {
      const final = finals.find((e) => e.kind === 'final' && e.taskId === task);
      expect(final?.kind === 'final' && final.message.text).toBe(agentReplyText(`for ${task}`));
    }
  });
});

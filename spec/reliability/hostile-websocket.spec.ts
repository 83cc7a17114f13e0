/**
 * Hostile WebSocket peers, part 1 (design.md §4 and §7, issue 13): a reply that grows past
 * `limits.maxReplyChars`, a frame past `limits.maxFrameBytes`, and late frames of one task that must
 * never reach another task's turn. Each test runs its own peer on 127.0.0.1 (spec/helpers/hostile-ws-server.ts)
 * and closes it and its client afterwards. Part 2 (the close handshake against a half-open peer) is
 * hostile-websocket-close.spec.ts.
 *
 * Tests with a `fails before the issue-13 rewrite` comment failed on the transport before the re-cut
 * of lib/transports/websocket/ (the comment says how); they pass since.
 */
import { concat, type Observable } from 'rxjs';
import { AuiClient } from '../../lib/client.js';
import { AuiProtocolError, isRetryable } from '../../lib/errors.js';
import type { AuiClientOptions } from '../../lib/options.js';
import { retryTransient } from '../../lib/operators/retry-transient.js';
import type { StreamEvent } from '../../lib/stream-event.js';
import { HostileWsServer, finalFrame, taskOf, textA1, textA2, type Peer, type Route } from '../helpers/hostile-ws-server.js';
import { randomKey, secretLeaks, settle, waitUntil, type Settled } from '../helpers/reliability-kit.js';

// Generous, bounded: every wait below is an awaited event with its own cap (never a timing assertion).
jest.setTimeout(30_000);

const CAP_MS = 5000;
const KiB = 1024;

/** The texts of the text events (`text`, the whole reply so far). */
const texts = (events: readonly unknown[]): string[] => events.flatMap((e) => ((e as StreamEvent).kind === 'text' ? [(e as { text: string }).text] : []));
/** The finals' message texts. */
const finals = (events: readonly unknown[]): string[] =>
  events.flatMap((e) => ((e as StreamEvent).kind === 'final' ? [(e as { message: { text: string } }).message.text] : []));

/** `pool.stats.foreignFrames` once the rewrite has it; undefined today (and if the pool is renamed). */
function foreignFramesOf(client: AuiClient): number | undefined {
  const stats = (client as unknown as { pool?: { stats?: { foreignFrames?: unknown } } }).pool?.stats;
  return typeof stats?.foreignFrames === 'number' ? stats.foreignFrames : undefined;
}

describe('hostile WebSocket peers: limits and foreign frames', () => {
  const key = randomKey();
  let server: HostileWsServer | undefined;
  let client: AuiClient | undefined;

  async function start(route: (index: number) => Route, options: Partial<AuiClientOptions> = {}): Promise<{ server: HostileWsServer; client: AuiClient }> {
    const s = await HostileWsServer.start(route);
    server = s;
    const c = new AuiClient({ apiKey: key, baseUrl: s.baseUrl, ...options });
    client = c;
    return { server: s, client: c };
  }

  afterEach(async () => {
    client?.close();
    client = undefined;
    await server?.stop();
    server = undefined;
  });

  /** The turn failed with a non-retryable AuiProtocolError for `taskId`, without the key anywhere. */
  function expectLimitError(result: Settled<unknown>, taskId: string): AuiProtocolError {
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(AuiProtocolError);
    const error = result.error as AuiProtocolError;
    expect(error).toMatchObject({ kind: 'protocol', retryable: false, taskId });
    expect(isRetryable(error)).toBe(false);
    expect(secretLeaks(error, key)).toEqual([]);
    return error;
  }

  /** A turn piped through retryTransient, which must not resend on a limit error. */
  const turnWithRetry = (c: AuiClient, taskId: string, text = 'hi'): Observable<unknown> =>
    c.streamMessage({ task_id: taskId, text }).pipe(retryTransient({ count: 2, initialDelayMs: 10, jitter: false }));

  describe('limits.maxReplyChars', () => {
    const MAX_REPLY = 3_000_000;
    const DELTA_CHARS = 512 * KiB;
    const MAX_DELTAS = 32; // 16 MiB at most: the peer is bounded even when the client is not
    const deltas = [textA2('a'.repeat(DELTA_CHARS)), textA2('b'.repeat(DELTA_CHARS))];

    /** Streams alternating 512 Ki-char deltas, never a final, until the client goes or MAX_DELTAS. */
    function endlessDeltas(peer: Peer): void {
      let sent = 0;
      const next = (): void => {
        if (sent >= MAX_DELTAS || peer.dropped) return;
        peer.sendThen(deltas[sent++ % 2] as string, next);
      };
      next();
    }

    // failed before the issue-13 rewrite: no cap on a reply. With this bounded peer the text grows to
    // 16 Mi chars, then the turn times out (AuiTimeoutError, retryable: retryTransient resends twice);
    // with an unbounded 1 MiB-delta peer the process dies with `RangeError: Invalid string length`.
    it('a reply growing past maxReplyChars without a final: non-retryable AuiProtocolError, socket dropped, no resend', async () => {
      const { server: s, client: c } = await start(() => ({ kind: 'ws', onText: endlessDeltas }), {
        limits: { maxReplyChars: MAX_REPLY },
        timeouts: { idleMs: 3000 },
      });
      const result = await settle(turnWithRetry(c, 'task-A'), 20_000);
      const error = expectLimitError(result, 'task-A');
      expect(error.message).toContain('limits.maxReplyChars');
      // No text event beyond the limit was emitted.
      expect(Math.max(0, ...texts(result.values).map((t) => t.length))).toBeLessThanOrEqual(MAX_REPLY);
      // One send, on one connection, which the client dropped.
      expect(s.allReceived()).toHaveLength(1);
      expect(s.peers).toHaveLength(1);
      await waitUntil(() => s.peers[0]?.dropped === true, 'the client drops the socket', CAP_MS);
    });

    /** A peer that answers with `length` chars in 10 frames (deltas or cumulative), then a final. */
    function replyOf(length: number, mode: 'delta' | 'cumulative'): Route {
      const whole = Array.from({ length }, (_, i) => String.fromCharCode(97 + (Math.floor(i / 100) % 2))).join('');
      return {
        kind: 'ws',
        onText: (peer) => {
          const cuts = Array.from({ length: 10 }, (_, k) => Math.round(((k + 1) * length) / 10));
          let from = 0;
          for (const to of cuts) {
            peer.send(textA2(mode === 'delta' ? whole.slice(from, to) : whole.slice(0, to)));
            from = to;
          }
          peer.send(finalFrame(whole));
        },
      };
    }

    it.each(['delta', 'cumulative'] as const)('accepts a reply of exactly maxReplyChars (%s frames)', async (mode) => {
      const { client: c } = await start(() => replyOf(1000, mode), { limits: { maxReplyChars: 1000 } });
      const result = await settle(c.streamMessage({ task_id: 'task-A', text: 'hi' }), CAP_MS);
      expect(result.error).toBeUndefined();
      expect(result.completed).toBe(true);
      expect(texts(result.values).at(-1)).toHaveLength(1000);
      expect(finals(result.values)[0]).toHaveLength(1000);
    });

    // failed before the issue-13 rewrite: no cap on a reply; the 1001-char reply completes normally.
    it.each(['delta', 'cumulative'] as const)('refuses a reply of maxReplyChars + 1 (%s frames)', async (mode) => {
      const { server: s, client: c } = await start(() => replyOf(1001, mode), { limits: { maxReplyChars: 1000 } });
      const result = await settle(turnWithRetry(c, 'task-A'), CAP_MS);
      expect(expectLimitError(result, 'task-A').message).toContain('limits.maxReplyChars');
      expect(finals(result.values)).toEqual([]);
      expect(s.allReceived()).toHaveLength(1);
      await waitUntil(() => s.peers[0]?.dropped === true, 'the client drops the socket', CAP_MS);
    });
  });

  describe('limits.maxFrameBytes', () => {
    const MAX_FRAME = 64 * KiB;
    /** An A2 text frame of exactly `bytes` bytes. */
    const frameOfBytes = (bytes: number): string => textA2('x'.repeat(bytes - Buffer.byteLength(textA2(''))));

    it('a single frame above maxFrameBytes: non-retryable AuiProtocolError, socket dropped, no resend', async () => {
      const big = frameOfBytes(100 * KiB);
      const { server: s, client: c } = await start(() => ({ kind: 'ws', onText: (peer) => peer.send(big) }), { limits: { maxFrameBytes: MAX_FRAME } });
      const result = await settle(turnWithRetry(c, 'task-A'), CAP_MS);
      expectLimitError(result, 'task-A');
      expect(texts(result.values)).toEqual([]);
      expect(s.allReceived()).toHaveLength(1);
      expect(s.peers).toHaveLength(1);
      await waitUntil(() => s.peers[0]?.dropped === true, 'the client drops the socket', CAP_MS);
    });

    it('accepts a frame of exactly maxFrameBytes, refuses one byte more', async () => {
      const exact = frameOfBytes(MAX_FRAME);
      const over = frameOfBytes(MAX_FRAME + 1);
      expect(Buffer.byteLength(exact)).toBe(MAX_FRAME);
      const { client: c } = await start(
        () => ({
          kind: 'ws',
          onText: (peer, text) => {
            peer.send(taskOf(text) === 'task-exact' ? exact : over);
            peer.send(finalFrame('done'));
          },
        }),
        { limits: { maxFrameBytes: MAX_FRAME } },
      );
      const ok = await settle(c.streamMessage({ task_id: 'task-exact', text: 'hi' }), CAP_MS);
      expect(ok.error).toBeUndefined();
      expect(finals(ok.values)).toEqual(['done']);
      expectLimitError(await settle(c.streamMessage({ task_id: 'task-over', text: 'hi' }), CAP_MS), 'task-over');
    });
  });

  describe('frames of another task', () => {
    /** Answers task A with a text and a final, then B likewise; `late` says when A's late frames go out. */
    function lateFramesPeer(late: 'right-after-final' | 'before-next-reply'): Route {
      const lateFrames = [textA1('task-A', 'A LATE'), finalFrame('A LATE FINAL')];
      const pending = new Map<Peer, string[]>();
      return {
        kind: 'ws',
        onText: (peer, text) => {
          for (const frame of pending.get(peer) ?? []) peer.send(frame);
          pending.delete(peer);
          const task = taskOf(text) === 'task-A' ? 'A' : 'B';
          peer.send(textA2(`${task} says hi`));
          peer.send(finalFrame(`${task} final`));
          if (task !== 'A') return;
          if (late === 'right-after-final') for (const frame of lateFrames) peer.send(frame);
          else pending.set(peer, lateFrames);
        },
      };
    }

    /** Turn B's events never show A's late text or final; B gets its own reply. */
    function expectCleanB(bEvents: readonly unknown[], result: Settled<unknown>): void {
      expect(result.error).toBeUndefined();
      expect(result.completed).toBe(true);
      expect(bEvents.every((e) => (e as StreamEvent).taskId === 'task-B')).toBe(true);
      expect(texts(bEvents).some((t) => t.includes('LATE'))).toBe(false);
      expect(texts(bEvents)).toEqual(['B says hi']);
      expect(finals(bEvents)).toEqual(['B final']);
    }

    // failed before the issue-13 rewrite: B reuses A's socket at once and gets 'A LATE' as its text and
    // A's late final as its final (B's own reply then arrives as stray frames).
    it("late frames of task A, sent right after A's final, never reach task B's turn started on that final", async () => {
      const { client: c } = await start(() => lateFramesPeer('right-after-final'), { idleLingerMs: 10_000 });
      // concat subscribes B synchronously on A's completion, i.e. while A's late frames are in flight.
      const result = await settle(concat(c.streamMessage({ task_id: 'task-A', text: 'a' }), c.streamMessage({ task_id: 'task-B', text: 'b' })), CAP_MS);
      const firstFinal = result.values.findIndex((e) => (e as StreamEvent).kind === 'final');
      expect(finals(result.values.slice(0, firstFinal + 1))).toEqual(['A final']);
      expectCleanB(result.values.slice(firstFinal + 1), result);
    });

    // failed before the issue-13 rewrite: B reuses A's socket, so the peer's late A frames (sent just
    // before B's reply) become B's text and B's final ('A LATE FINAL').
    it("late frames of task A, sent just before the reply to the next message, never reach task B's turn", async () => {
      const { client: c } = await start(() => lateFramesPeer('before-next-reply'), { idleLingerMs: 10_000 });
      const a = await settle(c.streamMessage({ task_id: 'task-A', text: 'a' }), CAP_MS);
      expect(finals(a.values)).toEqual(['A final']);
      const b = await settle(c.streamMessage({ task_id: 'task-B', text: 'b' }), CAP_MS);
      expectCleanB(b.values, b);
    });

    /** A peer that answers every message with `<task> reply` (a text, then a final). */
    const echoPeer = (): Route => ({
      kind: 'ws',
      onText: (peer, text) => {
        peer.send(textA2(`${taskOf(text)} reply`));
        peer.send(finalFrame(`${taskOf(text)} reply`));
      },
    });

    it('the next turn of the same task reuses the socket', async () => {
      const { server: s, client: c } = await start(echoPeer, { idleLingerMs: 10_000 });
      for (let i = 0; i < 2; i++) {
        const turn = await settle(c.streamMessage({ task_id: 'task-A', text: `turn ${i}` }), CAP_MS);
        expect(finals(turn.values)).toEqual(['task-A reply']);
      }
      expect(s.peers).toHaveLength(1);
      expect(s.peers[0]?.received).toHaveLength(2);
    });

    // failed before the issue-13 rewrite: the turn of task B reuses the socket that served task A
    // (the peer sees 1 connection, not 2).
    it('a turn of another task does not reuse a socket that served task A', async () => {
      const { server: s, client: c } = await start(echoPeer, { idleLingerMs: 10_000 });
      expect(finals((await settle(c.streamMessage({ task_id: 'task-A', text: 'a' }), CAP_MS)).values)).toEqual(['task-A reply']);
      expect(finals((await settle(c.streamMessage({ task_id: 'task-B', text: 'b' }), CAP_MS)).values)).toEqual(['task-B reply']);
      expect(s.peers).toHaveLength(2);
      expect(s.peers.map((p) => p.received.map(taskOf))).toEqual([['task-A'], ['task-B']]);
    });

    // failed before the issue-13 rewrite: the A1 frame naming task-Z is emitted as text of task-A's turn
    // (text 'mine FOREIGN…'), and there is no foreignFrames counter.
    it('an A1 text frame naming another task during a running turn is dropped and counted', async () => {
      const { client: c } = await start(() => ({
        kind: 'ws',
        onText: (peer) => {
          peer.send(textA2('mine '));
          peer.send(textA1('task-Z', 'FOREIGN'));
          peer.send(textA1('task-A', 'also mine'));
          peer.send(finalFrame('mine also mine'));
        },
      }));
      const result = await settle(c.streamMessage({ task_id: 'task-A', text: 'hi' }), CAP_MS);
      expect(result.completed).toBe(true);
      expect(texts(result.values)).toEqual(['mine ', 'mine also mine']);
      expect(finals(result.values)).toEqual(['mine also mine']);
      expect(foreignFramesOf(c)).toBe(1);
    });
  });
});

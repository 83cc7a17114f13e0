/**
 * Hostile WebSocket peers, part 2 (design.md §4, issue 13): the close handshake is bounded. Against a
 * half-open peer (a hand-written handshake, then it never answers a close frame), an unsubscribe,
 * `client.close()` or the idle linger must drop the socket within `timeouts.closeMs`, leaving no socket
 * and no timer behind; a turn queued behind such a socket (`maxConnections: 1`) must get its own socket
 * soon after, not after `ws`'s own 30 s close timeout.
 *
 * Nothing here measures wall time: each test awaits observable facts with a cap (the peer sees the TCP
 * connection dropped; `process.getActiveResourcesInfo()` is back to the counts before the test).
 * `closeMs` is 200 ms and every cap 5 s, far from the ~30 s the old code takes.
 *
 * Tests with a `fails before the issue-13 rewrite` comment failed on the transport before the re-cut
 * of lib/transports/websocket/ (the comment says how); they pass since.
 */
import { AuiClient } from '../../lib/client.js';
import { AuiConnectionError } from '../../lib/errors.js';
import type { AuiClientOptions } from '../../lib/options.js';
import type { StreamEvent } from '../../lib/stream-event.js';
import { HostileWsServer, finalFrame, taskOf, textA2, type Route } from '../helpers/hostile-ws-server.js';
import { activeResources, randomKey, settle, waitUntil } from '../helpers/reliability-kit.js';

// Generous, bounded: every wait below is an awaited event with its own cap (never a timing assertion).
jest.setTimeout(30_000);

const CLOSE_MS = 200;
const CAP_MS = 5000;

/** TCP sockets and timers alive in this process now. */
interface Resources {
  readonly sockets: number;
  readonly timeouts: number;
}
const resources = (): Resources => ({ sockets: activeResources('TCPSocketWrap'), timeouts: activeResources('Timeout') });

/**
 * The counts before a test, once jest's own zero-delay timer of a file's first test has run (without
 * this hop the baseline holds one timer that soon goes away, and would hide one left behind).
 */
async function quietBaseline(): Promise<Resources> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setImmediate(resolve));
  return resources();
}

/** Waits (capped) until the process holds no more sockets and timers than `baseline`, then asserts it. */
async function expectBackTo(baseline: Resources): Promise<void> {
  await waitUntil(
    () => {
      const now = resources();
      return now.sockets <= baseline.sockets && now.timeouts <= baseline.timeouts;
    },
    'no socket or timer left beyond the baseline',
    CAP_MS,
  ).catch(() => undefined);
  const now = resources();
  expect({ sockets: Math.min(now.sockets, baseline.sockets), timeouts: Math.min(now.timeouts, baseline.timeouts) }).toEqual(now);
}

const finals = (events: readonly StreamEvent[]): string[] => events.flatMap((e) => (e.kind === 'final' ? [e.message.text] : []));

/** A half-open peer that never sends anything. */
const silent = (): Route => ({ kind: 'raw' });
/** A half-open peer that answers each message with a final, but never answers a close frame. */
const answersThenIgnoresClose = (): Route => ({ kind: 'raw', onText: (peer, text) => peer.send(finalFrame(`${taskOf(text)} final`)) });
/** A well-behaved `ws` peer that answers each message with a text and a final. */
const wellBehaved = (): Route => ({
  kind: 'ws',
  onText: (peer, text) => {
    peer.send(textA2(`${taskOf(text)} hi`));
    peer.send(finalFrame(`${taskOf(text)} final`));
  },
});

describe('hostile WebSocket peers: the close handshake is bounded', () => {
  const key = randomKey();
  let server: HostileWsServer | undefined;
  let client: AuiClient | undefined;
  let baseline: Resources;

  /** Starts the peer, records the baseline, then creates the client (`closeMs` through a cast until the type has it). */
  async function start(route: (index: number) => Route, options: Partial<AuiClientOptions> = {}): Promise<{ server: HostileWsServer; client: AuiClient }> {
    const s = await HostileWsServer.start(route);
    server = s;
    baseline = await quietBaseline();
    const c = new AuiClient({ apiKey: key, baseUrl: s.baseUrl, ...options, timeouts: { closeMs: CLOSE_MS, ...options.timeouts } as never });
    client = c;
    return { server: s, client: c };
  }

  afterEach(async () => {
    client?.close();
    client = undefined;
    await server?.stop();
    server = undefined;
  });

  it('control: a well-behaved peer answers the close, and close() leaves no socket or timer', async () => {
    const { server: s, client: c } = await start(() => wellBehaved());
    const turn = await settle(c.streamMessage({ task_id: 'task-A', text: 'hi' }), CAP_MS);
    expect(finals(turn.values)).toEqual(['task-A final']);
    c.close();
    await waitUntil(() => s.peers[0]?.dropped === true, 'the connection is gone', CAP_MS);
    expect(s.peers[0]?.closeCodes).toEqual([1000]);
    await expectBackTo(baseline);
  });

  // failed before the issue-13 rewrite: the client sends its close frame and then waits for ws's own
  // 30 s close timeout; the peer's connection stays up past the 5 s cap (socket and timer alive).
  it('unsubscribing mid-turn drops the socket of a peer that never answers the close', async () => {
    const { server: s, client: c } = await start(() => silent());
    const errors: unknown[] = [];
    const subscription = c.streamMessage({ task_id: 'task-A', text: 'hi' }).subscribe({ error: (e: unknown) => void errors.push(e) });
    await waitUntil(() => s.peers[0]?.received.length === 1, 'the peer got the message', CAP_MS);
    subscription.unsubscribe();
    await waitUntil(() => s.peers[0]?.dropped === true, 'the client drops the half-open socket', CAP_MS);
    await expectBackTo(baseline);
    expect(errors).toEqual([]);
  });

  // failed before the issue-13 rewrite: close() sends 1000 and then waits for ws's 30 s close timeout;
  // the half-open socket and that timer outlive close() past the 5 s cap.
  it('close() mid-turn drops the socket of a peer that never answers the close, and leaves no handle', async () => {
    const { server: s, client: c } = await start(() => silent());
    const turn = settle(c.streamMessage({ task_id: 'task-A', text: 'hi' }), CAP_MS);
    await waitUntil(() => s.peers[0]?.received.length === 1, 'the peer got the message', CAP_MS);
    c.close();
    const result = await turn;
    expect(result.error).toBeInstanceOf(AuiConnectionError);
    expect(result.error).toMatchObject({ taskId: 'task-A' });
    await waitUntil(() => s.peers[0]?.closeCodes.includes(1000) === true, 'the client sends its close frame (1000)', CAP_MS);
    await waitUntil(() => s.peers[0]?.dropped === true, 'the client drops the half-open socket', CAP_MS);
    await expectBackTo(baseline);
  });

  // failed before the issue-13 rewrite: as above, with the socket lingering after a completed turn.
  it('close() while a socket lingers drops the socket of a peer that never answers the close, and leaves no handle', async () => {
    const { server: s, client: c } = await start(() => answersThenIgnoresClose(), { idleLingerMs: 60_000 });
    const turn = await settle(c.streamMessage({ task_id: 'task-A', text: 'hi' }), CAP_MS);
    expect(finals(turn.values)).toEqual(['task-A final']);
    c.close();
    await waitUntil(() => s.peers[0]?.closeCodes.includes(1000) === true, 'the client sends its close frame (1000)', CAP_MS);
    await waitUntil(() => s.peers[0]?.dropped === true, 'the client drops the half-open socket', CAP_MS);
    await expectBackTo(baseline);
  });

  // failed before the issue-13 rewrite: the linger ends with a close frame (1000), then the socket
  // waits for ws's 30 s close timeout; the peer's connection stays up past the 5 s cap.
  it('the idle linger drops the socket of a peer that never answers the close, without close()', async () => {
    const { server: s, client: c } = await start(() => answersThenIgnoresClose(), { idleLingerMs: 50 });
    const turn = await settle(c.streamMessage({ task_id: 'task-A', text: 'hi' }), CAP_MS);
    expect(finals(turn.values)).toEqual(['task-A final']);
    await waitUntil(() => s.peers[0]?.closeCodes.includes(1000) === true, 'the linger ends with a close frame (1000)', CAP_MS);
    await waitUntil(() => s.peers[0]?.dropped === true, 'the client drops the half-open socket', CAP_MS);
    await expectBackTo(baseline);
  });

  // failed before the issue-13 rewrite: the closing half-open socket counts toward maxConnections until
  // ws's 30 s close timeout, so the queued turn does not connect within the 5 s cap.
  it('with maxConnections 1, a turn queued behind an unsubscribed turn on a half-open peer gets its own socket', async () => {
    const { server: s, client: c } = await start((index) => (index === 0 ? silent() : wellBehaved()), { maxConnections: 1 });
    const first = c.streamMessage({ task_id: 'task-A', text: 'first' }).subscribe();
    await waitUntil(() => s.peers[0]?.received.length === 1, 'the half-open peer got the first message', CAP_MS);
    const second = settle(c.streamMessage({ task_id: 'task-B', text: 'second' }), CAP_MS);
    first.unsubscribe();
    const result = await second;
    expect(result.error).toBeUndefined();
    expect(finals(result.values)).toEqual(['task-B final']);
    expect(s.peers).toHaveLength(2);
    expect(s.peers[0]?.dropped).toBe(true);
    expect(s.peers[1]?.received.map(taskOf)).toEqual(['task-B']);
  });
});

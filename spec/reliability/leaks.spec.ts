/**
 * Leaks (issue 7 §4): 10,000 subscribe/unsubscribe cycles at random points of a turn on MockWebSocket
 * (virtual time, synchronous), then 500 against the real FakeAuiServer. At the end: no socket open,
 * no listener left on a closed socket, no timer pending, no notification after unsubscribe, and the
 * heap after GC within 1 MB of where it started.
 *
 * The PRNG is seeded (RELIABILITY_SEED, default below) so a failing run can be replayed.
 */
import { take, type Observable } from 'rxjs';
import { AuiClient } from '../../lib/client.js';
import type { StreamEvent } from '../../lib/stream-event.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { LeakMockWebSocket, MockTurnDriver } from '../helpers/reliability-mock-driver.js';
import { gcFunction, heapAfterGc, installProcessRecorder, poolOf, seededRandom, waitUntil, type ProcessRecord } from '../helpers/reliability-kit.js';

// Bounded, but generous: this file does heavy work and the machine may be shared (never a timing assertion).
jest.setTimeout(120_000);

const SEED = Number(process.env['RELIABILITY_SEED'] ?? 20_251_124);
const MOCK_CYCLES = 10_000;
const SERVER_CYCLES = 500;
const MB = 1024 * 1024;

describe('leaks', () => {
  let recorder: ProcessRecord;
  beforeAll(() => (recorder = installProcessRecorder()));
  afterAll(() => recorder.dispose());
  afterEach(() => {
    expect(recorder.rejections).toEqual([]);
    expect(recorder.warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
    LeakMockWebSocket.resetAll();
  });

  /** Runs the cycles and every end-state check; returns only numbers, so nothing of the run stays reachable. */
  function runMockCycles(cycles: number, seed: number): Record<string, number> {
    const driver = new MockTurnDriver(seededRandom(seed));
    for (let i = 0; i < cycles; i++) driver.cycle();
    const { stats, scheduler, client } = driver;
    const pool = poolOf(client);

    // Left alone, the pool releases everything by itself: lingering sockets close, timers run out.
    scheduler.flush();
    expect(LeakMockWebSocket.prune()).toBe(0);
    expect(scheduler.actions).toHaveLength(0);
    expect(pool.stats).toMatchObject({ sockets: 0, queued: 0 });
    // And close() after that leaves nothing either.
    client.close();
    expect(scheduler.actions).toHaveLength(0);
    expect(LeakMockWebSocket.prune()).toBe(0);

    expect(stats.cycles).toBe(cycles);
    expect(stats.thrown).toBe(0);
    expect(stats.lateNotifications).toBe(0);
    expect(LeakMockWebSocket.closedWithListeners).toBe(0);
    expect(stats.completed + stats.errored + stats.unsubscribedEarly).toBeGreaterThanOrEqual(cycles);
    if (cycles === MOCK_CYCLES) process.stdout.write(`[leaks] stop points: ${JSON.stringify(stats.points)}\n`);
    // Every kind of stop point was exercised.
    for (const point of ['subscribed', 'after-handshake', 'no-socket', 'after-1-text', 'after-3-text', 'after-end', 'awaiting-close', 'ending:time']) {
      expect(stats.points[point] ?? 0).toBeGreaterThan(0);
    }
    const summary = {
      sockets: LeakMockWebSocket.created,
      turnsStarted: pool.stats.turnsStarted,
      completed: stats.completed,
      errored: stats.errored,
      unsubscribedEarly: stats.unsubscribedEarly,
    };
    LeakMockWebSocket.resetAll();
    return summary;
  }

  it(`${MOCK_CYCLES} random subscribe/unsubscribe cycles on MockWebSocket leave no socket, no timer, no heap growth`, () => {
    const gc = gcFunction();
    // Warm up (JIT, zod and rxjs caches) with a throw-away client.
    runMockCycles(1000, SEED + 1);
    const heapBefore = heapAfterGc(gc);
    const summary = runMockCycles(MOCK_CYCLES, SEED);
    const heapAfter = heapAfterGc(gc);
    const delta = heapAfter - heapBefore;
    process.stdout.write(
      `[leaks] mock: ${MOCK_CYCLES} cycles, ${summary['sockets']} sockets, ${summary['turnsStarted']} turns started, ` +
        `${summary['completed']} completed, ${summary['errored']} errored, ${summary['unsubscribedEarly']} unsubscribed mid-way; ` +
        `heap after GC ${(heapBefore / MB).toFixed(2)} MB -> ${(heapAfter / MB).toFixed(2)} MB (delta ${(delta / 1024).toFixed(1)} KB)\n`,
    );
    // Growth is what a leak looks like. A drop is garbage that earlier spec files in this worker left
    // for later (sockets and bodies closing asynchronously): seen once at -95 MB in a full run.
    expect(delta).toBeLessThan(MB);
  });

  it('2,000 cycles with idleLingerMs 0 (every free socket closes at once) leave nothing either', () => {
    const driver = new MockTurnDriver(seededRandom(SEED + 2), 0);
    for (let i = 0; i < 2000; i++) driver.cycle();
    // No turn is running and free sockets close at once: only sockets still connecting may remain.
    LeakMockWebSocket.prune();
    expect([...LeakMockWebSocket.live].filter((ws) => ws.readyState !== 0)).toEqual([]);
    driver.client.close();
    expect(LeakMockWebSocket.prune()).toBe(0);
    expect(driver.scheduler.actions).toHaveLength(0);
    expect(driver.stats).toMatchObject({ thrown: 0, lateNotifications: 0 });
    expect(LeakMockWebSocket.closedWithListeners).toBe(0);
  });

  describe(`${SERVER_CYCLES} cycles against FakeAuiServer`, () => {
    let server: FakeAuiServer;
    beforeAll(async () => (server = await FakeAuiServer.start({ framesPerReply: 12 })));
    afterAll(() => server.stop());

    it('every socket is closed at the end (server openConnections back to 0)', async () => {
      const random = seededRandom(SEED + 3);
      const client = new AuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl, maxConnections: 4, timeouts: { idleMs: 5000, connectMs: 5000 } });
      const taskId = server.store.createTask('leaks', server.apiKey).id;
      const points: Record<string, number> = {};
      let late = 0;
      for (let i = 0; i < SERVER_CYCLES; i++) {
        const turn$: Observable<StreamEvent> = client.streamMessage({ task_id: taskId, text: `cycle ${i}` });
        const x = random();
        const point = x < 0.2 ? 'sync' : x < 0.4 ? 'macrotask' : x < 0.85 ? 'after-n-events' : 'full';
        points[point] = (points[point] ?? 0) + 1;
        await new Promise<void>((resolve) => {
          let finished = false;
          const end = (): void => {
            finished = true;
            resolve();
          };
          const source = point === 'after-n-events' ? turn$.pipe(take(1 + Math.floor(random() * 12))) : turn$;
          const sub = source.subscribe({ next: () => finished && late++, error: end, complete: end });
          if (point === 'sync') {
            sub.unsubscribe();
            end();
          } else if (point === 'macrotask') {
            setImmediate(() => {
              sub.unsubscribe();
              end();
            });
          }
        });
      }
      const pool = poolOf(client);
      expect(pool.stats.maxSockets).toBeLessThanOrEqual(4);
      client.close();
      await waitUntil(() => server.stats.openConnections === 0, 'server openConnections back to 0', 10_000);
      expect(server.stats.openConnections).toBe(0);
      expect(pool.stats).toMatchObject({ sockets: 0, queued: 0 });
      expect(late).toBe(0);
      process.stdout.write(
        `[leaks] server: ${SERVER_CYCLES} cycles (${JSON.stringify(points)}), ${server.stats.connections} connections, ` +
          `${server.stats.turns} turns reached the server, max ${server.stats.maxOpenConnections} open at once\n`,
      );
    });
  });
});

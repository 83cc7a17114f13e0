/**
 * Shared helpers of the reliability suite (spec/reliability, spec/load): a recorder of unhandled
 * rejections and process warnings on the REAL process object, a scheduler that counts pending timers,
 * bounded polling, a refused loopback port, a recognisable random key and a scanner that looks for it
 * everywhere an error can be printed, a GC handle, and a seeded PRNG.
 */
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { inspect, isDeepStrictEqual } from 'node:util';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { asyncScheduler, type Observable, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import type { AuiClient } from '../../lib/client.js';
import type { ConnectionPool } from '../../lib/transports/websocket/connection-pool.js';

/** A recognisable random key, unique per call: `API_KEY_<uuid>`. */
export function randomKey(): string {
  return `API_KEY_${randomUUID()}`;
}

/**
 * The real `process` object. Jest gives each test file a copy whose listeners never hear the real
 * process events; code run with `vm.runInThisContext` sees Node's main context.
 */
export function realProcess(): NodeJS.Process {
  return vm.runInThisContext('process') as NodeJS.Process;
}

/** What {@link installProcessRecorder} saw. */
export interface ProcessRecord {
  readonly rejections: unknown[];
  readonly warnings: Error[];
  /** Removes the listeners. */
  dispose(): void;
}

/** Records `unhandledRejection` and `warning` events of the real process until `dispose()`. */
export function installProcessRecorder(): ProcessRecord {
  const proc = realProcess();
  const rejections: unknown[] = [];
  const warnings: Error[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  const onWarning = (warning: Error): void => void warnings.push(warning);
  proc.on('unhandledRejection', onRejection);
  proc.on('warning', onWarning);
  return {
    rejections,
    warnings,
    dispose: () => {
      proc.off('unhandledRejection', onRejection);
      proc.off('warning', onWarning);
    },
  };
}

/**
 * `asyncScheduler` that remembers every action it scheduled, so a test can ask how many timers are
 * still pending (scheduled, not run, not cancelled). Every aui-rx delay goes through the scheduler.
 */
export class TrackingScheduler implements SchedulerLike {
  /** Actions scheduled so far (pruned when they are no longer pending). */
  private readonly actions = new Set<Subscription>();
  /** Timers ever scheduled. */
  scheduled = 0;

  now(): number {
    return asyncScheduler.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    this.scheduled++;
    const action = asyncScheduler.schedule(work, delay, state as T);
    this.actions.add(action);
    return action;
  }

  /** Timers scheduled and neither run nor cancelled. */
  pending(): number {
    let n = 0;
    for (const action of this.actions) {
      const a = action as Subscription & { pending?: boolean };
      if (!a.closed && a.pending === true) n++;
      else this.actions.delete(action);
    }
    return n;
  }
}

/** Node resources of one type now active (`Timeout`, `TCPSocketWrap`, …). */
export function activeResources(type: string): number {
  return process.getActiveResourcesInfo().filter((r) => r === type).length;
}

/** Polls `check` every `everyMs` until true; throws after `timeoutMs` (bounded in count and time). */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 5000, everyMs = 5): Promise<void> {
  const attempts = Math.ceil(timeoutMs / everyMs);
  for (let i = 0; i < attempts; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  if (!check()) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
}

/** A loopback port that was open a moment ago and is closed now: connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** How an Observable ended: every value, and the error or completion. */
export interface Settled<T> {
  readonly values: T[];
  readonly error: unknown;
  readonly completed: boolean;
  readonly errored: boolean;
}

/** Subscribes and resolves when the source errors or completes (rejects after `guardMs`: a hang). */
export function settle<T>(source: Observable<T>, guardMs = 15_000): Promise<Settled<T>> {
  return new Promise((resolve, reject) => {
    const values: T[] = [];
    let guard: NodeJS.Timeout | undefined;
    const subscription = source.subscribe({
      next: (value) => void values.push(value),
      error: (error: unknown) => {
        if (guard) clearTimeout(guard);
        resolve({ values, error, completed: false, errored: true });
      },
      complete: () => {
        if (guard) clearTimeout(guard);
        resolve({ values, error: undefined, completed: true, errored: false });
      },
    });
    if (!subscription.closed) {
      guard = setTimeout(() => {
        subscription.unsubscribe();
        reject(new Error(`No error or completion within ${guardMs} ms (a hang)`));
      }, guardMs);
    }
  });
}

/** Every text form an error can take in a log: message, String(), JSON, stack, util.inspect (with `cause`). */
export function renderings(error: unknown): Record<string, string> {
  const e = error as { message?: unknown; stack?: unknown } | null;
  let json: string;
  try {
    json = JSON.stringify(error) ?? '';
  } catch (cause) {
    json = `<JSON.stringify threw: ${String(cause)}>`;
  }
  return {
    message: typeof e?.message === 'string' ? e.message : '',
    string: String(error),
    json,
    stack: typeof e?.stack === 'string' ? e.stack : '',
    inspect: inspect(error, { depth: 8, breakLength: Infinity }),
  };
}

/** The renderings of `error` that contain `secret` (empty when none does). */
export function secretLeaks(error: unknown, secret: string): string[] {
  return Object.entries(renderings(error))
    .filter(([, text]) => text.includes(secret))
    .map(([where]) => where);
}

/** The client's connection pool (private; read only for its counters). */
export function poolOf(client: AuiClient): ConnectionPool {
  return (client as unknown as { pool: ConnectionPool }).pool;
}

/** A `gc()` function even when node was started without `--expose-gc`. */
export function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** `heapUsed` after a full GC (lowest of three, to damp noise). */
export function heapAfterGc(gc: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    gc();
    best = Math.min(best, process.memoryUsage().heapUsed);
  }
  return best;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Plain assertions for hot loops (fast-check properties run 10,000 times; a jest `expect` costs
 * ~50–90 µs, these ~1 µs). A failure throws, and fast-check reports the input that caused it.
 */
export function check(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) throw new Error(typeof message === 'string' ? message : message());
}

/** Deep equality (node's `isDeepStrictEqual`). */
export function checkEqual(actual: unknown, expected: unknown, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${what}: expected ${inspect(expected, { depth: 4 })}, got ${inspect(actual, { depth: 4 })}`);
  }
}

/** Every key of `partial` is deep-equal in `actual` (nested plain objects are matched partially too). */
export function checkMatch(actual: unknown, partial: Readonly<Record<string, unknown>>, what: string): void {
  const target = actual as Record<string, unknown> | null | undefined;
  if (typeof target !== 'object' || target === null) throw new Error(`${what}: expected an object matching ${inspect(partial)}, got ${inspect(actual, { depth: 2 })}`);
  for (const [key, value] of Object.entries(partial)) {
    const got = target[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) checkMatch(got, value as Record<string, unknown>, `${what}.${key}`);
    else if (!isDeepStrictEqual(got, value)) throw new Error(`${what}.${key}: expected ${inspect(value)}, got ${inspect(got, { depth: 2 })}`);
  }
}

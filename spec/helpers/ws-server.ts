/**
 * Shared helpers for WebSocket specs that run against the real FakeAuiServer on loopback.
 */
import { lastValueFrom, Observable, toArray } from 'rxjs';
import { resolveOptions, type AuiClientOptions, type ResolvedOptions } from '../../lib/options.js';
import type { StreamEvent } from '../../lib/stream-event.js';
import { ConnectionPool } from '../../lib/transports/websocket/connection-pool.js';
import { FakeAuiServer, type FakeAuiServerSettings } from '../../lib/testing/fake-aui-server.js';

/** What a finished stream produced: its events and, if it failed, its error. */
export interface StreamOutcome {
  readonly events: StreamEvent[];
  readonly error: unknown;
  readonly completed: boolean;
}

/** Subscribes and waits for the end (complete or error), recording every event. */
export function outcome(stream$: Observable<StreamEvent>): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    const events: StreamEvent[] = [];
    stream$.subscribe({
      next: (e) => events.push(e),
      error: (error: unknown) => resolve({ events, error, completed: false }),
      complete: () => resolve({ events, error: undefined, completed: true }),
    });
  });
}

/** Every event of a stream that must succeed. */
export function allEvents(stream$: Observable<StreamEvent>): Promise<StreamEvent[]> {
  return lastValueFrom(stream$.pipe(toArray()));
}

/** The `text` values of the text events. */
export function texts(events: readonly StreamEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'text' ? [e.text] : []));
}

/** The final message text, if any. */
export function finalText(events: readonly StreamEvent[]): string | undefined {
  const last = events[events.length - 1];
  return last?.kind === 'final' ? last.message.text : undefined;
}

/**
 * A FakeAuiServer plus pools on it, torn down together: `await h.start()` in beforeAll/beforeEach,
 * `await h.stop()` after.
 */
export class WsHarness {
  server!: FakeAuiServer;
  private readonly pools: ConnectionPool[] = [];

  constructor(private readonly settings: Partial<FakeAuiServerSettings> = {}) {}

  async start(): Promise<this> {
    this.server = await FakeAuiServer.start(this.settings);
    return this;
  }

  /** Closes every pool, then stops the server. */
  async stop(): Promise<void> {
    this.closePools();
    await this.server?.stop();
  }

  closePools(): void {
    for (const pool of this.pools.splice(0)) pool.close();
  }

  /** A task owned by the server's key. */
  task(userId = 'user-1'): string {
    return this.server.store.createTask(userId, this.server.apiKey).id;
  }

  /** Resolved client options pointing at the server. */
  options(extra: Partial<AuiClientOptions> = {}): ResolvedOptions {
    return resolveOptions({ apiKey: this.server.apiKey, baseUrl: this.server.baseUrl, ...extra });
  }

  /** A pool on the server (closed by `stop`/`closePools`). */
  pool(extra: Partial<AuiClientOptions> = {}): ConnectionPool {
    const pool = new ConnectionPool(this.options(extra));
    this.pools.push(pool);
    return pool;
  }
}

/** Resolves after the event loop has run `n` macrotasks (lets sockets settle; no timing assumptions). */
export async function settle(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/** Polls `predicate` on the event loop until true (bounded by jest's test timeout). */
export async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, 5));
}

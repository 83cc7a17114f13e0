/**
 * Drives turns on MockWebSocket synchronously for the leak suite: each cycle subscribes a turn, plays
 * the server side up to a random point (connecting, open, some text frames, an unknown frame, the final
 * frame, an error frame, a close, a broken connection, a malformed frame, time passing) and
 * unsubscribes there. Everything runs on a VirtualTimeScheduler, so a cycle never waits.
 */
import { VirtualTimeScheduler, type Subscription } from 'rxjs';
import { AuiClient } from '../../lib/client.js';
import { TEXT_UPDATE_EVENT } from '../../lib/protocol/server-frames.js';
import { MockWebSocket } from '../../lib/testing/mock-web-socket.js';

/** A MockWebSocket that keeps every instance not yet closed (MockWebSocket.instances is reset each cycle). */
export class LeakMockWebSocket extends MockWebSocket {
  /** Instances created and not yet seen closed. */
  static readonly live = new Set<LeakMockWebSocket>();
  /** Instances ever created. */
  static created = 0;
  /** Closed instances that still had listeners attached when pruned. */
  static closedWithListeners = 0;

  constructor(url: string, protocols?: string | string[], options?: unknown) {
    super(url, protocols, options);
    LeakMockWebSocket.live.add(this);
    LeakMockWebSocket.created++;
  }

  /** Forgets closed instances (counting any that kept listeners); returns how many are still not closed. */
  static prune(): number {
    for (const ws of LeakMockWebSocket.live) {
      if (ws.readyState !== 3) continue;
      if (ws.listenerCount() !== 0) LeakMockWebSocket.closedWithListeners++;
      LeakMockWebSocket.live.delete(ws);
    }
    return LeakMockWebSocket.live.size;
  }

  static resetAll(): void {
    LeakMockWebSocket.live.clear();
    LeakMockWebSocket.created = 0;
    LeakMockWebSocket.closedWithListeners = 0;
    MockWebSocket.reset();
  }
}

/** Counters of a driven run. */
export interface DriveStats {
  cycles: number;
  completed: number;
  errored: number;
  unsubscribedEarly: number;
  /** Notifications delivered after the test unsubscribed, or after a terminal notification (must stay 0). */
  lateNotifications: number;
  /** Exceptions thrown out of the mock's event dispatch into the "server" (must stay 0). */
  thrown: number;
  /** Stop points used, by name. */
  points: Record<string, number>;
}

const textFrame = (text: string): object => ({ event: TEXT_UPDATE_EVENT, data: { text } });
const finalFrame = (text: string): object => ({
  id: 'msg-1',
  created_at: '2025-10-19 13:48:13.764000',
  text,
  sender: { id: 'intelligent-agent', type: 'agent', email: null },
  receiver: { id: 'user-1', type: 'user', email: null },
  cards: [],
});

type Ending = 'final' | 'error-frame+1008' | 'error-frame-only' | 'close-1011' | 'close-1000' | 'fail' | 'malformed' | 'invalid-final' | 'time';
const ENDINGS: readonly Ending[] = ['final', 'final', 'final', 'error-frame+1008', 'error-frame-only', 'close-1011', 'close-1000', 'fail', 'malformed', 'invalid-final', 'time'];

/**
 * A client on LeakMockWebSocket + a VirtualTimeScheduler, and `cycle()` to run one random
 * subscribe/unsubscribe cycle. `random` decides everything (seeded by the caller).
 */
export class MockTurnDriver {
  readonly scheduler = new VirtualTimeScheduler();
  readonly client: AuiClient;
  readonly stats: DriveStats = { cycles: 0, completed: 0, errored: 0, unsubscribedEarly: 0, lateNotifications: 0, thrown: 0, points: {} };
  private readonly sentSeen = new WeakMap<MockWebSocket, number>();

  constructor(private readonly random: () => number, idleLingerMs?: number) {
    this.client = new AuiClient({
      apiKey: 'API_KEY_01LEAK000000000000000000000',
      baseUrl: 'https://aui.test/api/ia-controller',
      WebSocket: LeakMockWebSocket,
      scheduler: this.scheduler,
      maxConnections: 3,
      ...(idleLingerMs === undefined ? {} : { idleLingerMs }),
    });
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private point(name: string): void {
    this.stats.points[name] = (this.stats.points[name] ?? 0) + 1;
  }

  /** Runs `fn` as the server; an exception thrown back at the server is counted (a library bug). */
  private server(fn: () => void): void {
    try {
      fn();
    } catch {
      this.stats.thrown++;
    }
  }

  /** The open socket whose `sent` grew since we last looked (the one carrying the new turn). */
  private socketCarryingTurn(): LeakMockWebSocket | undefined {
    for (const ws of LeakMockWebSocket.live) {
      const seen = this.sentSeen.get(ws) ?? 0;
      if (ws.sent.length > seen) {
        this.sentSeen.set(ws, ws.sent.length);
        return ws;
      }
    }
    return undefined;
  }

  /** One cycle: subscribe, play the server up to a random point, unsubscribe. */
  cycle(): void {
    this.stats.cycles++;
    let done = false;
    let unsubscribed = false;
    const late = (): void => {
      if (done || unsubscribed) this.stats.lateNotifications++;
    };
    const subscription: Subscription = this.client.streamMessage({ task_id: 'task-1', text: 'hello' }).subscribe({
      next: () => late(),
      error: () => {
        late();
        done = true;
        this.stats.errored++;
      },
      complete: () => {
        late();
        done = true;
        this.stats.completed++;
      },
    });
    const stop = (name: string): void => {
      this.point(name);
      if (!done) this.stats.unsubscribedEarly++;
      unsubscribed = true;
      subscription.unsubscribe();
      this.afterCycle();
    };
    const r = this.random;

    if (r() < 0.08) return stop('subscribed');
    // The server answers every connecting socket: mostly accept, sometimes refuse or break.
    for (const ws of [...LeakMockWebSocket.live]) {
      if (ws.readyState !== 0) continue;
      const x = r();
      this.server(() => (x < 0.9 ? ws.open() : x < 0.95 ? ws.rejectHandshake(401) : ws.fail()));
    }
    if (r() < 0.05) return stop('after-handshake');
    const ws = this.socketCarryingTurn();
    if (!ws) {
      // The turn failed at connect, or waits for a socket: maybe let time pass (connect timeout).
      if (r() < 0.5) this.server(() => this.scheduler.flush());
      return stop('no-socket');
    }
    const frames = Math.floor(r() * 6);
    const delta = r() < 0.5;
    let text = '';
    for (let i = 0; i < frames; i++) {
      if (done || ws.readyState !== 1) break;
      const chunk = ` w${i}`;
      text += chunk;
      this.server(() => ws.receive(textFrame(delta ? chunk : text)));
      if (r() < 0.1) this.server(() => ws.readyState === 1 && ws.receive({ event: 'thread-message-thinking' }));
      if (r() < 0.1) return stop(`after-${i + 1}-text`);
    }
    if (done || ws.readyState !== 1) return stop('ended-early');
    const ending = this.pick(ENDINGS);
    this.point(`ending:${ending}`);
    switch (ending) {
      case 'final':
        this.server(() => ws.receive(finalFrame(text)));
        break;
      case 'error-frame+1008':
      case 'error-frame-only':
        this.server(() => ws.receive({ status_code: 422, description: 'Unprocessable Entity', message: 'bad' }));
        if (r() < 0.3) return stop('awaiting-close');
        if (ending === 'error-frame+1008') this.server(() => ws.serverClose(1008, 'Invalid message'));
        else this.server(() => this.scheduler.flush());
        break;
      case 'close-1011':
        this.server(() => ws.serverClose(1011));
        break;
      case 'close-1000':
        this.server(() => ws.serverClose(1000));
        break;
      case 'fail':
        this.server(() => ws.fail());
        break;
      case 'malformed':
        this.server(() => ws.receive('{"event": "thread-message-text'));
        break;
      case 'invalid-final':
        this.server(() => ws.receive({ id: 'm', text: 'x' }));
        break;
      case 'time':
        // Time passes: the idle timeout fires (and lingering sockets close).
        this.server(() => this.scheduler.flush());
        break;
    }
    stop(done ? 'after-end' : 'mid-turn');
  }

  /** Between cycles: sometimes let time pass (lingering sockets close); forget closed sockets. */
  private afterCycle(): void {
    if (this.random() < 0.05) this.server(() => this.scheduler.flush());
    LeakMockWebSocket.prune();
    MockWebSocket.instances.length = 0;
  }
}

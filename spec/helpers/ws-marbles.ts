/**
 * Helpers for WebSocket marble specs: a pool on MockWebSocket and the TestScheduler, frame builders,
 * and error matchers for expected error notifications.
 */
import type { TestScheduler } from 'rxjs/testing';
import { resolveOptions, type AuiClientOptions } from '../../lib/options.js';
import { TEXT_UPDATE_EVENT } from '../../lib/protocol/server-frames.js';
import { ConnectionPool } from '../../lib/transports/websocket/connection-pool.js';
import { MockWebSocket } from '../../lib/testing/mock-web-socket.js';
import { errorMatching } from './marble-scheduler.js';

/** The key marble pools use. */
export const MOCK_KEY = 'API_KEY_01MOCK0000000000000000000000';

/** A pool on MockWebSocket whose time is `scheduler`'s. */
export function mockPool(scheduler: TestScheduler, extra: Partial<AuiClientOptions> = {}): ConnectionPool {
  return new ConnectionPool(
    resolveOptions({
      apiKey: MOCK_KEY,
      baseUrl: 'https://aui.test/api/ia-controller',
      WebSocket: MockWebSocket,
      scheduler,
      ...extra,
    }),
  );
}

/** Runs `fn` at virtual time `ms` (call inside `run`). */
export function at(scheduler: TestScheduler, ms: number, fn: () => void): void {
  scheduler.schedule(fn, ms);
}

/** The `n`th MockWebSocket created (0-based); throws if there is none. */
export function sock(n: number): MockWebSocket {
  const ws = MockWebSocket.instances[n];
  if (!ws) throw new Error(`no MockWebSocket #${n} (have ${MockWebSocket.instances.length})`);
  return ws;
}

/** An A2 text frame. */
export function a2(text: string): object {
  return { event: TEXT_UPDATE_EVENT, data: { text } };
}

/**
 * A minimal valid final-message frame, with no null member (a null member reads as absent, so the
 * parsed message would differ from the frame).
 */
export function finalFrame(text: string, id = 'msg-1'): Record<string, unknown> {
  return {
    id,
    created_at: '2025-10-19 13:48:13.764000',
    text,
    sender: { id: 'intelligent-agent', type: 'agent' },
    receiver: { id: 'user-1', type: 'user' },
    cards: [],
    followup_suggestions: [],
  };
}

/**
 * Matches an error notification by class name and the listed fields (never by message unless listed);
 * see `errorMatching` in marble-scheduler.ts.
 */
export function anError(name: string, fields: Record<string, unknown> = {}): unknown {
  return errorMatching(name, fields);
}

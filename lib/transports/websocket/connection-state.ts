/**
 * The aggregate state of a client's WebSocket connections (`client.connectionState$`).
 *
 * @packageDocumentation
 */
import type { SocketState } from './connection.js';

/**
 * Aggregate state of a client's sockets:
 * - `'idle'`: no socket at all (before the first turn, or after every socket lingered out);
 * - `'connecting'`: some socket is connecting and none is open;
 * - `'open'`: at least one socket is open (busy or lingering);
 * - `'closing'`: sockets are finishing a close the client started, and none is open or connecting;
 * - `'closed'`: `close()` was called (terminal; `state$` then completes).
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/**
 * The aggregate of the states of the connections still there (`'closed'` is the pool's own, never
 * computed here): open wins over connecting, connecting over closing; none at all is idle.
 *
 * @example
 * aggregateState(['closing', 'connecting']); // 'connecting'
 */
export function aggregateState(states: Iterable<SocketState>): Exclude<ConnectionState, 'closed'> {
  let connecting = false;
  let closing = false;
  for (const state of states) {
    if (state === 'open') return 'open';
    if (state === 'connecting') connecting = true;
    else if (state === 'closing') closing = true;
  }
  return connecting ? 'connecting' : closing ? 'closing' : 'idle';
}

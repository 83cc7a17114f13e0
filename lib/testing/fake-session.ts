import type { WebSocket } from 'ws';
import type { FakeServerContext } from './fake-aui-server.js';

/** @internal Placeholder: closes every session until the WebSocket session lands. */
export function handleSession(_ctx: FakeServerContext, ws: WebSocket): void {
  ws.close(1011, 'not implemented');
}

import { Subscriber } from 'rxjs';
import type { StreamEvent } from '../../../lib/stream-event.js';
import { MockWebSocket } from '../../../lib/testing/mock-web-socket.js';
import { PooledSocket, type PooledSocketOwner } from '../../../lib/transports/websocket/pooled-socket.js';
import { TurnStream } from '../../../lib/transports/websocket/turn-stream.js';
import { createTestScheduler } from '../../helpers/marble-scheduler.js';
import { MOCK_KEY, a2, sock } from '../../helpers/ws-marbles.js';

function setup(idleLingerMs = 100) {
  const scheduler = createTestScheduler();
  const calls: string[] = [];
  const owner: PooledSocketOwner = {
    socketFree: () => calls.push('free'),
    socketClosing: () => calls.push('closing'),
    socketGone: (_s, e) => calls.push(`gone:${e.code}`),
    strayFrame: () => calls.push('stray'),
  };
  const socket = new PooledSocket(
    { url: 'wss://aui.test/s', apiKey: MOCK_KEY, WebSocket: MockWebSocket, scheduler, connectTimeoutMs: 1000, idleLingerMs },
    owner,
  );
  const events: string[] = [];
  const subscriber = new Subscriber<StreamEvent>({
    next: (e) => events.push(e.kind),
    error: (e: unknown) => events.push(`error:${(e as Error).name}`),
    complete: () => events.push('complete'),
  });
  const ctx = { scheduler, idleMs: 60_000, maxPayloadBytes: 1, counters: { framesReceived: 0, unknownFrames: 0 } };
  const turn = new TurnStream(subscriber, 't1', '{"task_id":"t1","text":"hi"}', ctx);
  return { scheduler, socket, calls, events, turn };
}

describe('PooledSocket', () => {
  beforeEach(() => MockWebSocket.reset());

  it('open → free; frames go to the assigned turn; stray frames are reported', () => {
    const { socket, calls, events, turn } = setup();
    socket.connection.start();
    sock(0).open();
    expect(calls).toEqual(['free']);
    expect(socket.free).toBe(true);
    socket.assign(turn);
    expect(socket.free).toBe(false);
    expect(sock(0).sent).toEqual(['{"task_id":"t1","text":"hi"}']);
    sock(0).receive(a2('x'));
    expect(events).toEqual(['text']);
    socket.turn = undefined;
    sock(0).receive(a2('y'));
    expect(calls).toEqual(['free', 'stray']);
  });

  it('a close goes to the owner first, then to the turn', () => {
    const { socket, calls, events, turn } = setup();
    socket.connection.start();
    sock(0).open();
    socket.assign(turn);
    sock(0).serverClose(1011);
    expect(calls).toEqual(['free', 'gone:1011']);
    expect(events).toEqual(['error:AuiServerError']);
    expect(socket.turn).toBeUndefined();
  });

  it('lingers idleLingerMs on the scheduler, then closes with 1000; assign cancels the linger', () => {
    const { scheduler, socket, turn } = setup(100);
    scheduler.run(() => {
      socket.connection.start();
      sock(0).open();
      socket.startLinger();
      scheduler.schedule(() => socket.assign(turn), 50);
      scheduler.schedule(() => socket.release(turn), 60);
      scheduler.schedule(() => socket.startLinger(), 60);
      scheduler.schedule(() => expect(sock(0).closeCalls).toEqual([]), 159);
    });
    expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]);
  });

  it('discard closes the socket only for its own turn', () => {
    const { socket, calls, turn } = setup();
    socket.connection.start();
    sock(0).open();
    socket.assign(turn);
    socket.discard({} as TurnStream);
    expect(sock(0).closeCalls).toEqual([]);
    socket.discard(turn);
    expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]);
    expect(calls).toContain('closing');
  });
});

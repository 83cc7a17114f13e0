/**
 * createAuiChat's state$ and lifecycle: replay and distinct snapshots, close(), a
 * subscriber that sends from inside a notification, and retry waits on the client's own scheduler.
 */
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createAuiChat } from '../../lib/chat/create-aui-chat.js';
import type { AuiChat, AuiChatState } from '../../lib/chat/chat-types.js';
import { AuiClient } from '../../lib/client.js';
import { MockWebSocket } from '../../lib/testing/mock-web-socket.js';
import { TASK_ID } from '../helpers/marble-events.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';
import { MOCK_KEY, a2, anError, at, finalFrame, sock } from '../helpers/ws-marbles.js';

const mockClient = (scheduler?: TestScheduler): AuiClient =>
  new AuiClient({ apiKey: MOCK_KEY, baseUrl: 'https://aui.test/api/ia-controller', WebSocket: MockWebSocket, ...(scheduler ? { scheduler } : {}) });

describe('createAuiChat: state$ and lifecycle', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = createTestScheduler();
  });

  it('state$ replays the current snapshot to a late subscriber, then each change, never the same snapshot twice', () => {
    scheduler.run(({ expectObservable }) => {
      const chat = createAuiChat(mockClient(scheduler), { taskId: TASK_ID, history: false });
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('He')));
      at(scheduler, 3, () => sock(0).receive(a2('He'))); // the same text again: no change, no snapshot
      at(scheduler, 4, () => sock(0).receive(a2('Hello')));
      at(scheduler, 6, () => sock(0).receive(finalFrame('Hello')));
      const texts = (s: AuiChatState): string => `${s.status}:${s.messages[1]?.text ?? ''}`;
      expectObservable(chat.state$.pipe(map(texts))).toBe('a-b-c-d', { a: 'submitted:', b: 'streaming:He', c: 'streaming:Hello', d: 'ready:Hello' });
      expectObservable(chat.state$.pipe(map(texts)), '----^').toBe('----c-d', { c: 'streaming:Hello', d: 'ready:Hello' });
    });
  });

  it('every snapshot is a new frozen object; an emitted snapshot never changes afterwards', () => {
    const seen: AuiChatState[] = [];
    scheduler.run(() => {
      const chat = createAuiChat(mockClient(scheduler), { taskId: TASK_ID, history: false });
      chat.state$.subscribe((s) => seen.push(s));
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('He')));
      at(scheduler, 3, () => sock(0).receive(finalFrame('Hello')));
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.every((s) => Object.isFrozen(s) && Object.isFrozen(s.messages) && s.messages.every(Object.isFrozen))).toBe(true);
    expect(seen.map((s) => s.messages.map((m) => m.text).join('/'))).toEqual(['', 'Hi', 'Hi/He', 'Hi/Hello']);
  });

  it('close() mid-reply: the reply is kept stopped, the socket closed, state$ completes; a later subscriber gets the last snapshot', () => {
    let chat!: AuiChat;
    scheduler.run(({ expectObservable }) => {
      chat = createAuiChat(mockClient(scheduler), { taskId: TASK_ID, history: false });
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('He')));
      at(scheduler, 3, () => chat.close());
      expectObservable(chat.state$.pipe(map((s) => s.status))).toBe('a-b(c|)', { a: 'submitted', b: 'streaming', c: 'ready' });
      expectObservable(chat.state$.pipe(map((s) => s.status)), '-----^').toBe('-----(c|)', { c: 'ready' });
    });
    expect(chat.state.messages[1]).toMatchObject({ text: 'He', streaming: false, stopped: true });
    expect(sock(0).closeCalls).toHaveLength(1);
  });

  it('after close(): send and regenerate are refused (state untouched), stop and close are no-ops', () => {
    const chat = createAuiChat(mockClient(), { taskId: TASK_ID, history: false });
    chat.close();
    const before = chat.state;
    const errors: unknown[] = [];
    chat.send('Hi').subscribe({ error: (e: unknown) => errors.push(e) });
    chat.regenerate().subscribe({ error: (e: unknown) => errors.push(e) });
    chat.stop();
    chat.close();
    expect(errors).toEqual([anError('AuiValidationError', { taskId: TASK_ID }), anError('AuiValidationError')]);
    expect((errors[0] as Error).message).toBe('Invalid call of AuiChat.send: the chat is closed; nothing was sent');
    expect(chat.state).toBe(before);
    expect(MockWebSocket.instances).toHaveLength(0);
  });

  it('close() while the history loads cancels the load and leaves status ready', () => {
    let unsubscribed = 0;
    scheduler.run(({ cold, expectObservable }) => {
      const history$ = cold<never[]>('----h|', { h: [] });
      const client = mockClient(scheduler);
      const chat = createAuiChat(
        { createTask: (a) => client.createTask(a), streamMessage: (a) => client.streamMessage(a), getTaskMessages: () => history$ },
        { taskId: TASK_ID },
      );
      at(scheduler, 2, () => chat.close());
      expectObservable(chat.state$.pipe(map((s) => s.status))).toBe('a-(b|)', { a: 'submitted', b: 'ready' });
      at(scheduler, 3, () => (unsubscribed = history$.subscriptions.filter((s) => s.unsubscribedFrame === 2).length));
    });
    expect(unsubscribed).toBe(1);
  });

  it('a subscriber that sends from inside a notification: every subscriber still sees the snapshots in one order', () => {
    const first: string[] = [];
    const second: string[] = [];
    scheduler.run(() => {
      const chat = createAuiChat(mockClient(scheduler), { taskId: TASK_ID, history: false });
      let sent = false;
      chat.state$.subscribe((s) => {
        first.push(`${s.status}:${s.messages.length}`);
        if (s.status === 'ready' && s.messages.length === 2 && !sent) {
          sent = true;
          chat.send('Follow-up'); // reentrant: the chat changes while it is telling its subscribers
        }
      });
      chat.state$.subscribe((s) => second.push(`${s.status}:${s.messages.length}`));
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(finalFrame('One')));
      at(scheduler, 3, () => sock(0).receive(finalFrame('Two')));
    });
    expect(second).toEqual(first); // without the queue, the second would see submitted:3 before ready:2
    expect(first).toEqual(['ready:0', 'submitted:1', 'ready:2', 'submitted:3', 'ready:4']);
  });

  it("retry waits on the client's scheduler (here a TestScheduler used outside run(), flushed by hand)", () => {
    const manual = new TestScheduler(() => undefined);
    const chat = createAuiChat(mockClient(manual), { taskId: TASK_ID, history: false, retry: { jitter: false, initialDelayMs: 100 } });
    chat.send('Hi');
    sock(0).open();
    sock(0).serverClose(1011);
    expect(MockWebSocket.instances).toHaveLength(1);
    manual.flush(); // the 100 ms backoff elapses in the client's virtual time
    expect(MockWebSocket.instances).toHaveLength(2);
    sock(1).open();
    sock(1).receive(finalFrame('Back'));
    expect(chat.state).toMatchObject({ status: 'ready', error: undefined });
    chat.close();
  });
});

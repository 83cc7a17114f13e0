/**
 * createAuiChat's turns in virtual time: a real AuiClient on MockWebSocket, the turn's socket scripted
 * frame by frame. Each snapshot is drawn as one short line (`chatView`): `status role:text…` (`…`
 * streaming, `■` stopped). History and task creation: create-aui-chat.tasks.spec.ts.
 */
import { EMPTY, Observable, distinctUntilChanged, map, of } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createAuiChat } from '../../lib/chat/create-aui-chat.js';
import type { AuiChat, AuiChatClient, AuiChatOptions } from '../../lib/chat/chat-types.js';
import { AuiClient } from '../../lib/client.js';
import { AuiValidationError } from '../../lib/errors.js';
import { MockWebSocket } from '../../lib/testing/mock-web-socket.js';
import { TASK_ID } from '../helpers/marble-events.js';
import { chatView, mockChat, recordAt } from '../helpers/chat-marbles.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';
import { MOCK_KEY, a2, anError, at, finalFrame, sock } from '../helpers/ws-marbles.js';

describe('createAuiChat (virtual time, MockWebSocket)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = createTestScheduler();
  });

  const chatOn = (options: AuiChatOptions, rest: Partial<AuiChatClient> = {}): AuiChat => mockChat(scheduler, options, rest);

  it('send: submitted until the first text, streaming while it grows, ready with the final message', () => {
    let chat!: AuiChat;
    scheduler.run(({ expectObservable }) => {
      chat = chatOn({ taskId: TASK_ID, history: false });
      expectObservable(chat.state$.pipe(map(chatView))).toBe('a 4ms b 2ms cd 2ms e', {
        a: 'ready',
        b: 'submitted u:Hi',
        c: 'streaming u:Hi | a:Hel…',
        d: 'streaming u:Hi | a:Hello…',
        e: 'ready u:Hi | a:Hello!',
      });
      at(scheduler, 5, () => chat.send('Hi'));
      at(scheduler, 6, () => sock(0).open());
      at(scheduler, 8, () => sock(0).receive(a2('Hel')));
      at(scheduler, 9, () => sock(0).receive(a2('Hello')));
      at(scheduler, 12, () => sock(0).receive(finalFrame('Hello!')));
    });
    const [user, reply] = chat.state.messages;
    expect(user).toEqual({ id: 'local-1', role: 'user', text: 'Hi', streaming: false, stopped: false });
    expect(reply).toMatchObject({ id: 'local-2', role: 'assistant', message: { text: 'Hello!', cards: [], followup_suggestions: [] } });
    expect(Object.isFrozen(chat.state) && Object.isFrozen(chat.state.messages) && Object.isFrozen(reply)).toBe(true);
    expect(sock(0).sentJson).toEqual([{ task_id: TASK_ID, text: 'Hi' }]);
  });

  it("send's Observable reports the final reply (subscribing is optional: the turn runs anyway)", () => {
    scheduler.run(() => {
      const chat = chatOn({ taskId: TASK_ID, history: false });
      const seen = recordAt(scheduler, chat.send('Hi'));
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(finalFrame('Yes')));
      at(scheduler, 3, () => expect(seen).toEqual([[2, 'next', chat.state.messages[1]], [2, 'complete']]));
    });
  });

  it('a retried 1011 restarts the reply in place: same message, text from the start, no duplicated text', () => {
    let chat!: AuiChat;
    scheduler.run(({ expectObservable }) => {
      chat = chatOn({ taskId: TASK_ID, history: false, retry: { jitter: false } });
      expectObservable(chat.state$.pipe(map(chatView))).toBe('ab-cd 500ms e-fg', {
        a: 'ready',
        b: 'submitted u:Hi',
        c: 'streaming u:Hi | a:Hel…',
        d: 'streaming u:Hi | a:Hello…',
        e: 'streaming u:Hi | a:…',
        f: 'streaming u:Hi | a:Good…',
        g: 'ready u:Hi | a:Good day',
      });
      at(scheduler, 1, () => chat.send('Hi'));
      at(scheduler, 2, () => sock(0).open());
      at(scheduler, 3, () => sock(0).receive(a2('Hel')));
      at(scheduler, 4, () => sock(0).receive(a2('Hello')));
      at(scheduler, 5, () => sock(0).serverClose(1011, 'Internal error'));
      at(scheduler, 506, () => sock(1).open());
      at(scheduler, 507, () => sock(1).receive(a2('Good')));
      at(scheduler, 508, () => sock(1).receive(finalFrame('Good day')));
    });
    expect(chat.state.messages.map((m) => m.id)).toEqual(['local-1', 'local-2']);
    expect(sock(1).sentJson).toEqual(sock(0).sentJson);
    expect(MockWebSocket.instances).toHaveLength(2);
  });

  it('a 1008 ends in status error with the typed error; no reconnect, and later sends fail at once without a socket', () => {
    let chat!: AuiChat;
    let again: unknown[] = [];
    scheduler.run(({ expectObservable }) => {
      chat = chatOn({ taskId: TASK_ID, history: false });
      expectObservable(chat.state$.pipe(map((s) => s.status), distinctUntilChanged())).toBe('ab-c 16ms (bc)', { a: 'ready', b: 'submitted', c: 'error' });
      at(scheduler, 1, () => chat.send('Hi'));
      at(scheduler, 2, () => sock(0).open());
      at(scheduler, 3, () => sock(0).serverClose(1008, 'Invalid API key'));
      at(scheduler, 20, () => (again = recordAt(scheduler, chat.send('Hi again'))));
    });
    expect(chat.state.error).toEqual(anError('AuiAuthenticationError', { closeCode: 1008, retryable: false, taskId: TASK_ID }));
    expect(again).toEqual([[20, 'error', chat.state.error]]);
    expect(MockWebSocket.instances).toHaveLength(1);
    expect(chat.state.messages.map((m) => m.text)).toEqual(['Hi', 'Hi again']);
  });

  it('stop(): the socket is closed, the partial reply stays marked stopped, status ready; the outcome emits it', () => {
    let chat!: AuiChat;
    let seen: unknown[] = [];
    scheduler.run(({ expectObservable }) => {
      chat = chatOn({ taskId: TASK_ID, history: false });
      expectObservable(chat.state$.pipe(map(chatView))).toBe('ab-c-d', { a: 'ready', b: 'submitted u:Hi', c: 'streaming u:Hi | a:Hel…', d: 'ready u:Hi | a:Hel■' });
      at(scheduler, 1, () => (seen = recordAt(scheduler, chat.send('Hi'))));
      at(scheduler, 2, () => sock(0).open());
      at(scheduler, 3, () => sock(0).receive(a2('Hel')));
      at(scheduler, 5, () => chat.stop());
      at(scheduler, 6, () => chat.stop()); // nothing runs: a no-op
    });
    expect(sock(0).closeCalls).toHaveLength(1);
    expect(sock(0).readyState).toBe(MockWebSocket.CLOSED);
    expect(seen).toEqual([[5, 'next', chat.state.messages[1]], [5, 'complete']]);
    expect(chat.state.messages[1]).toMatchObject({ streaming: false, stopped: true });
  });

  it('stop() before any text: no reply, status ready, the outcome completes empty', () => {
    scheduler.run(() => {
      const chat = chatOn({ taskId: TASK_ID, history: false });
      const seen = recordAt(scheduler, chat.send('Hi'));
      at(scheduler, 4, () => chat.stop());
      at(scheduler, 5, () => expect(chatView(chat.state)).toBe('ready u:Hi'));
      at(scheduler, 5, () => expect(seen).toEqual([[4, 'complete']]));
    });
  });

  it('send while a reply is in flight is refused: AuiValidationError, state untouched, nothing sent', () => {
    scheduler.run(() => {
      const chat = chatOn({ taskId: TASK_ID, history: false });
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('Hel')));
      at(scheduler, 3, () => {
        const before = chat.state;
        const refused = [recordAt(scheduler, chat.send('More')), recordAt(scheduler, chat.regenerate())];
        expect(refused).toEqual([[[3, 'error', anError('AuiValidationError', { taskId: TASK_ID })]], [[3, 'error', anError('AuiValidationError')]]]);
        expect((refused[0]?.[0] as unknown[])[2]).toHaveProperty('message', expect.stringContaining('a reply is in flight (status "streaming")'));
        expect(chat.state).toBe(before);
      });
      at(scheduler, 4, () => sock(0).receive(finalFrame('Hello')));
      at(scheduler, 5, () => chat.send('More'));
      at(scheduler, 6, () => expect(chatView(chat.state)).toBe('submitted u:Hi | a:Hello | u:More'));
    });
    expect(sock(0).sentJson.map((m) => (m as { text: string }).text)).toEqual(['Hi', 'More']);
  });

  it.each([
    ['empty', '   '],
    ['not a string', 42 as unknown as string],
  ])('send with a bad text (%s): AuiValidationError on the one validation path, no socket', (_label, text) => {
    const chat = createAuiChat(new AuiClient({ apiKey: MOCK_KEY, WebSocket: MockWebSocket }), { taskId: TASK_ID, history: false });
    const seen: unknown[] = [];
    chat.send(text).subscribe({ error: (e: unknown) => seen.push(e) });
    expect(seen).toEqual([expect.any(AuiValidationError)]);
    expect((seen[0] as Error).message).toMatch(/^Invalid arguments for AuiChat\.send: /);
    expect(chat.state.messages).toEqual([]);
    expect(MockWebSocket.instances).toHaveLength(0);
  });

  it('regenerate(): drops the last reply and sends the last user message again (same task, same socket)', () => {
    let chat!: AuiChat;
    scheduler.run(({ expectObservable }) => {
      chat = chatOn({ taskId: TASK_ID, history: false });
      expectObservable(chat.state$.pipe(map(chatView))).toBe('ab-c-de-f', {
        a: 'ready',
        b: 'submitted u:Hi',
        c: 'ready u:Hi | a:One',
        d: 'submitted u:Hi',
        e: 'streaming u:Hi | a:T…',
        f: 'ready u:Hi | a:Two',
      });
      at(scheduler, 1, () => chat.send('Hi'));
      at(scheduler, 2, () => sock(0).open());
      at(scheduler, 3, () => sock(0).receive(finalFrame('One')));
      at(scheduler, 5, () => chat.regenerate());
      at(scheduler, 6, () => sock(0).receive(a2('T')));
      at(scheduler, 8, () => sock(0).receive(finalFrame('Two')));
    });
    expect(chat.state.messages.map((m) => m.id)).toEqual(['local-1', 'local-3']);
    expect(sock(0).sentJson).toEqual([{ task_id: TASK_ID, text: 'Hi' }, { task_id: TASK_ID, text: 'Hi' }]);
  });

  it('regenerate() with no user message is refused', () => {
    const chat = createAuiChat(new AuiClient({ apiKey: MOCK_KEY, WebSocket: MockWebSocket }), { taskId: TASK_ID, history: false });
    const seen: unknown[] = [];
    chat.regenerate().subscribe({ error: (e: unknown) => seen.push(e) });
    expect(seen).toEqual([anError('AuiValidationError', { taskId: TASK_ID })]);
    expect((seen[0] as Error).message).toContain('there is no user message to send again');
  });

  it('retry: false lets a 1011 end the turn: status error, the partial reply kept (not streaming, not stopped)', () => {
    let chat!: AuiChat;
    scheduler.run(() => {
      chat = chatOn({ taskId: TASK_ID, history: false, retry: false });
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('Hel')));
      at(scheduler, 3, () => sock(0).serverClose(1011));
    });
    expect(chatView(chat.state)).toBe('error u:Hi | a:Hel');
    expect(chat.state.error).toEqual(anError('AuiServerError', { closeCode: 1011 }));
    expect(MockWebSocket.instances).toHaveLength(1);
  });

  it('a stand-in that fails with a foreign value or completes without a final message still ends typed', () => {
    const boom = new Error('boom');
    const stand = (events$: Observable<never>): AuiChatClient => ({ createTask: () => EMPTY, getTaskMessages: () => of([]), streamMessage: () => events$ });
    const thrown = createAuiChat(stand(new Observable((s) => s.error(boom))), { taskId: TASK_ID, history: false });
    thrown.send('Hi');
    expect(thrown.state.error).toEqual(anError('AuiConnectionError', { taskId: TASK_ID }));
    expect((thrown.state.error as { cause?: unknown }).cause).toBe(boom);
    const empty = createAuiChat(stand(EMPTY), { taskId: TASK_ID, history: false });
    empty.send('Hi');
    expect(empty.state).toMatchObject({ status: 'error', error: anError('AuiProtocolError', { taskId: TASK_ID }) });
  });
});

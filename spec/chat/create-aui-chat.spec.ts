/**
 * createAuiChat in virtual time: a real AuiClient on MockWebSocket (the turn's socket scripted frame
 * by frame) and, for REST (history, createTask), cold stand-ins. Each snapshot is drawn as one short
 * line: `status role:text…` (`…` streaming, `■` stopped).
 */
import { EMPTY, Observable, distinctUntilChanged, map, of } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createAuiChat } from '../../lib/chat/create-aui-chat.js';
import type { AuiChat, AuiChatClient, AuiChatOptions, AuiChatState } from '../../lib/chat/chat-types.js';
import { AuiClient } from '../../lib/client.js';
import { AuiAuthenticationError, AuiServerError, AuiValidationError } from '../../lib/errors.js';
import type { Task } from '../../lib/protocol/rest.js';
import { MockWebSocket } from '../../lib/testing/mock-web-socket.js';
import { TASK_ID, agentMessage } from '../helpers/marble-events.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';
import { MOCK_KEY, a2, anError, at, finalFrame, sock } from '../helpers/ws-marbles.js';

/** One snapshot as a line: `status u:text | a:text…`. */
function view(state: AuiChatState): string {
  const messages = state.messages.map((m) => `${m.role[0]}:${m.text}${m.streaming ? '…' : ''}${m.stopped ? '■' : ''}`);
  return messages.length === 0 ? state.status : `${state.status} ${messages.join(' | ')}`;
}

/** What an Observable did, with the virtual frame of each notification. */
function record<T>(scheduler: TestScheduler, source: Observable<T>): unknown[] {
  const seen: unknown[] = [];
  source.subscribe({
    next: (value) => seen.push([scheduler.now(), 'next', value]),
    error: (error: unknown) => seen.push([scheduler.now(), 'error', error]),
    complete: () => seen.push([scheduler.now(), 'complete']),
  });
  return seen;
}

const TASK: Task = { id: TASK_ID, user_id: 'user-1', title: 'Chat' };

describe('createAuiChat (virtual time, MockWebSocket)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = createTestScheduler();
  });

  /** A real client on MockWebSocket and the spec's scheduler, with REST replaced by `rest` where given. */
  function chatOn(options: AuiChatOptions, rest: Partial<AuiChatClient> = {}): AuiChat {
    const client = new AuiClient({ apiKey: MOCK_KEY, baseUrl: 'https://aui.test/api/ia-controller', WebSocket: MockWebSocket, scheduler });
    const stand: AuiChatClient = {
      createTask: (args) => rest.createTask?.(args) ?? client.createTask(args),
      getTaskMessages: (id) => rest.getTaskMessages?.(id) ?? client.getTaskMessages(id),
      streamMessage: (args) => client.streamMessage(args),
    };
    return createAuiChat(Object.keys(rest).length > 0 ? stand : client, options);
  }

  it('send: submitted until the first text, streaming while it grows, ready with the final message', () => {
    let chat!: AuiChat;
    scheduler.run(({ expectObservable }) => {
      chat = chatOn({ taskId: TASK_ID, history: false });
      expectObservable(chat.state$.pipe(map(view))).toBe('a 4ms b 2ms cd 2ms e', {
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
      const seen = record(scheduler, chat.send('Hi'));
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(finalFrame('Yes')));
      at(scheduler, 3, () => expect(seen).toEqual([[2, 'next', chat.state.messages[1]], [2, 'complete']]));
    });
  });

  it('a retried 1011 restarts the reply in place: same message, text from the start, no duplicated text', () => {
    let chat!: AuiChat;
    scheduler.run(({ expectObservable }) => {
      chat = chatOn({ taskId: TASK_ID, history: false, retry: { jitter: false } });
      expectObservable(chat.state$.pipe(map(view))).toBe('ab-cd 500ms e-fg', {
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
      at(scheduler, 20, () => (again = record(scheduler, chat.send('Hi again'))));
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
      expectObservable(chat.state$.pipe(map(view))).toBe('ab-c-d', { a: 'ready', b: 'submitted u:Hi', c: 'streaming u:Hi | a:Hel…', d: 'ready u:Hi | a:Hel■' });
      at(scheduler, 1, () => (seen = record(scheduler, chat.send('Hi'))));
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
      const seen = record(scheduler, chat.send('Hi'));
      at(scheduler, 4, () => chat.stop());
      at(scheduler, 5, () => expect(view(chat.state)).toBe('ready u:Hi'));
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
        const refused = [record(scheduler, chat.send('More')), record(scheduler, chat.regenerate())];
        expect(refused).toEqual([[[3, 'error', anError('AuiValidationError', { taskId: TASK_ID })]], [[3, 'error', anError('AuiValidationError')]]]);
        expect((refused[0]?.[0] as unknown[])[2]).toHaveProperty('message', expect.stringContaining('a reply is in flight (status "streaming")'));
        expect(chat.state).toBe(before);
      });
      at(scheduler, 4, () => sock(0).receive(finalFrame('Hello')));
      at(scheduler, 5, () => chat.send('More'));
      at(scheduler, 6, () => expect(view(chat.state)).toBe('submitted u:Hi | a:Hello | u:More'));
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
      expectObservable(chat.state$.pipe(map(view))).toBe('ab-c-de-f', {
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

  it('{ taskId }: the history loads first (status submitted, send refused), then the chat goes on after it', () => {
    let chat!: AuiChat;
    const history = [{ ...agentMessage('Hi', 'm1'), sender: { id: 'user-1', type: 'user' } }, agentMessage('Hello, how can I help?', 'm2')];
    scheduler.run(({ expectObservable, cold }) => {
      chat = chatOn({ taskId: TASK_ID }, { getTaskMessages: () => cold('--h|', { h: history }) });
      expectObservable(chat.state$.pipe(map(view))).toBe('a-b-c-d', {
        a: 'submitted',
        b: 'ready u:Hi | a:Hello, how can I help?',
        c: 'submitted u:Hi | a:Hello, how can I help? | u:A microwave',
        d: 'ready u:Hi | a:Hello, how can I help? | u:A microwave | a:Sure',
      });
      at(scheduler, 1, () => expect(record(scheduler, chat.send('Too early'))).toEqual([[1, 'error', anError('AuiValidationError')]]));
      at(scheduler, 4, () => chat.send('A microwave'));
      at(scheduler, 5, () => sock(0).open());
      at(scheduler, 6, () => sock(0).receive(finalFrame('Sure')));
    });
    expect(chat.state.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'local-1', 'local-2']);
    expect(chat.state.messages[1]?.message).toBe(history[1]);
  });

  it('{ taskId }: a failed history load is status error with its typed error; sending still works', () => {
    let chat!: AuiChat;
    const failure = new AuiServerError('Bad gateway', { status: 502, taskId: TASK_ID });
    scheduler.run(({ expectObservable, cold }) => {
      chat = chatOn({ taskId: TASK_ID }, { getTaskMessages: () => cold('--#', undefined, failure) });
      expectObservable(chat.state$.pipe(map((s) => s.status))).toBe('a-b-c-d', { a: 'submitted', b: 'error', c: 'submitted', d: 'ready' });
      at(scheduler, 2, () => expect(chat.state.error).toBe(failure));
      at(scheduler, 4, () => chat.send('Hi'));
      at(scheduler, 5, () => sock(0).open());
      at(scheduler, 6, () => sock(0).receive(finalFrame('Hello')));
    });
    expect(chat.state.error).toBeUndefined();
  });

  it('{ userId }: the task is created on the first send and its id is in the state; the next send reuses it', () => {
    let chat!: AuiChat;
    const created: unknown[] = [];
    scheduler.run(({ expectObservable, cold }) => {
      const createTask = (args: unknown): Observable<Task> => (created.push(args), cold('---t|', { t: TASK }));
      chat = chatOn({ userId: 'user-1' }, { createTask });
      expectObservable(chat.state$.pipe(map((s) => `${s.status} ${s.taskId ?? '-'}`))).toBe('ab--c-def', {
        a: 'ready -',
        b: 'submitted -',
        c: `submitted ${TASK_ID}`,
        d: `ready ${TASK_ID}`,
        e: `submitted ${TASK_ID}`,
        f: `ready ${TASK_ID}`,
      });
      at(scheduler, 1, () => chat.send('Hi'));
      at(scheduler, 5, () => sock(0).open());
      at(scheduler, 6, () => sock(0).receive(finalFrame('One')));
      at(scheduler, 7, () => chat.send('More'));
      at(scheduler, 8, () => sock(0).receive(finalFrame('Two')));
    });
    expect(created).toEqual([{ user_id: 'user-1' }]);
    expect(view(chat.state)).toBe('ready u:Hi | a:One | u:More | a:Two');
    expect(sock(0).sentJson.map((m) => (m as { task_id: string }).task_id)).toEqual([TASK_ID, TASK_ID]);
  });

  it('{ userId }: a rejected key on createTask is status error and latches (no second request)', () => {
    const denied = new AuiAuthenticationError('Not authenticated', { status: 401 });
    let calls = 0;
    scheduler.run(({ cold }) => {
      const chat = chatOn({ userId: 'user-1' }, { createTask: () => (calls++, cold<Task>('-#', undefined, denied)) });
      chat.send('Hi');
      at(scheduler, 2, () => expect(chat.state).toMatchObject({ status: 'error', error: denied }));
      at(scheduler, 3, () => expect(record(scheduler, chat.send('Again'))).toEqual([[3, 'error', denied]]));
    });
    expect(calls).toBe(1);
  });

  it('{ taskId }: a rejected key on the history load latches too: a send then fails at once, no socket', () => {
    const denied = new AuiAuthenticationError('Not authenticated', { status: 401, taskId: TASK_ID });
    scheduler.run(({ cold }) => {
      const chat = chatOn({ taskId: TASK_ID }, { getTaskMessages: () => cold('-#', undefined, denied) });
      at(scheduler, 2, () => expect(record(scheduler, chat.send('Hi'))).toEqual([[2, 'error', denied]]));
      at(scheduler, 3, () => expect(chat.state).toMatchObject({ status: 'error', error: denied }));
    });
    expect(MockWebSocket.instances).toHaveLength(0);
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
    expect(view(chat.state)).toBe('error u:Hi | a:Hel');
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

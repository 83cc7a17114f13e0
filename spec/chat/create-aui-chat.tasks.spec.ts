/**
 * createAuiChat's task in virtual time: the history of a `{ taskId }` chat, the task a `{ userId }` chat
 * creates, and the auth latch on both (REST as cold stand-ins, turns on MockWebSocket).
 */
import { Observable, map } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { AuiChat, AuiChatClient, AuiChatOptions } from '../../lib/chat/chat-types.js';
import { AuiAuthenticationError, AuiServerError } from '../../lib/errors.js';
import type { Task } from '../../lib/protocol/rest.js';
import { MockWebSocket } from '../../lib/testing/mock-web-socket.js';
import { TASK_ID, agentMessage } from '../helpers/marble-events.js';
import { chatView, mockChat, recordAt } from '../helpers/chat-marbles.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';
import { anError, at, finalFrame, sock } from '../helpers/ws-marbles.js';

const TASK: Task = { id: TASK_ID, user_id: 'user-1', title: 'Chat' };

describe('createAuiChat: history and task creation (virtual time)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = createTestScheduler();
  });

  const chatOn = (options: AuiChatOptions, rest: Partial<AuiChatClient> = {}): AuiChat => mockChat(scheduler, options, rest);

  it('{ taskId }: the history loads first (status submitted, send refused), then the chat goes on after it', () => {
    let chat!: AuiChat;
    const history = [{ ...agentMessage('Hi', 'm1'), sender: { id: 'user-1', type: 'user' } }, agentMessage('Hello, how can I help?', 'm2')];
    scheduler.run(({ expectObservable, cold }) => {
      chat = chatOn({ taskId: TASK_ID }, { getTaskMessages: () => cold('--h|', { h: history }) });
      expectObservable(chat.state$.pipe(map(chatView))).toBe('a-b-c-d', {
        a: 'submitted',
        b: 'ready u:Hi | a:Hello, how can I help?',
        c: 'submitted u:Hi | a:Hello, how can I help? | u:A microwave',
        d: 'ready u:Hi | a:Hello, how can I help? | u:A microwave | a:Sure',
      });
      at(scheduler, 1, () => expect(recordAt(scheduler, chat.send('Too early'))).toEqual([[1, 'error', anError('AuiValidationError')]]));
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
    expect(chatView(chat.state)).toBe('ready u:Hi | a:One | u:More | a:Two');
    expect(sock(0).sentJson.map((m) => (m as { task_id: string }).task_id)).toEqual([TASK_ID, TASK_ID]);
  });

  it('{ userId }: a rejected key on createTask is status error and latches (no second request)', () => {
    const denied = new AuiAuthenticationError('Not authenticated', { status: 401 });
    let calls = 0;
    scheduler.run(({ cold }) => {
      const chat = chatOn({ userId: 'user-1' }, { createTask: () => (calls++, cold<Task>('-#', undefined, denied)) });
      chat.send('Hi');
      at(scheduler, 2, () => expect(chat.state).toMatchObject({ status: 'error', error: denied }));
      at(scheduler, 3, () => expect(recordAt(scheduler, chat.send('Again'))).toEqual([[3, 'error', denied]]));
    });
    expect(calls).toBe(1);
  });

  it('{ taskId }: a rejected key on the history load latches too: a send then fails at once, no socket', () => {
    const denied = new AuiAuthenticationError('Not authenticated', { status: 401, taskId: TASK_ID });
    scheduler.run(({ cold }) => {
      const chat = chatOn({ taskId: TASK_ID }, { getTaskMessages: () => cold('-#', undefined, denied) });
      at(scheduler, 2, () => expect(recordAt(scheduler, chat.send('Hi'))).toEqual([[2, 'error', denied]]));
      at(scheduler, 3, () => expect(chat.state).toMatchObject({ status: 'error', error: denied }));
    });
    expect(MockWebSocket.instances).toHaveLength(0);
  });

});

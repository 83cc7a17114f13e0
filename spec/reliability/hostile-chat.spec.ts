/**
 * Hostile users and servers against createAuiChat (issue 16, brief ATTACK-CHAT). Part 1, virtual time:
 * a real AuiClient on MockWebSocket, commands fired in awkward orders, subscribers that close or throw,
 * a server that never stops failing; at the end no scheduled action may remain. Part 2, I/O: a hostile
 * `ws` peer on 127.0.0.1 (spec/helpers/hostile-ws-server.ts) that echoes the key and talks after final.
 */
import { map } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createAuiChat } from '../../lib/chat/create-aui-chat.js';
import type { AuiChat, AuiChatState } from '../../lib/chat/chat-types.js';
import { AuiClient } from '../../lib/client.js';
import { MockWebSocket } from '../../lib/testing/mock-web-socket.js';
import { chatView, mockChat, recordAt } from '../helpers/chat-marbles.js';
import { TASK_ID } from '../helpers/marble-events.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';
import { MOCK_KEY, a2, anError, at, finalFrame, sock } from '../helpers/ws-marbles.js';

/** Scheduled actions left in a TestScheduler (virtual timers nobody cancelled). */
const pendingActions = (scheduler: TestScheduler): number => (scheduler as unknown as { actions: unknown[] }).actions.length;

describe('hostile chat (virtual time)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = createTestScheduler();
  });

  it('close() from inside a state$ subscriber mid-reply: every subscriber gets the stopped snapshot, then completion', () => {
    const first: string[] = [];
    const second: string[] = [];
    let chat!: AuiChat;
    scheduler.run(() => {
      chat = mockChat(scheduler, { taskId: TASK_ID, history: false });
      chat.state$.subscribe({ next: (s) => { first.push(chatView(s)); if (s.status === 'streaming') chat.close(); }, complete: () => first.push('|') });
      chat.state$.subscribe({ next: (s) => second.push(chatView(s)), complete: () => second.push('|') });
      chat.send('Hi');
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('Hel')));
    });
    const expected = ['ready', 'submitted u:Hi', 'streaming u:Hi | a:Hel…', 'ready u:Hi | a:Hel■', '|'];
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
    const late: AuiChatState[] = [];
    chat.state$.subscribe((s) => late.push(s));
    expect(late).toEqual([chat.state]);
  });

  it('snapshots are deep-frozen: the history and the final reply (cards, suggestions, sender) cannot be mutated', () => {
    let chat!: AuiChat;
    scheduler.run(({ cold }) => {
      const history = [JSON.parse(JSON.stringify(finalFrame('old')))];
      chat = mockChat(scheduler, { taskId: TASK_ID }, { getTaskMessages: () => cold('-h|', { h: history }) });
      at(scheduler, 2, () => chat.send('Hi'));
      at(scheduler, 3, () => sock(0).open());
      at(scheduler, 4, () => sock(0).receive({ ...finalFrame('new'), cards: [{ id: 'c', name: 'n', parameters: [{ title: 'p', value: 'v' }] }], followup_suggestions: ['more'] }));
    });
    const deepFrozen = (value: unknown): boolean =>
      value === null || typeof value !== 'object' || (Object.isFrozen(value) && Object.values(value as object).every(deepFrozen));
    expect(chat.state.messages.map((m) => m.text)).toEqual(['old', 'Hi', 'new']);
    expect(deepFrozen(chat.state)).toBe(true);
  });
});

/**
 * The chat's snapshot functions: new frozen objects on change, the same object when nothing changes,
 * inputs never touched.
 */
import {
  deepFreeze,
  historyMessage,
  lastUserIndex,
  nextState,
  patchMessage,
  replyMessage,
  userMessage,
  withMessage,
  withMessagePatched,
} from '../../lib/chat/chat-messages.js';
import type { AuiChatState } from '../../lib/chat/chat-types.js';
import { AuiServerError } from '../../lib/errors.js';
import { agentMessage } from '../helpers/marble-events.js';

describe('chat messages', () => {
  it('historyMessage: the server id and text; user when the sender is the user, assistant otherwise', () => {
    const agent = agentMessage('Hello', 'm1');
    expect(historyMessage(agent)).toEqual({ id: 'm1', role: 'assistant', text: 'Hello', streaming: false, stopped: false, message: agent });
    const fromUser = { ...agentMessage('Hi', 'm0'), sender: { id: 'user-1', type: 'user' } };
    expect(historyMessage(fromUser)).toMatchObject({ id: 'm0', role: 'user', text: 'Hi' });
    expect(historyMessage({ ...agent, sender: { id: 'x', type: '3p' } }).role).toBe('assistant');
    expect(Object.isFrozen(historyMessage(agent))).toBe(true);
  });

  it('userMessage and replyMessage: frozen, no server message', () => {
    expect(userMessage('local-1', 'Hi')).toEqual({ id: 'local-1', role: 'user', text: 'Hi', streaming: false, stopped: false });
    expect(replyMessage('local-2', 'He')).toEqual({ id: 'local-2', role: 'assistant', text: 'He', streaming: true, stopped: false });
    expect('message' in userMessage('a', 'b')).toBe(false);
    expect(Object.isFrozen(replyMessage('a', 'b'))).toBe(true);
  });

  it('patchMessage: the same object when nothing changes, else a frozen copy', () => {
    const reply = replyMessage('r', 'He');
    expect(patchMessage(reply, { text: 'He', streaming: true })).toBe(reply);
    const grown = patchMessage(reply, { text: 'Hello' });
    expect(grown).toEqual({ ...reply, text: 'Hello' });
    expect(Object.isFrozen(grown)).toBe(true);
    expect(reply.text).toBe('He');
  });

  it('withMessagePatched: only the named message changes; an unknown id or no change keeps the array', () => {
    const list = withMessage(withMessage([], userMessage('u', 'Hi')), replyMessage('r', 'He'));
    expect(withMessagePatched(list, 'nope', { text: 'x' })).toBe(list);
    expect(withMessagePatched(list, 'r', { text: 'He' })).toBe(list);
    const next = withMessagePatched(list, 'r', { streaming: false, stopped: true });
    expect(next).not.toBe(list);
    expect(next[0]).toBe(list[0]);
    expect(next[1]).toMatchObject({ id: 'r', streaming: false, stopped: true });
    expect(list[1]).toMatchObject({ streaming: true, stopped: false });
    expect(Object.isFrozen(next)).toBe(true);
  });

  it('withMessage appends to a new frozen array', () => {
    const empty = Object.freeze([]);
    const one = withMessage(empty, userMessage('u', 'Hi'));
    expect(empty).toHaveLength(0);
    expect(one).toHaveLength(1);
    expect(Object.isFrozen(one)).toBe(true);
  });

  it('lastUserIndex: the last user message, -1 when none', () => {
    expect(lastUserIndex([])).toBe(-1);
    expect(lastUserIndex([replyMessage('r0', 'x')])).toBe(-1);
    expect(lastUserIndex([userMessage('u1', 'a'), replyMessage('r1', 'b'), userMessage('u2', 'c'), replyMessage('r2', 'd')])).toBe(2);
  });

  it('nextState: the same snapshot when no member changes, else a frozen copy', () => {
    const state: AuiChatState = Object.freeze({ taskId: 't', messages: Object.freeze([]), status: 'ready', error: undefined });
    expect(nextState(state, { status: 'ready', error: undefined })).toBe(state);
    const error = new AuiServerError('boom', { closeCode: 1011 });
    const failed = nextState(state, { status: 'error', error });
    expect(failed).toEqual({ taskId: 't', messages: [], status: 'error', error });
    expect(Object.isFrozen(failed)).toBe(true);
    expect(state.status).toBe('ready');
  });

  it('deepFreeze: every object and array inside is frozen, in place; a shared or cyclic member is frozen once; primitives pass', () => {
    const shared = { title: 'p' };
    const value: Record<string, unknown> = { cards: [{ parameters: [shared, shared] }], sender: { type: 'agent' }, text: 't' };
    value['self'] = value;
    expect(deepFreeze(value)).toBe(value);
    expect([value, value['cards'], (value['cards'] as object[])[0], shared, value['sender']].every(Object.isFrozen)).toBe(true);
    expect(deepFreeze('x')).toBe('x');
    expect(deepFreeze(null)).toBeNull();
  });
});

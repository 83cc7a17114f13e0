/**
 * The chat's snapshots as pure functions: each returns a new frozen object and never changes its
 * input, so a snapshot once emitted stays as it was.
 *
 * @packageDocumentation
 */
import type { AgentMessage } from '../protocol/rest.js';
import type { AuiChatMessage, AuiChatState } from './chat-types.js';

/** The changeable members of a message (the rest is fixed when it is made). */
export type MessagePatch = Partial<Pick<AuiChatMessage, 'text' | 'streaming' | 'stopped' | 'message'>>;

/**
 * A chat message of the task's history: `user` when the server says the user wrote it, `assistant`
 * for the agent (and any other sender).
 *
 * @example
 * historyMessage(agentMessage); // { id: agentMessage.id, role: 'assistant', text, streaming: false, stopped: false, message }
 */
export function historyMessage(message: AgentMessage): AuiChatMessage {
  const role = message.sender.type === 'user' ? 'user' : 'assistant';
  return Object.freeze({ id: message.id, role, text: message.text, streaming: false, stopped: false, message: deepFreeze(message) });
}

/**
 * `value` with every object and array in it frozen, in place (the server's message a snapshot holds:
 * its cards, suggestions and sender can no more be changed than the snapshot itself). Bounded by the
 * value's own depth; a value met twice is frozen once.
 *
 * @example
 * deepFreeze(event.message).cards; // frozen, as is each card
 */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  for (let next = pending.pop(); next !== undefined || pending.length > 0; next = pending.pop()) {
    if (next === null || typeof next !== 'object' || Object.isFrozen(next)) continue;
    Object.freeze(next);
    for (const member of Object.values(next)) pending.push(member);
  }
  return value;
}

/**
 * A user message written in this chat.
 *
 * @example
 * userMessage('local-1', 'Hi'); // { id: 'local-1', role: 'user', text: 'Hi', streaming: false, stopped: false }
 */
export function userMessage(id: string, text: string): AuiChatMessage {
  return Object.freeze({ id, role: 'user', text, streaming: false, stopped: false });
}

/**
 * A reply as it starts streaming.
 *
 * @example
 * replyMessage('local-2', 'Hel'); // { id: 'local-2', role: 'assistant', text: 'Hel', streaming: true, stopped: false }
 */
export function replyMessage(id: string, text: string): AuiChatMessage {
  return Object.freeze({ id, role: 'assistant', text, streaming: true, stopped: false });
}

/**
 * `message` with `patch` applied: the same object when nothing changes, else a new frozen one.
 *
 * @example
 * patchMessage(reply, { text: 'Hello' });
 */
export function patchMessage(message: AuiChatMessage, patch: MessagePatch): AuiChatMessage {
  const keys = Object.keys(patch) as (keyof MessagePatch)[];
  if (keys.every((key) => patch[key] === message[key])) return message;
  return Object.freeze({ ...message, ...patch });
}

/**
 * `messages` with the message `id` patched (a new frozen array), or `messages` itself when there is
 * no such message or nothing changes.
 *
 * @example
 * withMessagePatched(state.messages, 'local-2', { streaming: false, stopped: true });
 */
export function withMessagePatched(messages: readonly AuiChatMessage[], id: string, patch: MessagePatch): readonly AuiChatMessage[] {
  const index = messages.findIndex((m) => m.id === id);
  const current = messages[index];
  if (current === undefined) return messages;
  const next = patchMessage(current, patch);
  if (next === current) return messages;
  const copy = messages.slice();
  copy[index] = next;
  return Object.freeze(copy);
}

/**
 * `messages` and `message` after them, as a new frozen array.
 *
 * @example
 * withMessage(state.messages, userMessage('local-1', 'Hi'));
 */
export function withMessage(messages: readonly AuiChatMessage[], message: AuiChatMessage): readonly AuiChatMessage[] {
  return Object.freeze([...messages, message]);
}

/**
 * The index of the last user message, or -1 when there is none.
 *
 * @example
 * lastUserIndex(state.messages);
 */
export function lastUserIndex(messages: readonly AuiChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return i;
  return -1;
}

/**
 * `state` with `patch` applied: the same object when no member changes (so equal snapshots are never
 * emitted twice), else a new frozen one.
 *
 * @example
 * nextState(state, { status: 'ready', error: undefined });
 */
export function nextState(state: AuiChatState, patch: Partial<AuiChatState>): AuiChatState {
  const keys = Object.keys(patch) as (keyof AuiChatState)[];
  if (keys.every((key) => patch[key] === state[key])) return state;
  return Object.freeze({ ...state, ...patch });
}

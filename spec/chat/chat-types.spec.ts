/**
 * The chat's public types, pinned at compile time (`npm test` type-checks spec/): the status union,
 * the options union (exactly one of taskId and userId), and an AuiClient as an AuiChatClient.
 */
import type { AuiClient } from '../../lib/client.js';
import type { AuiChatClient, AuiChatMessage, AuiChatOptions, AuiChatState, AuiChatStatus } from '../../lib/chat/chat-types.js';

/** Compiles only when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const pin = <T extends true>(value: T): T => value;

describe('chat types', () => {
  it('status is the four states of design.md §9', () => {
    expect(pin<Equal<AuiChatStatus, 'ready' | 'submitted' | 'streaming' | 'error'>>(true)).toBe(true);
    const statuses: AuiChatStatus[] = ['ready', 'submitted', 'streaming', 'error'];
    expect(statuses).toHaveLength(4);
  });

  it('options take taskId or userId, never both, never neither', () => {
    const byTask: AuiChatOptions = { taskId: 't1' };
    const byUser: AuiChatOptions = { userId: 'u1', retry: false, history: false };
    // @ts-expect-error both
    const both: AuiChatOptions = { taskId: 't1', userId: 'u1' };
    // @ts-expect-error neither
    const neither: AuiChatOptions = { retry: { count: 1 } };
    expect([byTask, byUser, both, neither]).toHaveLength(4);
  });

  it('an AuiClient is an AuiChatClient', () => {
    expect(pin<AuiClient extends AuiChatClient ? true : false>(true)).toBe(true);
  });

  it('snapshots are read-only', () => {
    const message: AuiChatMessage = { id: 'local-1', role: 'user', text: 'Hi', streaming: false, stopped: false };
    const state: AuiChatState = { taskId: undefined, messages: [message], status: 'ready', error: undefined };
    // @ts-expect-error read-only
    state.status = 'error';
    // @ts-expect-error read-only array
    state.messages.push(message);
    expect(pin<Equal<AuiChatState['messages'], readonly AuiChatMessage[]>>(true)).toBe(true);
  });
});

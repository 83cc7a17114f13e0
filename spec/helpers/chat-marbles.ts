/**
 * Helpers of the createAuiChat marble specs: a chat on a real AuiClient over MockWebSocket (REST
 * optionally replaced by stand-ins), a snapshot drawn as one short line, and a recorder of what an
 * Observable did at which virtual frame.
 */
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createAuiChat } from '../../lib/chat/create-aui-chat.js';
import type { AuiChat, AuiChatClient, AuiChatOptions, AuiChatState } from '../../lib/chat/chat-types.js';
import { AuiClient } from '../../lib/client.js';
import { MockWebSocket } from '../../lib/testing/mock-web-socket.js';
import { MOCK_KEY } from './ws-marbles.js';

/**
 * One snapshot as a line: `status u:text | a:text…` (`…` streaming, `■` stopped).
 *
 * @example
 * view(chat.state); // 'streaming u:Hi | a:Hel…'
 */
export function chatView(state: AuiChatState): string {
  const messages = state.messages.map((m) => `${m.role[0]}:${m.text}${m.streaming ? '…' : ''}${m.stopped ? '■' : ''}`);
  return messages.length === 0 ? state.status : `${state.status} ${messages.join(' | ')}`;
}

/** Subscribes `source` and records each notification as `[frame, 'next' | 'error' | 'complete', value?]`. */
export function recordAt<T>(scheduler: TestScheduler, source: Observable<T>): unknown[] {
  const seen: unknown[] = [];
  source.subscribe({
    next: (value) => seen.push([scheduler.now(), 'next', value]),
    error: (error: unknown) => seen.push([scheduler.now(), 'error', error]),
    complete: () => seen.push([scheduler.now(), 'complete']),
  });
  return seen;
}

/**
 * A chat on a real client over MockWebSocket whose time is `scheduler`'s; `rest` replaces the client's
 * `createTask` / `getTaskMessages` where given (cold stand-ins in virtual time).
 */
export function mockChat(scheduler: TestScheduler, options: AuiChatOptions, rest: Partial<AuiChatClient> = {}): AuiChat {
  const client = new AuiClient({ apiKey: MOCK_KEY, baseUrl: 'https://aui.test/api/ia-controller', WebSocket: MockWebSocket, scheduler });
  if (Object.keys(rest).length === 0) return createAuiChat(client, options);
  return createAuiChat(
    {
      createTask: (args) => rest.createTask?.(args) ?? client.createTask(args),
      getTaskMessages: (id) => rest.getTaskMessages?.(id) ?? client.getTaskMessages(id),
      streamMessage: (args) => client.streamMessage(args),
    },
    options,
  );
}

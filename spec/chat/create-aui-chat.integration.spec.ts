/**
 * createAuiChat against a real FakeAuiServer on 127.0.0.1: a multi-turn chat in a new task, the history
 * of an existing task, regenerate, a 1011 retried in place, a 1008 that costs one connection, stop().
 */
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { createAuiChat } from '../../lib/chat/create-aui-chat.js';
import type { AuiChat, AuiChatState } from '../../lib/chat/chat-types.js';
import { AuiClient } from '../../lib/client.js';
import { agentReplyText } from '../../lib/testing/fake-agent.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { anError } from '../helpers/ws-marbles.js';

let server: FakeAuiServer;
let client: AuiClient;
const chats: AuiChat[] = [];

beforeAll(async () => {
  server = await FakeAuiServer.start();
});
afterAll(() => server.stop());
beforeEach(() => {
  server.reset();
  client = new AuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
});
afterEach(() => {
  for (const chat of chats.splice(0)) chat.close();
  client.close();
});

/** A chat closed after the test. */
function open(options: Parameters<typeof createAuiChat>[1], on: AuiClient = client): AuiChat {
  const chat = createAuiChat(on, options);
  chats.push(chat);
  return chat;
}

/** Polls `check` every 5 ms, at most 2 s. */
async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

/** The first snapshot that satisfies `check` (bounded by jest's test timeout). */
function until(chat: AuiChat, check: (s: AuiChatState) => boolean): Promise<AuiChatState> {
  return firstValueFrom(chat.state$.pipe(filter(check)));
}

describe('createAuiChat against FakeAuiServer', () => {
  it('a multi-turn chat in a new task: the task is created once, each reply streams and ends with its cards', async () => {
    const chat = open({ userId: 'alice' });
    const first = await lastValueFrom(chat.send('I need a microwave'));
    expect(first).toMatchObject({ role: 'assistant', text: agentReplyText('I need a microwave'), streaming: false, stopped: false });
    expect(first.message?.cards?.length).toBeGreaterThan(0);
    await lastValueFrom(chat.send('And the dimensions?'));
    const task = server.store.tasks[0];
    expect(server.store.tasks).toHaveLength(1);
    expect(task?.user_id).toBe('alice');
    expect(chat.state).toMatchObject({ taskId: task?.id, status: 'ready', error: undefined });
    expect(chat.state.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'I need a microwave'],
      ['assistant', agentReplyText('I need a microwave')],
      ['user', 'And the dimensions?'],
      ['assistant', agentReplyText('And the dimensions?')],
    ]);
    expect(server.store.messages.get(task?.id ?? '')?.map((m) => m.text)).toEqual(chat.state.messages.map((m) => m.text));
  });

  it('an existing task: its history loads first (status submitted), then the chat continues after it', async () => {
    const first = open({ userId: 'bob' });
    await lastValueFrom(first.send('Hi'));
    const taskId = first.state.taskId ?? '';
    const statuses: string[] = [];
    const chat = open({ taskId });
    chat.state$.subscribe((s) => statuses.push(s.status));
    const loaded = await until(chat, (s) => s.status === 'ready');
    expect(statuses[0]).toBe('submitted');
    expect(loaded.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'Hi'],
      ['assistant', agentReplyText('Hi')],
    ]);
    expect(loaded.messages[1]?.message?.id).toBe(loaded.messages[1]?.id);
    await lastValueFrom(chat.send('More'));
    expect(chat.state.messages.map((m) => m.text)).toEqual(['Hi', agentReplyText('Hi'), 'More', agentReplyText('More')]);
  });

  it('regenerate(): the last user message is sent again and its reply replaced', async () => {
    const chat = open({ userId: 'carol' });
    await lastValueFrom(chat.send('Quiet microwave?'));
    const before = chat.state.messages[1]?.id;
    const again = await lastValueFrom(chat.regenerate());
    expect(again.id).not.toBe(before);
    expect(chat.state.messages.map((m) => m.text)).toEqual(['Quiet microwave?', agentReplyText('Quiet microwave?')]);
    const sent = server.store.messages.get(chat.state.taskId ?? '')?.filter((m) => m.sender.type === 'user').map((m) => m.text);
    expect(sent).toEqual(['Quiet microwave?', 'Quiet microwave?']);
  });

  it('a 1011 mid-reply is retried and the reply restarts in place: one message, never doubled text', async () => {
    const chat = open({ userId: 'dave', retry: { jitter: false, initialDelayMs: 10 } });
    const replies: string[] = [];
    chat.state$.subscribe((s) => {
      const reply = s.messages[1];
      if (reply) replies.push(reply.text);
    });
    server.failNextTurn({ type: 'close', code: 1011, reason: 'Internal error', afterFrames: 2 });
    const reply = await lastValueFrom(chat.send('Which is quieter?'));
    const full = agentReplyText('Which is quieter?');
    expect(reply.text).toBe(full);
    expect(replies).toContain('');
    expect(replies.every((text) => full.startsWith(text))).toBe(true);
    expect(chat.state.messages.map((m) => m.id)).toEqual(['local-1', 'local-2']);
    expect(server.stats.connections).toBe(2);
  });

  it('a bad key: close 1008 is status error with the typed error; a second send costs no connection', async () => {
    const task = server.store.createTask('erin', server.apiKey);
    const bad = new AuiClient({ apiKey: 'API_KEY_01WRONG000000000000000000000', baseUrl: server.baseUrl });
    try {
      const chat = open({ taskId: task.id, history: false }, bad);
      await expect(lastValueFrom(chat.send('Hi'))).rejects.toEqual(anError('AuiAuthenticationError', { closeCode: 1008 }));
      expect(chat.state).toMatchObject({ status: 'error', error: anError('AuiAuthenticationError', { closeCode: 1008 }) });
      await expect(lastValueFrom(chat.send('Again'))).rejects.toBe(chat.state.error);
      expect(server.stats.connections).toBe(1);
    } finally {
      bad.close();
    }
  });

  it('close() during a stalled history load aborts the request; close() mid-reply closes the socket', async () => {
    const task = server.store.createTask('gil', server.apiKey);
    server.failNextRequest({ method: 'GET', path: /\/messages$/, fault: { type: 'stall' } });
    const loading = open({ taskId: task.id });
    await waitFor(() => server.requests.length === 1);
    loading.close();
    await waitFor(() => server.stats.abortedRequests === 1);
    expect(loading.state.status).toBe('ready');
    server.failNextTurn({ type: 'stall', afterFrames: 1 });
    const chat = open({ taskId: task.id, history: false });
    chat.send('Hi');
    await until(chat, (s) => s.status === 'streaming');
    chat.close();
    await waitFor(() => server.stats.openConnections === 0);
    expect(chat.state.messages[1]).toMatchObject({ stopped: true, streaming: false });
  });

  it('stop(): the partial reply stays, marked stopped, and the socket is closed', async () => {
    server.failNextTurn({ type: 'stall', afterFrames: 1 });
    const chat = open({ userId: 'fay' });
    const outcome = lastValueFrom(chat.send('Hi'), { defaultValue: undefined });
    await until(chat, (s) => s.status === 'streaming');
    chat.stop();
    const reply = await outcome;
    expect(reply).toMatchObject({ role: 'assistant', streaming: false, stopped: true });
    expect(chat.state.status).toBe('ready');
    await waitFor(() => server.stats.openConnections === 0);
  });
});

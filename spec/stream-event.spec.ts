import { AuiClient } from '../lib/client.js';
import type { StreamEvent } from '../lib/stream-event.js';
import { FakeAuiServer, type FrameShape, type TextMode } from '../lib/testing/fake-aui-server.js';
import { agentReplyText } from '../lib/testing/fake-agent.js';
import { allEvents } from './helpers/ws-server.js';

/** Compile-time guard: a switch over every kind; adding a kind without handling it fails type-checking. */
function describeEvent(event: StreamEvent): string {
  switch (event.kind) {
    case 'text':
      return `text:${event.delta}`;
    case 'final':
      return `final:${event.message.id}`;
    case 'restart':
      return `restart:${event.attempt}`;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

describe('StreamEvent: the event model every real turn follows', () => {
  let server: FakeAuiServer;
  let client: AuiClient;

  beforeAll(async () => {
    server = await FakeAuiServer.start();
    client = new AuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
  });
  afterAll(async () => {
    client.close();
    await server.stop();
  });

  const shapes: Array<[FrameShape, TextMode]> = [
    ['A1', 'cumulative'],
    ['A1', 'delta'],
    ['A2', 'cumulative'],
    ['A2', 'delta'],
    ['envelope', 'delta'],
  ];

  it.each(shapes)('frames %s / %s: text events grow by their delta, then one final event ends the stream', async (frames, textMode) => {
    server.configure({ frames, textMode, framesPerReply: 6 });
    const task = server.store.createTask('user_events', server.apiKey);
    const question = 'a built-in microwave';
    const events = await allEvents(client.streamMessage({ task_id: task.id, text: question }));

    const expected = agentReplyText(question);
    const textEvents = events.filter((e): e is Extract<StreamEvent, { kind: 'text' }> => e.kind === 'text');
    expect(textEvents.length).toBe(6);
    let previous = '';
    for (const e of textEvents) {
      expect(e.taskId).toBe(task.id);
      expect(e.delta.length).toBeGreaterThan(0);
      expect(e.text).toBe(previous + e.delta); // text is the whole reply so far
      previous = e.text;
    }
    expect(previous).toBe(expected);

    const last = events[events.length - 1];
    expect(last?.kind).toBe('final');
    expect(events.filter((e) => e.kind === 'final')).toHaveLength(1);
    if (last?.kind === 'final') {
      expect(last.taskId).toBe(task.id);
      expect(last.message.text).toBe(expected);
    }
    expect(events.map(describeEvent)[events.length - 1]).toMatch(/^final:/);
  });
});

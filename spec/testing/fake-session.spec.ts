import { TEXT_UPDATE_EVENT } from '../../lib/protocol/server-frames.js';
import { agentReplyText, splitReply } from '../../lib/testing/fake-agent.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { DEFAULT_UNKNOWN_FRAME } from '../../lib/testing/fake-bodies.js';
import { ERROR_500, FRAME_ERROR } from '../helpers/fixtures.js';
import { RawSession } from '../helpers/ws-raw-client.js';

describe('FakeAuiServer WebSocket session', () => {
  let server: FakeAuiServer;
  let task: string;
  const sessions: RawSession[] = [];

  beforeAll(async () => {
    server = await FakeAuiServer.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.reset();
    server.configure({ frames: 'A2', textMode: 'cumulative', replyShape: 'cards', frameDelayMs: 0, framesPerReply: 0 });
    task = server.store.createTask('user-1', server.apiKey).id;
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.end();
  });

  async function session(key = server.apiKey): Promise<RawSession> {
    const s = await RawSession.open(`${server.wsUrl}?network_api_key=${key}`);
    sessions.push(s);
    return s;
  }

  const textsOf = (s: RawSession): string[] =>
    s.json.flatMap((f) => {
      const data = f['data'] as { text?: unknown } | undefined;
      return f['event'] === TEXT_UPDATE_EVENT || f['type'] === 'streaming_update' || (f['channel'] as { event_name?: string } | undefined)?.event_name === TEXT_UPDATE_EVENT
        ? [String(data?.text)]
        : [];
    });

  it('streams the reply word by word (A2, cumulative), then the final message, and keeps the socket open', async () => {
    const s = await session();
    s.send({ task_id: task, text: 'built-in microwave' });
    const final = await s.final();
    const reply = agentReplyText('built-in microwave');
    const words = splitReply(reply);
    expect(textsOf(s)).toEqual(words.map((_, i) => words.slice(0, i + 1).join('')));
    expect(final).toMatchObject({ text: reply, sender: { type: 'agent' }, receiver: { id: 'user-1' }, cards: expect.any(Array) });
    expect(s.close).toBeUndefined();
    s.send({ task_id: task, text: 'again' });
    await s.frameCount(s.frames.length + words.length);
    expect(server.stats).toMatchObject({ turns: 2, connections: 1, openConnections: 1 });
  });

  it('stores the user message and the agent reply in the task history', async () => {
    const s = await session();
    s.send({ task_id: task, text: 'hello' });
    const final = await s.final();
    expect(server.store.messages.get(task)?.map((m) => [m.sender.type, m.text])).toEqual([
      ['user', 'hello'],
      ['agent', final['text']],
    ]);
  });

  it('delta mode: the frames concatenate to the reply', async () => {
    server.configure({ textMode: 'delta', framesPerReply: 5 });
    const s = await session();
    s.send({ task_id: task, text: 'x' });
    await s.final();
    expect(textsOf(s)).toEqual(splitReply(agentReplyText('x'), 5));
  });

  it('A1 frames carry channel.event_name and the task and message ids in scope.context', async () => {
    server.configure({ frames: 'A1', framesPerReply: 2 });
    const s = await session();
    s.send({ task_id: task, text: 'x' });
    const final = await s.final();
    const first = s.json[0] as { channel: { event_name: string }; scope: { context: { task_id: string; message_id: string } } };
    expect(first.channel.event_name).toBe(TEXT_UPDATE_EVENT);
    expect(first.scope.context).toMatchObject({ task_id: task, message_id: final['id'] });
  });

  it('envelope frames: streaming_update then final_message', async () => {
    server.configure({ frames: 'envelope', framesPerReply: 2 });
    const s = await session();
    s.send({ task_id: task, text: 'x' });
    await s.final();
    expect(s.json.map((f) => f['type'])).toEqual(['streaming_update', 'streaming_update', 'final_message']);
  });

  it('legacy reply shape: options + variants_options, no cards', async () => {
    server.configure({ replyShape: 'legacy', framesPerReply: 1 });
    const s = await session();
    s.send({ task_id: task, text: 'x' });
    const final = await s.final();
    expect(final).toMatchObject({ options: expect.any(Array), variants_options: [] });
    expect(final).not.toHaveProperty('cards');
  });

  it('frameDelayMs spaces the frames through the server timers', async () => {
    server.configure({ frameDelayMs: 2, framesPerReply: 3 });
    const s = await session();
    s.send({ task_id: task, text: 'x' });
    await s.final();
    expect(textsOf(s)).toHaveLength(3);
  });

  it.each([
    ['malformed JSON', '{"task_id": ', 422, 'not valid JSON'],
    ['missing task_id', { text: 'hi' }, 422, 'task_id'],
    ['empty text', { task_id: 'x', text: ' ' }, 422, 'text'],
    ['unknown task', { task_id: 'no-such-task', text: 'hi' }, 422, 'not found'],
  ])('%s → error frame %i then close 1008', async (_label, frame, status, words) => {
    const s = await session();
    s.send(frame);
    const close = await s.closed();
    expect(close.code).toBe(1008);
    expect(s.json).toEqual([expect.objectContaining({ status_code: status, message: expect.stringContaining(words) })]);
    expect(server.stats.turns).toBe(1);
  });

  it("a task of another network → error frame 403 then close 1008", async () => {
    server.configure({ apiKeys: [server.apiKey, 'API_KEY_OTHER'] });
    const s = await session('API_KEY_OTHER');
    s.send({ task_id: task, text: 'hi' });
    expect((await s.closed()).code).toBe(1008);
    expect(s.json[0]).toMatchObject({ status_code: 403 });
  });

  describe('turn faults', () => {
    it('error-frame with a code: the frame, then that close', async () => {
      server.failNextTurn({ type: 'error-frame', frame: ERROR_500, code: 1011, reason: 'internal', afterFrames: 2 });
      const s = await session();
      s.send({ task_id: task, text: 'x' });
      expect(await s.closed()).toEqual({ code: 1011, reason: 'internal' });
      expect(s.json.slice(2)).toEqual([ERROR_500]);
      expect(textsOf(s)).toHaveLength(2);
    });

    it('error-frame without a code: the frame, socket left open', async () => {
      server.failNextTurn({ type: 'error-frame', frame: FRAME_ERROR });
      const s = await session();
      s.send({ task_id: task, text: 'x' });
      await s.frameCount(1);
      expect(s.json).toEqual([FRAME_ERROR]);
      expect(s.close).toBeUndefined();
    });

    it.each([0, 3])('close after %i frames', async (afterFrames) => {
      server.failNextTurn({ type: 'close', code: 1011, afterFrames });
      const s = await session();
      s.send({ task_id: task, text: 'x' });
      expect((await s.closed()).code).toBe(1011);
      expect(s.frames).toHaveLength(afterFrames);
    });

    it('destroy after frames: the frames arrive, then an abnormal close (1006)', async () => {
      server.failNextTurn({ type: 'destroy', afterFrames: 4 });
      const s = await session();
      s.send({ task_id: task, text: 'x' });
      expect((await s.closed()).code).toBe(1006);
      expect(s.frames).toHaveLength(4);
    });

    it('stall: some frames, then silence on an open socket', async () => {
      server.failNextTurn({ type: 'stall', afterFrames: 2 });
      const s = await session();
      s.send({ task_id: task, text: 'x' });
      await s.frameCount(2);
      await new Promise((r) => setTimeout(r, 30));
      expect(s.frames).toHaveLength(2);
      expect(s.close).toBeUndefined();
    });

    it('raw: the text is sent as a frame, then the reply goes on', async () => {
      server.failNextTurn({ type: 'raw', text: 'not json', afterFrames: 1 });
      server.configure({ framesPerReply: 2 });
      const s = await session();
      s.send({ task_id: task, text: 'x' });
      await s.final();
      expect(s.frames[1]).toBe('not json');
      expect(s.frames).toHaveLength(4);
    });

    it('unknown-frame: the default unknown frame, then the reply goes on', async () => {
      server.failNextTurn({ type: 'unknown-frame' });
      server.configure({ framesPerReply: 1 });
      const s = await session();
      s.send({ task_id: task, text: 'x' });
      await s.final();
      expect(s.json[0]).toEqual(DEFAULT_UNKNOWN_FRAME);
    });

    it('oversize: one text frame of the given size first', async () => {
      server.failNextTurn({ type: 'oversize', bytes: 100_000 });
      server.configure({ framesPerReply: 1 });
      const s = await session();
      s.send({ task_id: task, text: 'x' });
      await s.final();
      expect((s.json[0] as { data: { text: string } }).data.text).toHaveLength(100_000);
    });

    it('reply: replaces the canned text, split into the given number of frames', async () => {
      server.failNextTurn({ type: 'reply', text: 'Only this reply, in two.', frames: 2 });
      const s = await session();
      s.send({ task_id: task, text: 'x' });
      const final = await s.final();
      expect(textsOf(s)).toEqual(['Only this', 'Only this reply, in two.']);
      expect(final['text']).toBe('Only this reply, in two.');
    });

    it('faults apply one per turn, in order', async () => {
      server.failNextTurn({ type: 'unknown-frame', afterFrames: 0 }, { type: 'reply', text: 'second', frames: 1 });
      server.configure({ framesPerReply: 1 });
      const s = await session();
      s.send({ task_id: task, text: 'a' });
      await s.final();
      const before = s.frames.length;
      s.send({ task_id: task, text: 'b' });
      await s.frameCount(before + 2);
      expect(s.json.slice(before).map((f) => f['text'] ?? (f['data'] as { text?: string }).text)).toEqual(['second', 'second']);
    });
  });

  it('stop() cancels pending frame timers and closes live sessions', async () => {
    const local = await FakeAuiServer.start({ frameDelayMs: 50 });
    const id = local.store.createTask('u', local.apiKey).id;
    const s = await RawSession.open(`${local.wsUrl}?network_api_key=${local.apiKey}`);
    s.send({ task_id: id, text: 'x' });
    await s.frameCount(1);
    await local.stop();
    expect((await s.closed()).code).toBe(1006);
  });
});

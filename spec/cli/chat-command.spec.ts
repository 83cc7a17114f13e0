/**
 * `aui-rx chat`: streamed (live or JSON lines) and REST replies against a FakeAuiServer started by the
 * spec, as a child process from the build and in process.
 */
import { from, lastValueFrom } from 'rxjs';
import { CHAT_HELP, chatCommand, printLive } from '../../lib/cli/chat-command.js';
import { EXIT_CODES, InterruptedError, UsageError } from '../../lib/cli/exit-codes.js';
import { runCli } from '../../lib/cli/main.js';
import type { StreamEvent } from '../../lib/stream-event.js';
import { agentReplyText } from '../../lib/testing/fake-agent.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { finalEvent, restartEvent, textEvent } from '../helpers/marble-events.js';
import { captureIo, cleanEnv, ensureBuild, killChildren, releaseBuild, runCliChild, waitUntil } from '../helpers/cli-kit.js';

const SECRET = 'API_KEY_01SECRETCLI0000000000000000';

let server: FakeAuiServer;
beforeAll(async () => {
  server = await FakeAuiServer.start();
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

/** The flags that point the command at the spec's server. */
const at = (): string[] => ['--api-key', server.apiKey, '--base-url', server.baseUrl];

describe('aui-rx chat (child process)', () => {
  beforeAll(() => ensureBuild(), 240_000);
  afterAll(() => releaseBuild());
  afterEach(() => killChildren());

  it('--json prints valid JSON lines: text events, then the final event last', async () => {
    const text = 'Which microwave is quieter?';
    const result = await runCliChild(['chat', '--json', ...at(), text]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    const events = lines.map((line) => JSON.parse(line) as StreamEvent);
    const final = events[events.length - 1];
    expect(final).toMatchObject({ kind: 'final', message: { text: agentReplyText(text), sender: { type: 'agent' } } });
    const texts = events.slice(0, -1);
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.every((e) => e.kind === 'text' && e.taskId === final?.taskId)).toBe(true);
    const whole = texts.map((e) => (e.kind === 'text' ? e.delta : '')).join('');
    expect(whole).toBe(agentReplyText(text));
    expect(server.stats.turns).toBe(1);
  });

  it('a bad key exits 3 with an authentication message that does not contain the key', async () => {
    const result = await runCliChild(['chat', '--api-key', SECRET, '--base-url', server.baseUrl, 'Hello?']);
    expect(result.code).toBe(EXIT_CODES.authentication);
    expect(result.stderr).toMatch(/^error \[authentication\] \(status 401\): .+\n$/);
    expect(result.stdout).toBe('');
    expect(result.stderr + result.stdout).not.toContain(SECRET);
  });

  it('a bad key on the WebSocket (an existing --task) exits 3 too, close 1008, key not printed', async () => {
    const task = server.store.createTask('user-1', server.apiKey);
    const result = await runCliChild(['chat', '--task', task.id, '--api-key', SECRET, '--base-url', server.baseUrl, 'Hello?']);
    expect(result.code).toBe(EXIT_CODES.authentication);
    expect(result.stderr).toMatch(/error \[authentication\] \(close 1008\): /);
    expect(result.stderr + result.stdout).not.toContain(SECRET);
    expect(server.stats.connections).toBe(1);
  });

  it('--help exits 0', async () => {
    expect(await runCliChild(['chat', '--help'])).toMatchObject({ code: 0, stdout: CHAT_HELP });
  });
});

describe('chatCommand (in process)', () => {
  it('streams the reply live: label, text, cards and suggestions; the new task id on stderr', async () => {
    const io = captureIo();
    await expect(chatCommand([...at(), 'I need a microwave'], io, cleanEnv())).resolves.toBe(0);
    const reply = agentReplyText('I need a microwave');
    expect(io.out.text.startsWith(`Thinking…\n${reply}\n\nProducts:\n  ★ Frigidaire Gallery`)).toBe(true);
    expect(io.out.text).toContain('\nYou could ask:\n  → Does it have sensor cooking?\n');
    const task = server.store.tasks[0];
    expect(io.err.text).toBe(`task ${task?.id}\n`);
    expect(task?.user_id).toBe('cli-user');
  });

  it('--user names the user of the new task; --task continues an existing one', async () => {
    await chatCommand([...at(), '--user', 'alice', '--rest', 'Hi'], captureIo(), cleanEnv());
    expect(server.store.tasks.map((t) => t.user_id)).toEqual(['alice']);
    const existing = server.store.createTask('bob', server.apiKey);
    const io = captureIo();
    await chatCommand([...at(), '--task', existing.id, 'And the dimensions?'], io, cleanEnv());
    expect(io.err.text).toBe(''); // no task created, nothing to announce
    expect(server.store.tasks).toHaveLength(2);
    expect(server.store.messages.get(existing.id)?.map((m) => m.text)).toEqual(['And the dimensions?', agentReplyText('And the dimensions?')]);
  });

  it('--rest prints the complete reply; with --json one final line', async () => {
    const io = captureIo();
    await chatCommand([...at(), '--rest', 'Hi'], io, cleanEnv());
    expect(io.out.text.startsWith(`${agentReplyText('Hi')}\n\nProducts:\n`)).toBe(true);
    expect(server.stats.connections).toBe(0);
    const json = captureIo();
    await chatCommand([...at(), '--rest', '--json', 'Hi'], json, cleanEnv());
    const lines = json.out.text.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ kind: 'final', message: { text: agentReplyText('Hi') } });
    expect(json.err.text).toBe('');
  });

  it('the message is every positional, joined by spaces', async () => {
    const io = captureIo();
    await chatCommand([...at(), '--rest', 'two', 'words'], io, cleanEnv());
    expect(io.out.text).toContain(agentReplyText('two words'));
  });

  it('reads the key and base URL from AUI_API_KEY and AUI_BASE_URL', async () => {
    const io = captureIo();
    await chatCommand(['--rest', 'Hi'], io, cleanEnv({ AUI_API_KEY: server.apiKey, AUI_BASE_URL: server.baseUrl }));
    expect(server.stats.restRequests).toBe(2); // createTask + sendMessage, on the spec's server
    expect(io.err.text).not.toContain('No API key');
  });

  it('without a key, uses an embedded fake server and says so in one line', async () => {
    const io = captureIo();
    await expect(chatCommand(['--rest', 'Hi'], io, cleanEnv())).resolves.toBe(0);
    const notes = io.err.text.split('\n').filter((l) => l.startsWith('No API key'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^No API key \(--api-key or AUI_API_KEY\): using an embedded fake server at http:\/\/127\.0\.0\.1:\d+\//);
    expect(io.out.text).toContain(agentReplyText('Hi'));
    expect(server.stats.restRequests).toBe(0);
  });

  it('a 1011 mid-reply ends the cut line and exits 6 (chat does not retry: that would re-send the message)', async () => {
    server.failNextTurn({ type: 'close', code: 1011, reason: 'Internal error', afterFrames: 2 });
    const io = captureIo();
    await expect(runCli(['chat', ...at(), 'Hi'], io, cleanEnv())).resolves.toBe(EXIT_CODES.server);
    expect(io.out.text).toBe('Thinking…\nI found\n');
    expect(io.err.text).toMatch(/\nerror \[server\] \(close 1011\): .+\n$/);
  });

  it('usage errors: --task with --user, no text', async () => {
    await expect(chatCommand(['--task', 't', '--user', 'u', 'Hi'], captureIo(), cleanEnv())).rejects.toBeInstanceOf(UsageError);
    const io = captureIo();
    await expect(runCli(['chat', '--task', 't', '--user', 'u', 'Hi'], io, cleanEnv())).resolves.toBe(2);
    expect(io.err.text).toBe('error [usage]: use --task or --user, not both\n');
    const empty = captureIo();
    await expect(chatCommand([...at(), '  '], empty, cleanEnv())).resolves.toBe(2);
    expect(empty.err.text).toMatch(/^error \[usage\]: a message text is required\n\nUsage: aui-rx chat/);
    expect(server.stats.restRequests).toBe(0);
  });

  it('an abort mid-turn (Ctrl-C) rejects with InterruptedError and closes the socket', async () => {
    server.failNextTurn({ type: 'stall', afterFrames: 1 });
    const controller = new AbortController();
    const io = captureIo();
    const done = chatCommand([...at(), 'Hi'], io, cleanEnv(), controller.signal);
    await waitUntil(() => io.out.text.includes('I'));
    controller.abort();
    await expect(done).rejects.toBeInstanceOf(InterruptedError);
    expect(io.out.text).toBe('Thinking…\nI\n');
    await waitUntil(() => server.stats.openConnections === 0);
  });
});

describe('printLive', () => {
  it('writes deltas, marks a restart, and writes the retried reply from its start', async () => {
    const events: StreamEvent[] = [
      textEvent('Hel', 'Hel'),
      textEvent('Hello', 'lo'),
      restartEvent(1),
      textEvent('Hel', 'Hel'),
      textEvent('Hello!', 'lo!'),
      finalEvent('Hello!'),
    ];
    const io = captureIo();
    await lastValueFrom(printLive(io, from(events), 'Wait…'));
    expect(io.out.text).toBe('Wait…\nHello\n↻ (connection lost; the reply restarts)\nHello!\n');
  });

  it('keeps its state per subscription', async () => {
    const io = captureIo();
    const live$ = printLive(io, from([textEvent('Hi', 'Hi'), finalEvent('Hi')]), '…');
    await lastValueFrom(live$);
    await lastValueFrom(live$);
    expect(io.out.text).toBe('…\nHi\n…\nHi\n');
  });
});

/**
 * The interactive `aui-rx chat`: in process with piped input (lines, end of input, abort) against a
 * FakeAuiServer started by the spec, and as the built command in a pseudo-terminal (`script` from
 * util-linux) where Ctrl-C is a key: it stops a running reply, and exits when idle.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { chatCommand } from '../../lib/cli/chat-command.js';
import { CHAT_PROMPT, RESTART_NOTE, SESSION_BANNER, runChatSession } from '../../lib/cli/chat-session.js';
import { EXIT_CODES, InterruptedError, UsageError } from '../../lib/cli/exit-codes.js';
import { AuiClient } from '../../lib/client.js';
import { createAuiChat } from '../../lib/chat/create-aui-chat.js';
import { agentReplyText } from '../../lib/testing/fake-agent.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { builtCliPath, captureIo, cleanEnv, ensureBuild, releaseBuild, waitUntil } from '../helpers/cli-kit.js';

let server: FakeAuiServer;
beforeAll(async () => {
  server = await FakeAuiServer.start();
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

const at = (): string[] => ['--api-key', server.apiKey, '--base-url', server.baseUrl];
const never = new AbortController().signal;

describe('interactive chat (in process, piped input)', () => {
  it('each line is a turn in one new task; end of input waits for the last reply, then exits 0', async () => {
    const input = new PassThrough();
    const io = captureIo();
    const done = chatCommand([...at(), '--user', 'alice'], io, cleanEnv(), never, input);
    input.end('I need a microwave\n\nAnd the dimensions?\n'); // the second line waits for the first reply
    await expect(done).resolves.toBe(EXIT_CODES.ok);
    const [first, second] = [agentReplyText('I need a microwave'), agentReplyText('And the dimensions?')];
    expect(io.out.text.indexOf(first)).toBeGreaterThan(-1);
    expect(io.out.text.indexOf(second)).toBeGreaterThan(io.out.text.indexOf(first));
    expect(io.out.text).toContain('\nProducts:\n  ★ Frigidaire Gallery');
    const task = server.store.tasks[0];
    expect(server.store.tasks).toHaveLength(1);
    expect(task?.user_id).toBe('alice');
    expect(server.store.messages.get(task?.id ?? '')?.map((m) => m.text)).toEqual(['I need a microwave', first, 'And the dimensions?', second]);
    expect(io.err.text).toBe(`${SESSION_BANNER}task ${task?.id}\n`);
    expect(server.stats.connections).toBe(1); // the second turn reused the task's socket
  });

  it('--task shows the history first, then continues the task', async () => {
    const task = server.store.createTask('bob', server.apiKey);
    await chatCommand([...at(), '--task', task.id, 'Hi'], captureIo(), cleanEnv());
    const io = captureIo();
    const input = new PassThrough();
    const done = chatCommand([...at(), '--task', task.id], io, cleanEnv(), never, input);
    input.end('More\n');
    await expect(done).resolves.toBe(0);
    expect(io.out.text.startsWith(`you: Hi\nagent: ${agentReplyText('Hi')}\nThinking…\n${agentReplyText('More')}\n`)).toBe(true);
    expect(io.out.text).not.toContain(CHAT_PROMPT); // piped input: no prompt
    expect(io.err.text).toBe(SESSION_BANNER); // no task was created
  });

  it('a retried 1011 restarts the reply on screen; the reply is printed whole once more', async () => {
    server.failNextTurn({ type: 'close', code: 1011, afterFrames: 2 });
    const input = new PassThrough();
    const io = captureIo();
    const done = chatCommand(at(), io, cleanEnv(), never, input);
    input.end('Hi\n');
    await expect(done).resolves.toBe(0);
    expect(io.out.text).toContain(`I found${RESTART_NOTE}${agentReplyText('Hi')}\n`);
  });

  it('a rejected key: the error is printed, the session goes on, and exits with the last error code', async () => {
    const task = server.store.createTask('carol', server.apiKey);
    const input = new PassThrough();
    const io = captureIo();
    const done = chatCommand(['--api-key', 'API_KEY_01WRONG000000000000000000000', '--base-url', server.baseUrl, '--task', task.id], io, cleanEnv(), never, input);
    await waitUntil(() => io.err.text.includes('error [authentication]'));
    input.end('Hi\nAgain\n');
    await expect(done).resolves.toBe(EXIT_CODES.authentication);
    expect(io.err.text.match(/error \[authentication\]/g)).toHaveLength(3); // the history, then each send
    expect(server.stats.connections).toBe(0); // latched on the history's 401: no send opened a socket
  });

  it('an abort (SIGTERM, or SIGINT on a pipe) stops the reply and rejects with InterruptedError; the socket closes', async () => {
    server.failNextTurn({ type: 'stall', afterFrames: 2 });
    const controller = new AbortController();
    const input = new PassThrough();
    const io = captureIo();
    const done = chatCommand(at(), io, cleanEnv(), controller.signal, input);
    input.write('Hi\nqueued\n');
    await waitUntil(() => io.out.text.includes('I found'));
    controller.abort();
    await expect(done).rejects.toBeInstanceOf(InterruptedError);
    await waitUntil(() => server.stats.openConnections === 0);
    expect(io.out.text.match(/Thinking…/g)).toHaveLength(1); // the queued line was not sent
  });

  it('an input that breaks mid-reply (EIO): rejects with its error, the reply stops, the socket closes (was an unhandled error event)', async () => {
    server.failNextTurn({ type: 'stall', afterFrames: 2 });
    const input = new PassThrough();
    const io = captureIo();
    const done = chatCommand(at(), io, cleanEnv(), never, input);
    input.write('Hi\nqueued\n');
    await waitUntil(() => io.out.text.includes('I found'));
    input.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
    await expect(done).rejects.toMatchObject({ code: 'EIO' });
    await waitUntil(() => server.stats.openConnections === 0);
    expect(server.stats.turns).toBe(1);
  });

  it('on a terminal, a Ctrl-C storm while a reply runs with a line queued: the reply stops, the session exits 0, nothing more is sent', async () => {
    server.failNextTurn({ type: 'stall', afterFrames: 2 });
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
    const io = captureIo(true);
    const done = chatCommand(at(), io, cleanEnv(), never, input);
    await waitUntil(() => io.out.text.includes(CHAT_PROMPT));
    input.write('Hi\rqueued\r');
    await waitUntil(() => io.out.text.includes('I found'));
    input.write('\x03'.repeat(20));
    await expect(done).resolves.toBe(0);
    input.write('after the end\r');
    await waitUntil(() => server.stats.openConnections === 0);
    expect(server.stats.turns).toBe(1);
    expect(io.err.text).toContain('(stopped)\n');
  });

  it('a 20 MB line is refused locally (over limits.maxFrameBytes, typed error printed); the next line is still sent', async () => {
    const input = new PassThrough();
    const io = captureIo();
    const done = chatCommand(at(), io, cleanEnv(), never, input);
    input.end(`${'x'.repeat(20 * 1024 * 1024)}\nsmall\n`);
    await expect(done).resolves.toBe(0);
    expect(io.err.text).toMatch(/error \[protocol\] \(close 1009\)/);
    expect(io.out.text).toContain(agentReplyText('small'));
    expect(server.stats.turns).toBe(1);
  });

  it('bytes that are not UTF-8 are read as U+FFFD and sent as such (no crash, no lost line)', async () => {
    const input = new PassThrough();
    const io = captureIo();
    const done = chatCommand(at(), io, cleanEnv(), never, input);
    input.end(Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('\nok\n')]));
    await expect(done).resolves.toBe(0);
    const task = server.store.tasks[0];
    expect(server.store.messages.get(task?.id ?? '')?.filter((m) => m.sender.type === 'user').map((m) => m.text)).toEqual(['\uFFFD\uFFFD\uFFFD(', 'ok']);
  });

  it('on a terminal (raw mode: Ctrl-C is a key), Ctrl-C stops a running reply and Ctrl-C when idle exits 0', async () => {
    server.failNextTurn({ type: 'stall', afterFrames: 2 });
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
    const io = captureIo(true);
    const done = chatCommand(at(), io, cleanEnv(), never, input);
    await waitUntil(() => io.out.text.includes(CHAT_PROMPT));
    input.write('Hi\r');
    await waitUntil(() => io.out.text.includes('I found'));
    input.write('\x03');
    await waitUntil(() => io.err.text.includes('(stopped)\n') && io.out.text.split(CHAT_PROMPT).length === 3);
    await waitUntil(() => server.stats.openConnections === 0);
    input.write('\x03');
    await expect(done).resolves.toBe(0);
    expect(server.stats.turns).toBe(1);
  });

  it('--rest and --json need a text', async () => {
    await expect(chatCommand([...at(), '--rest'], captureIo(), cleanEnv())).rejects.toBeInstanceOf(UsageError);
    await expect(chatCommand([...at(), '--json'], captureIo(), cleanEnv())).rejects.toBeInstanceOf(UsageError);
  });

  it('runChatSession leaves the chat open (the caller owns it) and resolves at end of input when idle', async () => {
    const client = new AuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
    const chat = createAuiChat(client, { userId: 'dora' });
    const input = new PassThrough();
    input.end();
    await expect(runChatSession(chat, captureIo(), input, never)).resolves.toBe(0);
    const closed: boolean[] = [];
    chat.state$.subscribe({ complete: () => closed.push(true) });
    expect(closed).toEqual([]);
    chat.close();
    client.close();
  });
});

/** `script` (util-linux) runs a command in a pseudo-terminal; the spec is skipped where it is missing. */
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

(hasScript ? describe : describe.skip)('interactive chat in a pseudo-terminal (the built command)', () => {
  let child: ChildProcess | undefined;
  beforeAll(() => ensureBuild(), 240_000);
  afterAll(() => releaseBuild());
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  /** Starts `aui-rx chat …` on a pty; resolves `exited` with the exit code (bounded: killed after 20 s). */
  function startOnPty(args: string[]): { output: () => string; type: (keys: string) => void; exited: Promise<number | null> } {
    const command = [process.execPath, builtCliPath(), 'chat', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const proc = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...cleanEnv(), TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
    child = proc;
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`aui-rx chat did not exit within 20 s; output:\n${out}`));
      }, 20_000);
      proc.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    return { output: () => out, type: (keys) => void proc.stdin.write(keys), exited };
  }

  it('multi-turn with live text; Ctrl-C stops a running reply, the next Ctrl-C (idle) exits 0', async () => {
    const pty = startOnPty(at());
    await waitUntil(() => pty.output().includes(CHAT_PROMPT));
    pty.type('I need a microwave\r');
    const first = agentReplyText('I need a microwave');
    await waitUntil(() => pty.output().includes('Would you like me to compare') && pty.output().split(CHAT_PROMPT).length === 3);
    expect(pty.output()).toContain(first.slice(0, 40));
    server.failNextTurn({ type: 'stall', afterFrames: 2 });
    const mark = pty.output().length;
    pty.type('Hi\r');
    await waitUntil(() => pty.output().slice(mark).includes('I found'));
    pty.type('\x03'); // Ctrl-C: stops the reply, the session stays
    await waitUntil(() => pty.output().includes('(stopped)') && pty.output().split(CHAT_PROMPT).length === 4);
    await waitUntil(() => server.stats.openConnections === 0);
    pty.type('\x03'); // Ctrl-C when idle: exits
    await expect(pty.exited).resolves.toBe(0);
    expect(server.store.tasks).toHaveLength(1);
    expect(server.stats.turns).toBe(2);
  }, 30_000);
});

/**
 * The `aui-rx` entry point: runCli in process (dispatch, usage errors, interruption) and the built
 * command as a child process (help on every command, exit codes, signals, a closed stdout).
 */
import { CHAT_HELP } from '../../lib/cli/chat-command.js';
import { DEMO_HELP } from '../../lib/cli/demo-command.js';
import { EXIT_CODES } from '../../lib/cli/exit-codes.js';
import { MAIN_HELP, runCli } from '../../lib/cli/main.js';
import { SERVE_HELP } from '../../lib/cli/serve-command.js';
import { MESSAGES_HELP, TASKS_HELP } from '../../lib/cli/tasks-command.js';
import { FAKE_API_KEY, FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { captureIo, cleanEnv, ensureBuild, killChildren, releaseBuild, runCliChild, servedBaseUrl, startCli, waitUntil } from '../helpers/cli-kit.js';

const HELPS: ReadonlyArray<readonly [string, string]> = [
  ['demo', DEMO_HELP],
  ['chat', CHAT_HELP],
  ['tasks', TASKS_HELP],
  ['messages', MESSAGES_HELP],
  ['serve', SERVE_HELP],
];

describe('runCli (in process)', () => {
  it.each(['--help', '-h', 'help'])('%s prints the command list and exits 0', async (flag) => {
    const io = captureIo();
    await expect(runCli([flag], io, cleanEnv())).resolves.toBe(0);
    expect(io.out.text).toBe(MAIN_HELP);
    expect(io.err.text).toBe('');
  });

  it('no command prints the command list and exits 2 (usage)', async () => {
    const io = captureIo();
    await expect(runCli([], io, cleanEnv())).resolves.toBe(EXIT_CODES.usage);
    expect(io.out.text).toBe(MAIN_HELP);
  });

  it('an unknown command is a usage error (exit 2) naming it', async () => {
    const io = captureIo();
    await expect(runCli(['frobnicate'], io, cleanEnv())).resolves.toBe(2);
    expect(io.err.text).toMatch(/^error \[usage\]: unknown command "frobnicate"/);
    expect(io.out.text).toBe('');
  });

  it.each(HELPS)('%s --help prints its help and exits 0 without touching the network', async (command, help) => {
    const io = captureIo();
    await expect(runCli([command, '--help'], io, cleanEnv())).resolves.toBe(0);
    expect(io.out.text).toBe(help);
    expect(help).toMatch(new RegExp(`^Usage: aui-rx ${command}`));
  });

  it.each(HELPS.map(([command]) => command))('%s with an unknown option is a usage error (exit 2)', async (command) => {
    const io = captureIo();
    await expect(runCli([command, '--no-such-option'], io, cleanEnv())).resolves.toBe(2);
    expect(io.err.text).toMatch(/^error \[usage\]: Unknown option '--no-such-option'/);
  });

  it('a command stopped by the signal exits 130 and says so', async () => {
    const controller = new AbortController();
    controller.abort();
    const io = captureIo();
    await expect(runCli(['messages', '--task', 't1'], io, cleanEnv(), controller.signal)).resolves.toBe(EXIT_CODES.interrupted);
    expect(io.err.text).toMatch(/interrupted\n$/);
  });

  it('an aui-rx error exits with its kind code and prints kind and message', async () => {
    const server = await FakeAuiServer.start();
    try {
      const io = captureIo();
      const code = await runCli(['messages', '--task', 't1', '--api-key', 'API_KEY_01WRONG', '--base-url', server.baseUrl], io, cleanEnv());
      expect(code).toBe(EXIT_CODES.authentication);
      expect(io.err.text).toMatch(/^error \[authentication\] \(status 401\): /);
      expect(io.err.text).not.toContain('API_KEY_01WRONG');
    } finally {
      await server.stop();
    }
  });
});

describe('aui-rx (child process)', () => {
  beforeAll(() => ensureBuild(), 240_000);
  afterAll(() => releaseBuild());
  afterEach(() => killChildren());

  it('--help exits 0 with the command list', async () => {
    const result = await runCliChild(['--help']);
    expect(result).toMatchObject({ code: 0, stdout: MAIN_HELP, stderr: '' });
  });

  it.each(HELPS)('%s --help exits 0 with its help', async (command, help) => {
    const result = await runCliChild([command, '--help']);
    expect(result).toMatchObject({ code: 0, stdout: help });
  });

  it('an unknown command exits 2', async () => {
    const result = await runCliChild(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error [usage]: unknown command "frobnicate"');
  });

  it.each([
    ['chat', '--bogus', 'hi'],
    ['demo', '--bogus'],
    ['serve', '--bogus'],
    ['tasks', '--user', 'u', '--bogus'],
  ])('an unknown option exits 2: aui-rx %s %s …', async (...args: string[]) => {
    const result = await runCliChild(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error [usage]: Unknown option '--bogus'");
  });

  it('SIGINT during a streamed turn ends the turn, closes the socket and exits 130', async () => {
    const server = await FakeAuiServer.start();
    try {
      server.failNextTurn({ type: 'stall', afterFrames: 2 }); // two words, then silence
      const running = startCli(['chat', '--api-key', server.apiKey, '--base-url', server.baseUrl, 'Hello there']);
      await waitUntil(() => running.stdout().includes('I found'));
      expect(server.stats.openConnections).toBe(1);
      running.child.kill('SIGINT');
      const result = await running.done;
      expect(result.code).toBe(EXIT_CODES.interrupted);
      expect(result.stdout).toMatch(/I found\n$/); // the cut reply line is ended
      expect(result.stderr).toMatch(/interrupted\n$/);
      await waitUntil(() => server.stats.openConnections === 0);
    } finally {
      await server.stop();
    }
  });

  it('a reader that goes away (stdout closed) stops the command without a crash', async () => {
    const server = await FakeAuiServer.start({ frameDelayMs: 5 });
    try {
      const running = startCli(['chat', '--json', '--api-key', server.apiKey, '--base-url', server.baseUrl, 'Hello there']);
      await waitUntil(() => running.stdout().includes('\n'));
      running.child.stdout?.destroy(); // like `| head -1`
      const result = await running.done;
      expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
      expect(result.code).toBe(EXIT_CODES.interrupted);
      await waitUntil(() => server.stats.openConnections === 0);
    } finally {
      await server.stop();
    }
  });

  it('serve runs until SIGINT, then stops and prints its stats (exit 0)', async () => {
    const running = startCli(['serve']);
    const baseUrl = await waitUntil(() => servedBaseUrl(running.stdout()));
    const response = await fetch(`${baseUrl}/api/v1/external/tasks?user_id=u1`, { headers: { 'x-network-api-key': FAKE_API_KEY } });
    expect(response.status).toBe(200);
    running.child.kill('SIGINT');
    const result = await running.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Stopped after 0 WebSocket connections, 0 turns, 1 REST requests.');
  });
});

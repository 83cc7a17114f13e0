/**
 * `aui-rx demo` (what `npm start` runs): as a child process from the build, and in process.
 */
import { DEMO_HELP, demoCommand } from '../../lib/cli/demo-command.js';
import { InterruptedError } from '../../lib/cli/exit-codes.js';
import { agentReplyText } from '../../lib/testing/fake-agent.js';
import { captureIo, ensureBuild, killChildren, releaseBuild, runCliChild } from '../helpers/cli-kit.js';

const QUESTION = 'I need a built-in microwave with at least 20 liters';
const RETRIED = 'Compare their dimensions';

/** What every demo run must show. */
function expectTheTour(stdout: string): void {
  expect(stdout).toMatch(/^aui-rx demo: a fake AUI Messaging API is running at http:\/\/127\.0\.0\.1:\d+\/api\/ia-controller\n/);
  // 1. a task
  expect(stdout).toMatch(/1\. Create a task \(REST\)\n {3}task [0-9a-f]{24}: "/);
  // 2. the streamed reply, whole, with its cards and suggestions
  expect(stdout).toContain(`${agentReplyText(QUESTION)}\n`);
  expect(stdout).toContain('★ Frigidaire Gallery GMBS3068BF Built-In Microwave');
  expect(stdout).toContain('→ What are the dimensions?');
  // 3. the 1011s recovered: the partial first attempt is marked, the reply then arrives whole
  expect(stdout).toContain('↻ (connection lost; the reply restarts)');
  expect(stdout).toContain(`${agentReplyText(RETRIED)}\n`);
  expect(stdout).toContain('recovered: the server saw 3 attempts of this turn (two closed with 1011, the last one succeeded)');
  // 4. the 1008 stopped at once
  expect(stdout).toContain('stopped: AuiAuthenticationError (kind authentication, close 1008)');
  expect(stdout).toContain('the server saw 1 connection; onFailure was called 1 time');
  expect(stdout).toMatch(/Done\. Next: .*\n$/);
}

describe('aui-rx demo (child process)', () => {
  beforeAll(() => ensureBuild(), 240_000);
  afterAll(() => releaseBuild());
  afterEach(() => killChildren());

  it('demo --fast exits 0 and shows the streamed reply, the recovered 1011 and the stopped 1008', async () => {
    const result = await runCliChild(['demo', '--fast'], { timeoutMs: 20_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectTheTour(result.stdout);
  });

  it('demo --help exits 0', async () => {
    const result = await runCliChild(['demo', '--help']);
    expect(result).toMatchObject({ code: 0, stdout: DEMO_HELP });
  });
});

describe('demoCommand (in process)', () => {
  it('runs the whole tour and resolves 0', async () => {
    const io = captureIo();
    await expect(demoCommand(['--fast'], io)).resolves.toBe(0);
    expectTheTour(io.out.text);
    expect(io.out.text.match(/Thinking…/g)).toHaveLength(2); // no TTY: the spinner label, once per streamed turn
  });

  it('prints the reply of the retried turn once: the partial attempt is cut, never repeated', async () => {
    const io = captureIo();
    await demoCommand(['--fast'], io);
    const step3 = io.out.text.slice(io.out.text.indexOf('3. The server fails'), io.out.text.indexOf('4. A bad API key'));
    const reply = agentReplyText(RETRIED);
    expect(step3.split(reply)).toHaveLength(2); // the whole reply exactly once
    const [partial] = step3.split('\n↻');
    expect(partial).toMatch(/\nI found two$/); // the first attempt closed after 3 frames
  });

  it('rejects with InterruptedError when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const io = captureIo();
    await expect(demoCommand(['--fast'], io, controller.signal)).rejects.toBeInstanceOf(InterruptedError);
    expect(io.out.text).toMatch(/^aui-rx demo: /);
    expect(io.out.text).not.toContain('Done.');
  });

  it('rejects positional arguments (a usage error for runCli)', async () => {
    await expect(demoCommand(['extra'], captureIo())).rejects.toMatchObject({ code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' });
  });
});

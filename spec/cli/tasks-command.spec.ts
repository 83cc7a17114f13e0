/**
 * `aui-rx tasks` and `aui-rx messages`, in process (runCli with captured io) against a FakeAuiServer.
 */
import { EXIT_CODES, InterruptedError, UsageError } from '../../lib/cli/exit-codes.js';
import { runCli } from '../../lib/cli/main.js';
import { MESSAGES_HELP, TASKS_HELP, messagesCommand, tasksCommand } from '../../lib/cli/tasks-command.js';
import type { Task } from '../../lib/protocol/rest.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { captureIo, cleanEnv, waitUntil } from '../helpers/cli-kit.js';

let server: FakeAuiServer;
beforeAll(async () => {
  server = await FakeAuiServer.start();
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

const at = (): string[] => ['--api-key', server.apiKey, '--base-url', server.baseUrl];

/** `n` tasks of `user`, owned by the server's key, titled `Task 1` … (oldest first). */
function seedTasks(user: string, n: number): Task[] {
  return Array.from({ length: n }, (_, i) => server.store.createTask(user, server.apiKey, { title: `Task ${i + 1}` }));
}

/** Runs `aui-rx …args` in process; resolves with the exit code and what it wrote. */
async function cli(args: string[], signal?: AbortSignal): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await runCli(args, io, cleanEnv(), signal);
  return { code, out: io.out.text, err: io.err.text };
}

describe('aui-rx tasks', () => {
  it('prints one page of the user\'s tasks, newest first, one "id  title" per line', async () => {
    const tasks = seedTasks('alice', 3);
    seedTasks('bob', 1);
    const { code, out, err } = await cli(['tasks', '--user', 'alice', ...at()]);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toBe(tasks.map((t) => `${t.id}  ${t.title}`).reverse().join('\n') + '\n');
  });

  it('--page and --size select one page', async () => {
    const tasks = seedTasks('alice', 5).reverse(); // the server lists newest first
    const { out } = await cli(['tasks', '--user', 'alice', '--page', '2', '--size', '2', ...at()]);
    expect(out).toBe(`${tasks[2]?.id}  Task 3\n${tasks[3]?.id}  Task 2\n`);
    expect(server.requests.map((r) => r.query.toString())).toEqual(['user_id=alice&page=2&size=2']);
  });

  it('--all fetches every page, lazily, one request per page', async () => {
    seedTasks('alice', 5);
    const { code, out } = await cli(['tasks', '--user', 'alice', '--all', '--size', '2', ...at()]);
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n').map((l) => l.split('  ')[1])).toEqual(['Task 5', 'Task 4', 'Task 3', 'Task 2', 'Task 1']);
    expect(server.requests.map((r) => r.query.get('page'))).toEqual(['1', '2', '3']);
  });

  it('--json prints the tasks as one JSON array', async () => {
    const tasks = seedTasks('alice', 2);
    const { out } = await cli(['tasks', '--user', 'alice', '--json', ...at()]);
    expect(JSON.parse(out)).toEqual([...tasks].reverse());
  });

  it('says so when the user has no tasks', async () => {
    const { code, out } = await cli(['tasks', '--user', 'nobody', ...at()]);
    expect([code, out]).toEqual([0, 'No tasks for nobody.\n']);
  });

  it.each([
    [['tasks'], 'error [usage]: --user is required\n\n' + TASKS_HELP],
    [['tasks', '--user', 'u', '--page', '0'], 'error [usage]: --page must be a positive integer\n'],
    [['tasks', '--user', 'u', '--size', 'ten'], 'error [usage]: --size must be a positive integer\n'],
    [['tasks', '--user', 'u', '--all', '--page', '2'], 'error [usage]: --page cannot be combined with --all\n'],
    [['tasks', '--user', 'u', 'extra'], expect.stringMatching(/^error \[usage\]: Unexpected argument 'extra'/)],
  ])('usage error (exit 2, no request): %j', async (args, stderr) => {
    const { code, err } = await cli([...args, ...at()]);
    expect(code).toBe(2);
    expect(err).toEqual(stderr);
    expect(server.stats.restRequests).toBe(0);
  });

  it('a REST failure exits with its kind code: 500 → 6 (server), 429 → 7 (rate-limit)', async () => {
    server.failNextRequest({ fault: { type: 'status', status: 500, body: { status_code: 500, description: 'Internal Server Error', message: 'boom' } } });
    const failed = await cli(['tasks', '--user', 'u', ...at()]);
    expect(failed.code).toBe(EXIT_CODES.server);
    expect(failed.err).toMatch(/^error \[server\] \(status 500\): /);
    server.failNextRequest({ fault: { type: 'status', status: 429, headers: { 'retry-after': '3' } } });
    expect((await cli(['tasks', '--user', 'u', ...at()])).code).toBe(EXIT_CODES['rate-limit']);
  });

  it('an abort (Ctrl-C) during the request rejects with InterruptedError and aborts the request', async () => {
    server.failNextRequest({ fault: { type: 'stall' } });
    const controller = new AbortController();
    const done = tasksCommand(['--user', 'u', ...at()], captureIo(), cleanEnv(), controller.signal);
    await waitUntil(() => server.stats.restRequests === 1);
    controller.abort();
    await expect(done).rejects.toBeInstanceOf(InterruptedError);
    await waitUntil(() => server.stats.abortedRequests === 1);
  });

  it('throws UsageError for a bad number before any request', async () => {
    await expect(tasksCommand(['--user', 'u', '--size', '1.5', ...at()], captureIo(), cleanEnv())).rejects.toBeInstanceOf(UsageError);
  });
});

describe('aui-rx messages', () => {
  it('prints a task\'s messages, oldest first, as "[sender] text"', async () => {
    const task = server.store.createTask('alice', server.apiKey);
    const io = captureIo();
    await expect(runCli(['chat', '--rest', '--task', task.id, ...at(), 'I need a microwave'], io, cleanEnv())).resolves.toBe(0);
    const { code, out } = await cli(['messages', '--task', task.id, ...at()]);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('[user] I need a microwave');
    expect(lines[1]).toMatch(/^\[agent\] I found two built-in microwaves/);
  });

  it('--json prints the messages as one JSON array; an empty task says "No messages."', async () => {
    const task = server.store.createTask('alice', server.apiKey);
    expect((await cli(['messages', '--task', task.id, ...at()])).out).toBe('No messages.\n');
    expect(JSON.parse((await cli(['messages', '--task', task.id, '--json', ...at()])).out)).toEqual([]);
  });

  it('--task is required; --help needs nothing', async () => {
    expect(await cli(['messages', ...at()])).toEqual({ code: 2, out: '', err: `error [usage]: --task is required\n\n${MESSAGES_HELP}` });
    expect(await cli(['messages', '--help'])).toEqual({ code: 0, out: MESSAGES_HELP, err: '' });
  });

  it('a bad key exits 3 and the key is not printed', async () => {
    const secret = 'API_KEY_01SECRETMESSAGES00000000000';
    const { code, out, err } = await cli(['messages', '--task', 'x', '--api-key', secret, '--base-url', server.baseUrl]);
    expect(code).toBe(EXIT_CODES.authentication);
    expect(err).toMatch(/^error \[authentication\] \(status 401\): /);
    expect(out + err).not.toContain(secret);
  });

  it('an unknown task is an error with its status (non-zero exit)', async () => {
    const { code, err } = await cli(['messages', '--task', 'no-such-task', ...at()]);
    expect(code).not.toBe(0);
    expect(err).toMatch(/^error \[[a-z-]+\] \(status 404\): /);
  });

  it('an abort before the request rejects with InterruptedError without a request', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(messagesCommand(['--task', 't', ...at()], captureIo(), cleanEnv(), controller.signal)).rejects.toBeInstanceOf(InterruptedError);
    expect(server.stats.restRequests).toBe(0);
  });
});

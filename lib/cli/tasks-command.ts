/**
 * `aui-rx tasks` and `aui-rx messages`: list a user's tasks, and a task's messages.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { lastValueFrom, toArray, type Observable } from 'rxjs';
import { CONNECTION_OPTIONS, openSession, untilAborted } from './cli-context.js';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './output.js';

/** Help text of `aui-rx tasks`. */
export const TASKS_HELP = `Usage: aui-rx tasks --user ID [--all | --page N] [--size N] [--json]

Lists a user's tasks: one page (default), or every page with --all.
  --api-key KEY, --base-url URL   as for chat
`;

/** Help text of `aui-rx messages`. */
export const MESSAGES_HELP = `Usage: aui-rx messages --task ID [--json]

Prints the messages of a task, oldest first.
  --api-key KEY, --base-url URL   as for chat
`;

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

/** Runs `aui-rx tasks`; resolves with the exit code (rejects with `InterruptedError` when `signal` aborts). */
export async function tasksCommand(
  args: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...CONNECTION_OPTIONS, user: { type: 'string' }, all: { type: 'boolean' }, page: { type: 'string' }, size: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (values.help) return void io.out.write(TASKS_HELP), 0;
  if (!values.user) return void io.err.write(`error [usage]: --user is required\n\n${TASKS_HELP}`), 2;
  if (values.all && values.page !== undefined) throw new UsageError('--page cannot be combined with --all');
  const page = positiveInt('page', values.page);
  const size = positiveInt('size', values.size);
  const session = await openSession(io, values, env);
  try {
    const user_id = values.user;
    const run = <T>(source$: Observable<T>): Promise<T> => lastValueFrom(source$.pipe(untilAborted(signal)));
    const tasks = values.all
      ? await run(session.client.listAllTasks(size === undefined ? { user_id } : { user_id, size }).pipe(toArray()))
      : (await run(session.client.listTasks({ user_id, ...(page === undefined ? {} : { page }), ...(size === undefined ? {} : { size }) }))).tasks;
    if (values.json) io.out.write(`${JSON.stringify(tasks)}\n`);
    else if (!tasks.length) io.out.write(`No tasks for ${user_id}.\n`);
    else for (const t of tasks) io.out.write(`${t.id}  ${t.title}\n`);
    return 0;
  } finally {
    await session.dispose();
  }
}

/** Runs `aui-rx messages`; resolves with the exit code (rejects with `InterruptedError` when `signal` aborts). */
export async function messagesCommand(
  args: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  const { values } = parseArgs({ args, options: { ...CONNECTION_OPTIONS, task: { type: 'string' }, json: { type: 'boolean' } } });
  if (values.help) return void io.out.write(MESSAGES_HELP), 0;
  if (!values.task) return void io.err.write(`error [usage]: --task is required\n\n${MESSAGES_HELP}`), 2;
  const session = await openSession(io, values, env);
  try {
    const messages = await lastValueFrom(session.client.getTaskMessages(values.task).pipe(untilAborted(signal)));
    if (values.json) io.out.write(`${JSON.stringify(messages)}\n`);
    else if (!messages.length) io.out.write('No messages.\n');
    else for (const m of messages) io.out.write(`[${m.sender.type}] ${m.text}\n`);
    return 0;
  } finally {
    await session.dispose();
  }
}

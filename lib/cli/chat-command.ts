/**
 * `aui-rx chat`: sends one message and streams the reply live (or over REST with `--rest`).
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { lastValueFrom, tap, type Observable } from 'rxjs';
import type { AgentMessage } from '../protocol/rest.js';
import type { StreamEvent } from '../stream-event.js';
import { CONNECTION_OPTIONS, openSession } from './cli-context.js';
import { printReplyExtras, Spinner, type CliIo } from './output.js';

/** Help text of `aui-rx chat`. */
export const CHAT_HELP = `Usage: aui-rx chat [--task ID | --user ID] [--rest] [--json] "text"

Sends one message to the agent and prints the reply as it streams.
  --task ID       continue this task
  --user ID       create a new task for this user (default: cli-user)
  --rest          use the non-streaming REST endpoint
  --json          print events as JSON lines
  --api-key KEY   network API key (or AUI_API_KEY); without one, an embedded fake server is used
  --base-url URL  REST base URL (or AUI_BASE_URL)
`;

/** Runs `aui-rx chat`; resolves with the exit code (errors propagate to the caller). */
export async function chatCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CONNECTION_OPTIONS,
      task: { type: 'string' },
      user: { type: 'string' },
      rest: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  if (values.help) {
    io.out.write(CHAT_HELP);
    return 0;
  }
  const text = positionals.join(' ');
  if (!text.trim()) {
    io.err.write(`error [usage]: a message text is required\n\n${CHAT_HELP}`);
    return 2;
  }
  const session = await openSession(io, values, env);
  try {
    const taskId = values.task ?? (await lastValueFrom(session.client.createTask({ user_id: values.user ?? 'cli-user' }))).id;
    if (!values.task && !values.json) io.err.write(`task ${taskId}\n`);
    if (values.rest) {
      const reply = await lastValueFrom(session.client.sendMessage({ task_id: taskId, text }));
      if (values.json) io.out.write(`${JSON.stringify({ kind: 'final', taskId, message: reply })}\n`);
      else printReply(io, reply);
      return 0;
    }
    const events$ = session.client.streamMessage({ task_id: taskId, text });
    await lastValueFrom(values.json ? printJsonLines(io, events$) : printLive(io, events$));
    return 0;
  } finally {
    await session.dispose();
  }
}

function printReply(io: CliIo, reply: AgentMessage): void {
  io.out.write(`${reply.text}\n`);
  printReplyExtras(io, reply);
}

function printJsonLines(io: CliIo, events$: Observable<StreamEvent>): Observable<StreamEvent> {
  return events$.pipe(tap((event) => io.out.write(`${JSON.stringify(event)}\n`)));
}

/** Streams the reply text live: a spinner until the first token, then each delta as it comes. */
export function printLive(io: CliIo, events$: Observable<StreamEvent>, label = 'Thinking…'): Observable<StreamEvent> {
  const spinner = new Spinner(io, label);
  let started = false;
  return events$.pipe(
    tap({
      subscribe: () => void spinner.start(),
      next: (event) => {
        if (event.kind === 'restart') {
          if (started) io.out.write('\n↻ (connection lost; the reply restarts)\n');
          started = false;
          return;
        }
        if (!started) {
          spinner.stop();
          started = true;
        }
        if (event.kind === 'text') io.out.write(event.delta);
        else {
          io.out.write('\n');
          printReplyExtras(io, event.message);
        }
      },
      finalize: () => spinner.stop(),
    }),
  );
}

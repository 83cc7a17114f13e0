/**
 * `aui-rx chat`: sends one message and streams the reply live (or over REST with `--rest`); without a
 * text, an interactive session on `createAuiChat` (lib/cli/chat-session.ts).
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { defer, lastValueFrom, tap, type Observable } from 'rxjs';
import { createAuiChat } from '../chat/create-aui-chat.js';
import type { AgentMessage } from '../protocol/rest.js';
import type { StreamEvent } from '../stream-event.js';
import { FINAL_NOTE, RESTART_NOTE, runChatSession, type SessionInput } from './chat-session.js';
import { CONNECTION_OPTIONS, openSession, untilAborted, type CliSession } from './cli-context.js';
import { UsageError } from './exit-codes.js';
import { printReplyExtras, Spinner, type CliIo } from './output.js';

/** Help text of `aui-rx chat`. */
export const CHAT_HELP = `Usage: aui-rx chat [--task ID | --user ID] [--rest] [--json] "text"
       aui-rx chat [--task ID | --user ID]

Sends one message to the agent and prints the reply as it streams. Without a text, starts an
interactive chat: each line is a message, Ctrl-C stops a reply, Ctrl-C when idle (or Ctrl-D) exits.
  --task ID       continue this task
  --user ID       create a new task for this user (default: cli-user; not with --task)
  --rest          use the non-streaming REST endpoint
  --json          print events as JSON lines
  --api-key KEY   network API key (or AUI_API_KEY); without one, an embedded fake server is used
  --base-url URL  REST base URL (or AUI_BASE_URL)
`;

/**
 * Runs `aui-rx chat`; resolves with the exit code (errors propagate to the caller). When `signal` aborts
 * (Ctrl-C) the request or turn in flight is cancelled and it rejects with `InterruptedError`. Without a
 * text it runs an interactive session reading lines from `input`.
 */
export async function chatCommand(
  args: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal = new AbortController().signal,
  input: SessionInput = process.stdin,
): Promise<number> {
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
  if (values.task !== undefined && values.user !== undefined) throw new UsageError('use --task or --user, not both');
  if (positionals.length === 0) {
    if (values.rest || values.json) throw new UsageError('--rest and --json need a message text (the interactive chat streams)');
    return interactive(await openSession(io, values, env), values, io, input, signal);
  }
  const text = positionals.join(' ');
  if (!text.trim()) {
    io.err.write(`error [usage]: a message text is required\n\n${CHAT_HELP}`);
    return 2;
  }
  const session = await openSession(io, values, env);
  try {
    const run = <T>(source$: Observable<T>): Promise<T> => lastValueFrom(source$.pipe(untilAborted(signal)));
    const taskId = values.task ?? (await run(session.client.createTask({ user_id: values.user ?? 'cli-user' }))).id;
    if (!values.task && !values.json) io.err.write(`task ${taskId}\n`);
    if (values.rest) {
      const reply = await run(session.client.sendMessage({ task_id: taskId, text }));
      if (values.json) io.out.write(`${JSON.stringify({ kind: 'final', taskId, message: reply })}\n`);
      else printReply(io, reply);
      return 0;
    }
    const events$ = session.client.streamMessage({ task_id: taskId, text });
    await run(values.json ? printJsonLines(io, events$) : printLive(io, events$));
    return 0;
  } finally {
    await session.dispose();
  }
}

/** The interactive session: a chat in the `--task`, or in a new task of `--user` created on the first message. */
async function interactive(
  session: CliSession,
  flags: { readonly task?: string | undefined; readonly user?: string | undefined },
  io: CliIo,
  input: SessionInput,
  signal: AbortSignal,
): Promise<number> {
  try {
    const chat = createAuiChat(session.client, flags.task !== undefined ? { taskId: flags.task } : { userId: flags.user ?? 'cli-user' });
    try {
      return await runChatSession(chat, io, input, signal);
    } finally {
      chat.close();
    }
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

/**
 * Streams the reply text live: a spinner until the first token, then each delta as it comes; a
 * `restart` event prints a marker and the reply starts over; the final message's text is printed
 * where it goes beyond the streamed text (whole, after a note, where it differs). State is per subscription.
 */
export function printLive(io: CliIo, events$: Observable<StreamEvent>, label = 'Thinking…'): Observable<StreamEvent> {
  return defer(() => {
    const spinner = new Spinner(io, label);
    let started = false;
    let lineOpen = false; // reply text written and no newline after it yet
    let shown = ''; // the reply text on screen
    return events$.pipe(
      tap({
        subscribe: () => void spinner.start(),
        next: (event) => {
          if (event.kind === 'restart') {
            if (started) io.out.write(RESTART_NOTE);
            started = false;
            lineOpen = false;
            shown = '';
            return;
          }
          if (!started) {
            spinner.stop();
            started = true;
          }
          if (event.kind === 'text') {
            io.out.write(event.delta);
            shown = event.text;
            lineOpen = true;
          } else {
            // the final is the reply: print what it adds to the streamed text, or all of it when it differs
            const text = event.message.text;
            io.out.write(text.startsWith(shown) ? text.slice(shown.length) : `${FINAL_NOTE}${text}`);
            io.out.write('\n');
            lineOpen = false;
            printReplyExtras(io, event.message);
          }
        },
        finalize: () => {
          spinner.stop();
          if (lineOpen) io.out.write('\n'); // an error or Ctrl-C cut the reply: end its line before the message
        },
      }),
    );
  });
}

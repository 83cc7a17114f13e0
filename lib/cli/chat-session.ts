/**
 * The interactive `aui-rx chat`: a read-eval loop on `createAuiChat`. Each line is sent, the reply is
 * printed live from the chat's state, Ctrl-C stops a running reply, Ctrl-C when idle (or end of input)
 * ends the session.
 *
 * @packageDocumentation
 */
import { createInterface } from 'node:readline';
import { Subscription } from 'rxjs';
import type { AuiChat, AuiChatMessage, AuiChatState } from '../chat/chat-types.js';
import { EXIT_CODES, InterruptedError, exitCodeFor } from './exit-codes.js';
import { printError, printReplyExtras, Spinner, type CliIo } from './output.js';

/** The prompt shown when the chat waits for a message. */
export const CHAT_PROMPT = 'you› ';

/** What is printed when a reply restarts after a retried 1011 (the text so far is printed again). */
export const RESTART_NOTE = '\n↻ (connection lost; the reply restarts)\n';

/** What is printed when the final reply is not the text streamed so far (the final is printed whole after it). */
export const FINAL_NOTE = '\n↻ (the final reply differs from the streamed text)\n';

/** The first line of a session, on stderr. */
export const SESSION_BANNER = 'Interactive chat: type a message and press Enter. Ctrl-C stops a reply; Ctrl-C when idle (or Ctrl-D) exits.\n';

/** Where the session reads lines: stdin, or any stream (a pipe reads line by line; a TTY gets line editing). */
export type SessionInput = NodeJS.ReadableStream & { readonly isTTY?: boolean };

/** The turn being printed: where its reply will be in `messages`, what of it is on screen, its spinner. */
interface PrintedTurn {
  readonly replyIndex: number;
  readonly spinner: Spinner;
  shown: string;
}

/** `you: …` / `agent: …` lines for the task's history. */
function printHistory(io: CliIo, messages: readonly AuiChatMessage[]): void {
  for (const m of messages) io.out.write(`${m.role === 'user' ? 'you' : 'agent'}: ${m.text}\n`);
}

/**
 * Runs an interactive session on `chat` until the user leaves: resolves with 0, or with the exit code of
 * the last turn's error when the chat ended in status `'error'`. Lines typed while a reply streams are
 * sent after it (the chat itself refuses a second message in flight). Aborting `signal` (SIGTERM, or a
 * SIGINT that reached the process) stops the reply and rejects with {@link InterruptedError}; an error of
 * `input` stops it too and rejects with that error. The chat is not closed: the caller owns it.
 *
 * @example
 * const code = await runChatSession(createAuiChat(client, { userId: 'cli-user' }), io, process.stdin, signal);
 */
export function runChatSession(chat: AuiChat, io: CliIo, input: SessionInput, signal: AbortSignal): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const terminal = input.isTTY === true && io.out.isTTY === true;
    const rl = createInterface({ input, output: io.out, terminal, prompt: CHAT_PROMPT });
    const pending: string[] = [];
    let turn: PrintedTurn | undefined;
    let started = false; // the history (if any) is loaded and shown
    let inputEnded = false;
    let finished = false;
    let announcedTask = chat.state.taskId;
    const subscription = new Subscription();

    const finish = (outcome: number | Error): void => {
      if (finished) return;
      finished = true;
      turn?.spinner.stop();
      subscription.unsubscribe();
      signal.removeEventListener('abort', onAbort);
      rl.close();
      if (terminal) io.out.write('\n');
      if (typeof outcome === 'number') resolve(outcome);
      else reject(outcome);
    };
    const exitCode = (): number => (chat.state.status === 'error' ? exitCodeFor(chat.state.error) : EXIT_CODES.ok);

    const next = (): void => {
      if (finished || turn !== undefined) return;
      const line = pending.shift();
      if (line !== undefined) submit(line);
      else if (inputEnded) finish(exitCode());
      else if (terminal) rl.prompt(); // no prompt on piped input: its output is for reading
    };

    const submit = (text: string): void => {
      const before = chat.state;
      const current: PrintedTurn = { replyIndex: before.messages.length + 1, spinner: new Spinner(io, 'Thinking…').start(), shown: '' };
      turn = current;
      chat.send(text).subscribe({
        error: (error: unknown) => {
          if (chat.state !== before || turn !== current) return; // a turn's failure: the state shows it
          current.spinner.stop(); // refused before sending
          turn = undefined;
          printError(io, error);
          next();
        },
      });
    };

    const render = (state: AuiChatState, current: PrintedTurn): void => {
      const reply = state.messages[current.replyIndex];
      if (reply !== undefined && reply.text !== current.shown) {
        if (reply.text.startsWith(current.shown)) {
          current.spinner.stop();
          io.out.write(reply.text.slice(current.shown.length));
          current.shown = reply.text;
        } else {
          // restarted in place (streaming), or a final that is not the streamed text: printed again from its start
          io.out.write(reply.streaming ? RESTART_NOTE : FINAL_NOTE);
          io.out.write(reply.text);
          current.shown = reply.text;
        }
      }
      if (state.status !== 'ready' && state.status !== 'error') return;
      current.spinner.stop();
      turn = undefined;
      if (current.shown !== '') io.out.write('\n');
      if (reply?.message) printReplyExtras(io, reply.message);
      else if (state.status === 'ready') io.err.write('(stopped)\n'); // ready without a final reply: stopped, with or without text
      if (state.status === 'error') printError(io, state.error);
      if (state.taskId !== undefined && state.taskId !== announcedTask) {
        announcedTask = state.taskId; // the task this turn created
        io.err.write(`task ${announcedTask}\n`);
      }
      next();
    };

    const onAbort = (): void => {
      finish(new InterruptedError()); // first: no queued line may start once the state says ready
      chat.stop();
    };

    rl.on('line', (line) => {
      const text = line.trim();
      if (text === '') {
        if (started && turn === undefined && terminal) rl.prompt();
      } else if (!started || turn !== undefined) {
        pending.push(text);
      } else {
        submit(text);
      }
    });
    rl.on('SIGINT', () => {
      // Only a terminal in raw mode reports Ctrl-C here; elsewhere it is a SIGINT (the abort signal).
      if (turn === undefined) return finish(exitCode());
      pending.length = 0;
      chat.stop();
    });
    rl.on('error', (error: unknown) => {
      // the input broke (EIO when the terminal went away, a destroyed stream): end as an abort does, with the error
      finish(error instanceof Error ? error : new Error(String(error)));
      chat.stop();
    });
    rl.on('close', () => {
      inputEnded = true;
      if (started && turn === undefined && pending.length === 0) finish(exitCode());
    });

    io.err.write(SESSION_BANNER);
    subscription.add(chat.state$.subscribe((state) => {
      if (finished) return;
      if (!started) {
        if (state.status === 'submitted') return; // the history is loading
        started = true;
        printHistory(io, state.messages);
        if (state.status === 'error') printError(io, state.error);
        next();
      } else if (turn !== undefined) {
        render(state, turn);
      }
    }));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

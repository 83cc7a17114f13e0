#!/usr/bin/env node
/**
 * The `aui-rx` command: demo, chat, tasks, messages, serve, relay.
 *
 * @packageDocumentation
 */
import { chatCommand } from './chat-command.js';
import { demoCommand } from './demo-command.js';
import { exitCodeFor, EXIT_CODES, InterruptedError, isUsageError } from './exit-codes.js';
import { printError, type CliIo } from './output.js';
import { relayCommand } from './relay-command.js';
import { serveCommand } from './serve-command.js';
import { messagesCommand, tasksCommand } from './tasks-command.js';

/** Help text of `aui-rx`. */
export const MAIN_HELP = `Usage: aui-rx <command> [options]

Commands:
  demo       the aui-rx tour against an embedded fake server (what npm start runs)
  chat       send a message and stream the reply (no text: an interactive chat)
  tasks      list a user's tasks
  messages   print a task's messages
  serve      run the fake AUI server standalone
  relay      run aui-rx/relay: the key stays on the server, a browser client needs none

Run aui-rx <command> --help for a command's options.
Exit codes: 0 ok, 1 unexpected, 2 usage, 3 authentication, 4 validation, 5 application,
            6 server, 7 rate-limit, 8 connection, 9 timeout, 10 protocol, 130 interrupted.
`;

/**
 * Runs the CLI with `argv` (without node and script); resolves with the exit code. Aborting `signal`
 * (Ctrl-C) stops `serve` normally (exit 0) and interrupts the other commands (exit 130); either way
 * sockets are closed and embedded servers stopped before it resolves.
 *
 * @example
 * process.exitCode = await runCli(['demo'], { out: process.stdout, err: process.stderr }, process.env);
 */
export async function runCli(argv: string[], io: CliIo, env: NodeJS.ProcessEnv, signal = new AbortController().signal): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'demo':
        return await demoCommand(args, io, signal);
      case 'chat':
        return await chatCommand(args, io, env, signal);
      case 'tasks':
        return await tasksCommand(args, io, env, signal);
      case 'messages':
        return await messagesCommand(args, io, env, signal);
      case 'serve':
        return await serveCommand(args, io, signal);
      case 'relay':
        return await relayCommand(args, io, env, signal);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.out.write(MAIN_HELP);
        return command === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
      default:
        io.err.write(`error [usage]: unknown command ${JSON.stringify(command)}\n\n${MAIN_HELP}`);
        return EXIT_CODES.usage;
    }
  } catch (error) {
    if (isUsageError(error)) io.err.write(`error [usage]: ${error.message}\n`);
    else if (error instanceof InterruptedError) io.err.write('interrupted\n');
    else printError(io, error);
    return exitCodeFor(error);
  }
}

if (require.main === module) {
  const controller = new AbortController();
  // The first Ctrl-C stops the command cleanly; a second one (the listener is gone) kills the process.
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  // A closed stdout (e.g. `aui-rx chat --json … | head -1`): stop as on Ctrl-C instead of crashing on EPIPE.
  process.stdout.on('error', () => controller.abort());
  runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr }, process.env, controller.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      printError({ out: process.stdout, err: process.stderr }, error);
      process.exitCode = EXIT_CODES.unexpected;
    },
  );
}

#!/usr/bin/env node
/**
 * The `aui-rx` command: demo, chat, tasks, messages, serve.
 *
 * @packageDocumentation
 */
import { chatCommand } from './chat-command.js';
import { demoCommand } from './demo-command.js';
import { exitCodeFor, EXIT_CODES } from './exit-codes.js';
import { printError, type CliIo } from './output.js';
import { serveCommand } from './serve-command.js';
import { messagesCommand, tasksCommand } from './tasks-command.js';

/** Help text of `aui-rx`. */
export const MAIN_HELP = `Usage: aui-rx <command> [options]

Commands:
  demo       the aui-rx tour against an embedded fake server (what npm start runs)
  chat       send a message and stream the reply
  tasks      list a user's tasks
  messages   print a task's messages
  serve      run the fake AUI server standalone

Run aui-rx <command> --help for a command's options.
Exit codes: 0 ok, 1 unexpected, 2 usage, 3 authentication, 4 validation, 5 application,
            6 server, 7 rate-limit, 8 connection, 9 timeout, 10 protocol.
`;

/** parseArgs throws errors coded ERR_PARSE_ARGS_*; our own argument checks throw RangeError. */
function isUsageError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof RangeError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
}

/**
 * Runs the CLI with `argv` (without node and script); resolves with the exit code.
 *
 * @example
 * process.exitCode = await runCli(['demo'], { out: process.stdout, err: process.stderr }, process.env);
 */
export async function runCli(argv: string[], io: CliIo, env: NodeJS.ProcessEnv, signal = new AbortController().signal): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'demo':
        return await demoCommand(args, io);
      case 'chat':
        return await chatCommand(args, io, env);
      case 'tasks':
        return await tasksCommand(args, io, env);
      case 'messages':
        return await messagesCommand(args, io, env);
      case 'serve':
        return await serveCommand(args, io, signal);
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
    if (isUsageError(error)) {
      io.err.write(`error [usage]: ${error.message}\n`);
      return EXIT_CODES.usage;
    }
    printError(io, error);
    return exitCodeFor(error);
  }
}

if (require.main === module) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
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

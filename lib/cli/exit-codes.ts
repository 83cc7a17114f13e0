/**
 * Exit codes of the `aui-rx` command: one per error kind, so scripts can tell failures apart; and the
 * two failures of the command itself (a usage error, an interruption).
 *
 * @packageDocumentation
 */
import { isAuiError, type AuiErrorKind } from '../errors.js';

/**
 * Exit code for each error kind (0 is success, 1 an unexpected failure, 2 a usage error, 130 an
 * interruption by Ctrl-C / SIGTERM, as shells report a SIGINT).
 */
export const EXIT_CODES: Readonly<Record<AuiErrorKind | 'ok' | 'unexpected' | 'usage' | 'interrupted', number>> = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  authentication: 3,
  validation: 4,
  application: 5,
  server: 6,
  'rate-limit': 7,
  connection: 8,
  timeout: 9,
  protocol: 10,
  interrupted: 130,
};

/** A bad command line: unknown value, missing argument, conflicting options (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command was stopped by Ctrl-C or SIGTERM before it finished (exit code 130). */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor() {
    super('interrupted');
  }
}

/** Whether `error` is a command-line error: a {@link UsageError} or one of `parseArgs`' `ERR_PARSE_ARGS_*`. */
export function isUsageError(error: unknown): error is Error {
  if (error instanceof UsageError) return true;
  // Checked structurally: Node's own errors may come from another realm (vm contexts, test runners).
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS') && typeof (error as { message?: unknown }).message === 'string';
}

/** The exit code for an error: 2 for usage errors, 130 when interrupted, its kind's code for aui-rx errors, 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  if (isUsageError(error)) return EXIT_CODES.usage;
  if (error instanceof InterruptedError) return EXIT_CODES.interrupted;
  return isAuiError(error) ? EXIT_CODES[error.kind] : EXIT_CODES.unexpected;
}

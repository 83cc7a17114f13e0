/**
 * Exit codes of the `aui-rx` command: one per error kind, so scripts can tell failures apart.
 *
 * @packageDocumentation
 */
import { isAuiError, type AuiErrorKind } from '../errors.js';

/** Exit code for each error kind (0 is success, 1 an unexpected failure, 2 a usage error). */
export const EXIT_CODES: Readonly<Record<AuiErrorKind | 'ok' | 'unexpected' | 'usage', number>> = {
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
};

/** The exit code for an error: its kind's code for aui-rx errors, 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  return isAuiError(error) ? EXIT_CODES[error.kind] : EXIT_CODES.unexpected;
}

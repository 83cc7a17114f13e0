/**
 * The validation error a synchronous call throws, for specs of the argument and key checks.
 */
import { AuiValidationError } from '../../lib/errors.js';

/** The error `run` throws (it must throw an AuiValidationError). */
export function refusal(run: () => unknown): AuiValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof AuiValidationError) return error;
    throw new Error(`expected an AuiValidationError, got ${String(error)}`);
  }
  throw new Error('expected a refusal');
}

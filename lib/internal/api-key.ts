/**
 * The one reader of the API key, for both transports: the REST header and the WebSocket session
 * (query parameter and header) get the key through it, so a bad key is refused alike on both.
 *
 * @packageDocumentation
 */
import { AuiValidationError } from '../errors.js';

/** An HTTP header value: visible ASCII, with inner spaces and tabs; no line break, no control character. */
const HEADER_VALUE = /^[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * Reads the key through `getApiKey`, refusing anything that is not a usable header value: a
 * function that throws (kept as `cause`), no string or a blank one, or characters not allowed in
 * an HTTP header (a line break above all). Every refusal is an {@link AuiValidationError} that never
 * contains the key, with `taskId` when one is given; nothing is sent.
 *
 * @example
 * const key = readApiKey(options.getApiKey, taskId);
 */
export function readApiKey(getApiKey: () => string, taskId?: string): string {
  const facts = taskId === undefined ? {} : { taskId };
  let key: unknown;
  try {
    key = getApiKey();
  } catch (cause) {
    throw new AuiValidationError('apiKey function threw; no request was sent', { ...facts, cause, issues: [{ path: ['apiKey'], message: 'threw' }] });
  }
  if (typeof key !== 'string' || key.trim() === '') {
    throw new AuiValidationError('apiKey function returned no key; no request was sent', {
      ...facts,
      issues: [{ path: ['apiKey'], message: 'must return a non-empty string' }],
    });
  }
  if (!HEADER_VALUE.test(key)) {
    throw new AuiValidationError('apiKey contains characters that are not allowed in an HTTP header; no request was sent', {
      ...facts,
      issues: [{ path: ['apiKey'], message: 'invalid header value' }],
    });
  }
  return key;
}

/**
 * The one validation path for the arguments of every AuiClient method, REST and WebSocket alike
 * (design.md §7): one message format, `taskId` where known, and any failure to read or encode the
 * arguments (a getter or Proxy that throws, a cycle, a BigInt) an {@link AuiValidationError}.
 *
 * @packageDocumentation
 */
import type * as z from 'zod/mini';
import { AuiValidationError, type AuiIssue } from '../errors.js';
import { JSON_ENCODABLE, MAX_ID_LENGTH } from '../protocol/rest.js';
import { describeIssue, safeParseWire } from './zod-issues.js';

/** Where a method's task id is: the argument itself (`getTask(id)`), or its `task_id` member. */
export type TaskIdSource = 'value' | 'task_id';

/** Longest text of one issue in a message. */
const MAX_ISSUE_CHARS = 200;
/** Longest text of all issues together in a message. */
const MAX_ISSUES_CHARS = 1_000;
/** Longest task id copied to an error when the id itself is too long to be one. */
const MAX_ECHOED_ID = 200;

const READ_FAILED: AuiIssue = { path: [], message: 'could not be read (a getter or Proxy threw)' };
/** The issue of a value JSON cannot encode: the one the schemas' encodability rule (a zod refine) gives. */
const NOT_ENCODABLE: AuiIssue = { path: [], message: JSON_ENCODABLE, code: 'custom' };

/**
 * `text` cut to at most `max` characters, ending in `…` when cut (never splitting a surrogate pair).
 *
 * @example
 * clipText('abcdefgh', 5); // 'abcd…'
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** The task id the caller gave (trimmed), clipped when too long to be one; undefined when none is known. */
function taskIdOf(args: unknown, from: TaskIdSource | undefined): string | undefined {
  let raw: unknown;
  try {
    if (from === 'value') raw = args;
    else if (from === 'task_id' && (typeof args === 'object' || typeof args === 'function') && args !== null) {
      raw = (args as { task_id?: unknown }).task_id;
    }
  } catch {
    return undefined; // a getter or Proxy that throws: no task id is known
  }
  if (typeof raw !== 'string') return undefined;
  const id = raw.trim();
  if (id === '') return undefined;
  return id.length > MAX_ID_LENGTH ? clipText(id, MAX_ECHOED_ID) : id;
}

/**
 * The refusal of `method`'s arguments, in the one format:
 * `Invalid arguments for <method>: <path: message; …>; no request was sent`.
 */
function refusal(method: string, issues: readonly AuiIssue[], args: unknown, from: TaskIdSource | undefined, cause?: unknown): AuiValidationError {
  const text = clipText(issues.map((issue) => clipText(describeIssue(issue), MAX_ISSUE_CHARS)).join('; '), MAX_ISSUES_CHARS);
  const taskId = taskIdOf(args, from);
  return new AuiValidationError(`Invalid arguments for ${method}: ${text || 'invalid'}; no request was sent`, {
    issues,
    ...(taskId === undefined ? {} : { taskId }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Runs `read` (which reads the caller's `args`) so that whatever it throws becomes the one
 * refusal: an {@link AuiValidationError} passes unchanged, anything else (a getter or Proxy that
 * throws, `JSON.stringify` failing) becomes an `AuiValidationError` with it as `cause`.
 *
 * @example
 * const json = guardArgs('sendMessage', args, 'task_id', () => JSON.stringify(args));
 */
export function guardArgs<T>(method: string, args: unknown, from: TaskIdSource | undefined, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof AuiValidationError) throw error;
    throw refusal(method, [READ_FAILED], args, from, error);
  }
}

/**
 * Validates `method`'s arguments with `schema` and returns the schema's output. Throws
 * {@link AuiValidationError} (one format, zod issues, `taskId` where known) for invalid arguments
 * and for arguments that cannot be read. Call it inside `defer`/subscribe, never at call time.
 *
 * @example
 * const id = validateArgs(TaskIdSchema, taskId, 'getTask', 'value');
 */
export function validateArgs<S extends z.core.$ZodType>(schema: S, args: unknown, method: string, from?: TaskIdSource): z.output<S> {
  return guardArgs(method, args, from, () => {
    const result = safeParseWire(schema, args);
    if (result.success) return result.data;
    throw refusal(method, result.issues, args, from);
  });
}

/**
 * {@link validateArgs}, then the JSON text of the output, read once: a value JSON cannot encode
 * (a cycle, a BigInt, a getter that throws on a second read) is an {@link AuiValidationError}.
 *
 * @example
 * const { value, json } = encodeArgs(SendMessageRequestSchema, args, 'sendMessage', 'task_id');
 */
export function encodeArgs<S extends z.core.$ZodType>(schema: S, args: unknown, method: string, from?: TaskIdSource): { value: z.output<S>; json: string } {
  const value = validateArgs(schema, args, method, from);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw refusal(method, [NOT_ENCODABLE], args, from, cause);
  }
  if (json === undefined) throw refusal(method, [NOT_ENCODABLE], args, from);
  return { value, json };
}

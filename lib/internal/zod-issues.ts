/**
 * The one place where zod issues become the library's text. The schemas are `zod/mini`, which loads
 * no locale: without an error map every issue would read "Invalid input". Each parse of ours passes
 * {@link issueMessage} as its own error map ({@link safeParseWire}), never zod's global config (the
 * application's own zod setup stays untouched). A message a schema gives itself (a refine's, a
 * check's) wins over it, as in zod.
 *
 * @packageDocumentation
 */
import type * as z from 'zod/mini';
import { $ZodAsyncError } from 'zod/v4/core';
import type { AuiIssue } from '../errors.js';

type RawIssue = z.core.$ZodRawIssue;

/** How a size is counted, per kind of value (`expected string to have >=1 characters`). */
const UNITS: Readonly<Record<string, string>> = { string: 'characters', file: 'bytes', array: 'items', set: 'items', map: 'entries' };

/** What a string format is called in a message (the formats a client can meet; others by their name). */
const FORMATS: Readonly<Record<string, string>> = {
  regex: 'input',
  email: 'email address',
  url: 'URL',
  uuid: 'UUID',
  datetime: 'ISO datetime',
  date: 'ISO date',
  time: 'ISO time',
  template_literal: 'input',
};

/** The kind of `value` as a message names it: `null`, `array`, `NaN`, a class name, or its `typeof`. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'number' : String(value);
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'array';
  try {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null) return 'object';
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? name : 'object';
  } catch {
    return 'object'; // a Proxy or getter that throws: still an object
  }
}

/** A literal as written in a message: strings quoted, bigints with `n`. */
function literal(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  return typeof value === 'bigint' ? `${value}n` : String(value);
}

/** The bound of a too_big/too_small issue: `<=5`, `>0`, `exactly 3`, with its unit where sized. */
function bound(kind: string, limit: number | bigint, inclusive: boolean | undefined, exact: boolean | undefined, strict: string): string {
  const adj = exact ? 'exactly ' : inclusive ? `${strict}=` : strict;
  const unit = UNITS[kind];
  return unit ? `to have ${adj}${limit} ${unit}` : `to be ${adj}${limit}`;
}

/** The text of a string-format issue (`Invalid string: must match pattern …`, `Invalid URL`). */
function formatMessage(issue: Extract<RawIssue, { code: 'invalid_format' }>): string {
  const fields = issue as { prefix?: string; suffix?: string; includes?: string; pattern?: string };
  switch (issue.format) {
    case 'starts_with':
      return `Invalid string: must start with "${fields.prefix}"`;
    case 'ends_with':
      return `Invalid string: must end with "${fields.suffix}"`;
    case 'includes':
      return `Invalid string: must include "${fields.includes}"`;
    case 'regex':
      return `Invalid string: must match pattern ${fields.pattern}`;
    default:
      return `Invalid ${FORMATS[issue.format] ?? issue.format}`;
  }
}

/**
 * The message of one zod issue, written from its code and fields: what was expected and what was
 * received (`Invalid input: expected string, received null`), the bound that was crossed, the
 * allowed values, the unknown keys. zod calls it for an issue whose schema gave no message of its own.
 *
 * @example
 * issueMessage({ code: 'invalid_type', expected: 'string', input: null, path: [] }); // 'Invalid input: expected string, received null'
 */
export function issueMessage(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `Invalid input: expected ${issue.expected === 'nan' ? 'NaN' : issue.expected}, received ${kindOf(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `Invalid input: expected ${literal(issue.values[0])}`
        : `Invalid option: expected one of ${issue.values.map(literal).join('|')}`;
    case 'too_big':
      return `Too big: expected ${issue.origin ?? 'value'} ${bound(issue.origin, issue.maximum, issue.inclusive, issue.exact, '<')}`;
    case 'too_small':
      return `Too small: expected ${issue.origin} ${bound(issue.origin, issue.minimum, issue.inclusive, issue.exact, '>')}`;
    case 'invalid_format':
      return formatMessage(issue);
    case 'not_multiple_of':
      return `Invalid number: must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.map(literal).join(', ')}`;
    case 'invalid_key':
      return `Invalid key in ${issue.origin}`;
    case 'invalid_element':
      return `Invalid value in ${issue.origin}`;
    case 'invalid_union': {
      const options = (issue as { options?: readonly unknown[] }).options;
      if (options?.length) return `Invalid discriminator value. Expected ${options.map((o) => `'${String(o)}'`).join(' | ')}`;
      return issue.inclusive === false ? 'Invalid input: more than one option matched' : 'Invalid input';
    }
    default:
      return 'Invalid input'; // custom without a message of its own
  }
}

/** What `messageOf` reads of the schema or check that raised an issue: its own error map, its traits. */
type MapHolder = { readonly _zod: { readonly def: { readonly error?: (issue: RawIssue) => unknown }; readonly traits?: ReadonlySet<string> } };

/** A message as an error map may give it: a string, or `{ message }`. */
function textOf(given: unknown): string | undefined {
  return typeof given === 'string' ? given : (given as { message?: string } | null | undefined)?.message;
}

/**
 * The message of `issue` as zod writes it when the parse's error map is {@link issueMessage}: the
 * issue's own message, else that of the check or schema that raised it (a refine's, `z.minLength(1,
 * 'must be…')`), else that of the schema the raising check belongs to, else ours. (zod then asks the
 * global config, which ours always answers before.)
 */
function messageOf(issue: RawIssue): string {
  if (issue.message) return issue.message;
  const raiser = issue.inst as MapHolder | undefined;
  const own = textOf(raiser?._zod.def.error?.(issue));
  if (own !== undefined) return own;
  // A check's issue (not a schema's) falls back to the map of the schema that ran the check.
  const owner = issue.schema as MapHolder | undefined;
  const traits = raiser?._zod.traits;
  const raisedBySchema = traits?.has('$ZodType') === true && !traits.has('$ZodCheck');
  const inherited = owner && owner !== raiser && !raisedBySchema ? textOf(owner._zod.def.error?.(issue)) : undefined;
  return inherited ?? issueMessage(issue);
}

/** What {@link safeParseWire} gives: the output, or the issues in the library's plain shape. */
export type WireParse<T> = { readonly success: true; readonly data: T } | { readonly success: false; readonly issues: AuiIssue[] };

/**
 * `schema` run on `value` as zod's `safeParse(value, { error: issueMessage })` runs it: the library's
 * messages ({@link issueMessage}) for this parse only, never zod's global config. Use it for every
 * parse whose issues reach an error. The issues come back as {@link AuiIssue}s (path, message, code).
 * Written out rather than through `safeParse`: zod copies a given context with an object spread,
 * which on Node 20 costs more than a whole parse of the user message (≈1 µs against 0.3 µs). A fresh
 * context each time (zod may keep per-parse state on it).
 *
 * @example
 * safeParseWire(TaskSchema, { id: null }); // { success: false, issues: [{ path: ['id'], message: 'Invalid input: expected string, received null', code: 'invalid_type' }, …] }
 */
export function safeParseWire<S extends z.core.$ZodType>(schema: S, value: unknown): WireParse<z.output<S>> {
  const ctx: z.core.ParseContextInternal = { error: issueMessage, async: false };
  const result = schema._zod.run({ value, issues: [] }, ctx);
  if (result instanceof Promise) throw new $ZodAsyncError();
  if (result.issues.length === 0) return { success: true, data: result.value as z.output<S> };
  return { success: false, issues: result.issues.map((issue) => ({ path: issue.path ?? [], message: messageOf(issue), code: issue.code })) };
}

/** One issue as text: `path.to.field: message`, or just the message for the value itself. */
export function describeIssue(issue: AuiIssue): string {
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}

/**
 * A TestScheduler wired to jest's deep equality for marble specs, comparing error notifications by
 * class and fields rather than by message.
 *
 * Jest's `toEqual` compares two `Error` objects by `message` alone (expect-utils' `equals`: `a instanceof
 * Error && b instanceof Error → a.message === b.message`), so a marble expecting an `AuiServerError`
 * with `closeCode: 1011` would pass on an `AuiAuthenticationError` with the same message, and fail on the
 * right error worded differently. Before comparing, the scheduler's assertion therefore replaces each
 * error notification's error with {@link errorRecord}: its class name, `kind`, `retryable` and its own
 * fields (`status`, `closeCode`, `reason`, `taskId`, `retryAfterMs`, `phase`, `issues` as path + code),
 * never `message`, and `body` only when the expected error has one.
 */
import { TestScheduler } from 'rxjs/testing';
import { isAuiError } from '../../lib/errors.js';

/** Facts compared when present even if they are not own enumerable properties (getters, say). */
const KNOWN_FIELDS = ['kind', 'retryable', 'status', 'closeCode', 'reason', 'taskId', 'retryAfterMs', 'phase', 'issues'] as const;

/** Properties never compared: prose, the stack, the underlying error; `body` only on request. */
const SKIPPED = new Set(['name', 'message', 'stack', 'cause', 'body']);

/** Whether `value` is a jest asymmetric matcher (`expect.objectContaining(…)`, `anError(…)`, …). */
function isAsymmetric(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';
}

/** An issue as compared: its path and code (the message is prose). Matchers and non-objects stay. */
function issueRecord(issue: unknown): unknown {
  if (typeof issue !== 'object' || issue === null || isAsymmetric(issue)) return issue;
  const { path, code } = issue as { path?: unknown; code?: unknown };
  return code === undefined ? { path } : { path, code };
}

/** `issues` as compared: each issue's path and code. */
function issuesRecord(issues: unknown): unknown {
  return Array.isArray(issues) ? issues.map(issueRecord) : issues;
}

/** The class name of `error`: its constructor's name, else its `name`. */
function className(error: object): unknown {
  const ctor = (error as { constructor?: { name?: unknown } }).constructor;
  const name = ctor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : (error as { name?: unknown }).name;
}

/**
 * The plain record an error is compared by: `name` (the class), `kind`, `retryable` and every other
 * field it has, with `issues` reduced to path + code. `message`, `stack` and `cause` are left out, and
 * `body` unless `withBody`. An error that is not an aui-rx error keeps its `message`: it has no typed
 * fields, so the message is all there is to tell two of them apart.
 *
 * @example
 * errorRecord(new AuiServerError('boom', { closeCode: 1011 }), false);
 * // { name: 'AuiServerError', kind: 'server', retryable: true, closeCode: 1011 }
 */
export function errorRecord(error: object, withBody: boolean): Record<string, unknown> {
  const source = error as Record<string, unknown>;
  const record: Record<string, unknown> = { name: className(error) };
  for (const key of [...KNOWN_FIELDS, ...Object.keys(error)]) {
    if (SKIPPED.has(key) || key in record) continue;
    const value = source[key];
    if (value !== undefined) record[key] = key === 'issues' ? issuesRecord(value) : value;
  }
  if (withBody && source['body'] !== undefined) record['body'] = source['body'];
  if (!isAuiError(error) && typeof source['message'] === 'string') record['message'] = source['message'];
  return record;
}

/** The error of an RxJS error notification message (`{ frame, notification: { kind: 'E', error } }`). */
function notificationError(message: unknown): { readonly error: unknown } | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const notification = (message as { notification?: unknown }).notification;
  if (typeof notification !== 'object' || notification === null) return undefined;
  const { kind, error } = notification as { kind?: unknown; error?: unknown };
  return kind === 'E' ? { error } : undefined;
}

/** `message` with its error notification's error replaced by `error`. */
function withError(message: unknown, error: unknown): unknown {
  const { notification } = message as { notification: object };
  return { ...(message as object), notification: { ...notification, error } };
}

/** Whether an error is compared as a record: an object that is not a matcher. */
function comparableError(error: unknown): error is object {
  return typeof error === 'object' && error !== null && !isAsymmetric(error) && error instanceof Error;
}

/**
 * `messages` (a TestScheduler message list) with every Error of an error notification replaced by its
 * {@link errorRecord}; `expected` is the expected list, which decides `body` (compared only when the
 * expected error has one) and leaves an actual error raw when the expected one is a matcher.
 */
export function comparableMessages(messages: unknown, expected: unknown): unknown {
  if (!Array.isArray(messages)) return messages;
  const expectedErrors = Array.isArray(expected) ? expected.map(notificationError) : [];
  const fallback = expectedErrors.find((entry) => entry !== undefined);
  return messages.map((message, index) => {
    const actual = notificationError(message);
    if (!actual || !comparableError(actual.error)) return message;
    const partner = (expectedErrors[index] ?? fallback)?.error;
    if (isAsymmetric(partner)) return message;
    const withBody = typeof partner === 'object' && partner !== null && (partner as { body?: unknown }).body !== undefined;
    return withError(message, errorRecord(actual.error, withBody));
  });
}

/**
 * A new TestScheduler whose assertions use jest `toEqual`, with error notifications compared by class
 * and fields (see {@link errorRecord}), not by message.
 *
 * @example
 * createTestScheduler().run(({ cold, expectObservable }) => {
 *   expectObservable(cold('-#', undefined, err)).toBe('-#', undefined, new AuiServerError('any text', { closeCode: 1011 }));
 * });
 */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(comparableMessages(actual, expected)).toEqual(comparableMessages(expected, expected));
  });
}

/** A jest asymmetric matcher for an error of one class with (at least) the given fields; see {@link errorMatching}. */
class ErrorMatcher {
  readonly $$typeof = Symbol.for('jest.asymmetricMatcher');

  constructor(
    private readonly className: string,
    private readonly fields: Readonly<Record<string, unknown>>,
  ) {}

  asymmetricMatch(actual: unknown): boolean {
    if (typeof actual !== 'object' || actual === null) return false;
    const record = errorRecord(actual, 'body' in this.fields);
    if ('message' in this.fields) record['message'] = (actual as { message?: unknown }).message;
    if (record['name'] !== this.className) return false;
    const wanted: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.fields)) {
      if (value === undefined) {
        if (record[key] !== undefined) return false;
      } else {
        wanted[key] = key === 'issues' ? issuesRecord(value) : value;
      }
    }
    return expect.objectContaining(wanted).asymmetricMatch(record);
  }

  toString(): string {
    return 'anError';
  }

  toAsymmetricMatcher(): string {
    const fields = Object.entries(this.fields).map(([key, value]) => `${key}: ${isAsymmetric(value) ? String(value) : JSON.stringify(value)}`);
    return `anError(${this.className}${fields.length > 0 ? `, { ${fields.join(', ')} }` : ''})`;
  }
}

/**
 * Matches an error of class `className` (constructor name) whose listed fields are equal, compared on
 * its {@link errorRecord}: unlisted fields are free, `issues` compare by path + code, a field listed as
 * `undefined` must be absent, and `message` or `body` are compared only when listed.
 *
 * @example
 * expectObservable(turn$).toBe('10s #', undefined, errorMatching('AuiTimeoutError', { phase: 'connect' }));
 */
export function errorMatching(className: string, fields: Readonly<Record<string, unknown>> = {}): unknown {
  return new ErrorMatcher(className, fields);
}

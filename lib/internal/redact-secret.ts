/**
 * Removes a secret (the API key) from text, from parsed bodies and from the causes of errors before
 * they go into an aui-rx error.
 *
 * @packageDocumentation
 */

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** What a value nested deeper than {@link MAX_BODY_DEPTH} is replaced with. */
export const TOO_DEEP = '[…]';

/** How deep bodies kept on errors may nest; deeper values become {@link TOO_DEEP}. */
export const MAX_BODY_DEPTH = 32;

/** How many `cause` links of a foreign error are copied (and redacted); deeper ones are dropped. */
const MAX_CAUSE_DEPTH = 4;

const patterns = new Map<string, RegExp>();

/**
 * One pattern for every form in which the key may come back: as is, percent-encoded
 * (`encodeURIComponent`, and form encoding with `+` for spaces, as `URLSearchParams` writes it), in
 * any letter case (a host name is lower-cased). Cached per key; keys are few.
 */
function patternFor(secret: string): RegExp {
  let pattern = patterns.get(secret);
  if (pattern === undefined) {
    const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ k: secret }).toString().slice(2)]);
    const escaped = [...forms].sort((a, b) => b.length - a.length).map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(escaped.join('|'), 'gi');
    if (patterns.size > 16) patterns.clear();
    patterns.set(secret, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

/**
 * `text` with every form of `secret` (see above) replaced by {@link REDACTED}; `text` itself when there
 * is no secret. Any key length counts: a 6-character key is redacted too.
 *
 * @example
 * redactText('bad key API_KEY_1%2B2', 'API_KEY_1+2'); // 'bad key [redacted]'
 */
export function redactText(text: string, secret: string | undefined): string {
  if (secret === undefined || secret === '') return text;
  return text.replace(patternFor(secret), REDACTED);
}

/**
 * Returns `value` with every value nested deeper than {@link MAX_BODY_DEPTH} replaced by
 * {@link TOO_DEEP}, copying only when something is that deep (JSON bodies have no cycles). Error
 * bodies go through it so that `JSON.stringify(error)` can never overflow the stack.
 *
 * @example
 * capDepth({ a: { b: 1 } }); // the same object: nothing is deeper than the limit
 */
export function capDepth<T>(value: T): T {
  return depthOf(value, 0) > MAX_BODY_DEPTH ? (walk(value, undefined, 0) as T) : value;
}

function depthOf(value: unknown, depth: number): number {
  if (typeof value !== 'object' || value === null || depth > MAX_BODY_DEPTH) return depth;
  let max = depth;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    max = Math.max(max, depthOf(item, depth + 1));
    if (max > MAX_BODY_DEPTH) break;
  }
  return max;
}

/**
 * Returns `value` with every form of `secret` in its strings replaced by `[redacted]`, walking plain
 * objects and arrays (keys included). Other values are returned unchanged.
 *
 * @example
 * redactSecret('bad key API_KEY_123456', 'API_KEY_123456'); // 'bad key [redacted]'
 */
export function redactSecret<T>(value: T, secret: string | undefined): T {
  if (secret === undefined || secret === '') return value;
  return walk(value, secret, 0) as T;
}

/**
 * Copies plain objects and arrays down to {@link MAX_BODY_DEPTH} (deeper values become
 * {@link TOO_DEEP}), replacing `secret` (when given) in strings and keys; other values stay as they are.
 */
function walk(value: unknown, secret: string | undefined, depth: number): unknown {
  if (typeof value === 'string') return redactText(value, secret);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_BODY_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((item) => walk(item, secret, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[redactText(key, secret)] = walk(item, secret, depth + 1);
  return out;
}

/** Whether a string field of `error` contains `secret` in any of its forms. */
function mentions(error: object, secret: string): boolean {
  for (const field of ['message', 'stack', 'code', 'name']) {
    const text = (error as Record<string, unknown>)[field];
    if (typeof text === 'string' && redactText(text, secret) !== text) return true;
  }
  return false;
}

/**
 * The cause to keep on an aui-rx error: `cause` itself when neither it nor its own causes mention the
 * secret; otherwise a plain `Error` copy with the same name, code, message and stack, redacted (a
 * JSON-parse error quotes the body it failed on, a network error may quote a URL). Strings are
 * redacted; other values are kept.
 *
 * @example
 * redactCause(new SyntaxError('Unexpected token in "API_KEY_1"'), 'API_KEY_1').message; // 'Unexpected token in "[redacted]"'
 */
export function redactCause(cause: unknown, secret: string | undefined, depth = 0): unknown {
  if (secret === undefined || secret === '') return cause;
  if (typeof cause === 'string') return redactText(cause, secret);
  if (typeof cause !== 'object' || cause === null) return cause;
  const inner = (cause as { cause?: unknown }).cause;
  const innerKept = depth < MAX_CAUSE_DEPTH ? redactCause(inner, secret, depth + 1) : undefined;
  if (!mentions(cause, secret) && innerKept === inner) return cause;
  const source = cause as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown };
  const copy = new Error(redactText(typeof source.message === 'string' ? source.message : '', secret));
  if (typeof source.name === 'string') copy.name = redactText(source.name, secret);
  copy.stack = typeof source.stack === 'string' ? redactText(source.stack, secret) : `${copy.name}: ${copy.message}`;
  if (typeof source.code === 'string') Object.assign(copy, { code: redactText(source.code, secret) });
  if (innerKept !== undefined) Object.defineProperty(copy, 'cause', { value: innerKept, enumerable: false, writable: true, configurable: true });
  return copy;
}

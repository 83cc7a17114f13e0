/**
 * Removes a secret (the API key) from text and from parsed bodies before they go into an error.
 *
 * @packageDocumentation
 */

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** What a value nested deeper than {@link MAX_BODY_DEPTH} is replaced with. */
export const TOO_DEEP = '[…]';

/** How deep bodies kept on errors may nest; deeper values become {@link TOO_DEEP}. */
export const MAX_BODY_DEPTH = 32;

/** Secrets shorter than this are not searched for (they would mangle ordinary words). */
export const MIN_REDACTED_LENGTH = 8;

function redactText(text: string, secret: string): string {
  return text.split(secret).join(REDACTED);
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
 * Returns `value` with every occurrence of `secret` in its strings replaced by `[redacted]`,
 * walking plain objects and arrays (keys included). Other values are returned unchanged.
 *
 * @example
 * redactSecret('bad key API_KEY_123456', 'API_KEY_123456'); // 'bad key [redacted]'
 */
export function redactSecret<T>(value: T, secret: string | undefined): T {
  if (secret === undefined || secret.length < MIN_REDACTED_LENGTH) return value;
  return walk(value, secret, 0) as T;
}

/**
 * Copies plain objects and arrays down to {@link MAX_BODY_DEPTH} (deeper values become
 * {@link TOO_DEEP}), replacing `secret` (when given) in strings and keys; other values stay as they are.
 */
function walk(value: unknown, secret: string | undefined, depth: number): unknown {
  if (typeof value === 'string') return secret !== undefined && value.includes(secret) ? redactText(value, secret) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_BODY_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((item) => walk(item, secret, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[secret === undefined ? key : redactText(key, secret)] = walk(item, secret, depth + 1);
  return out;
}

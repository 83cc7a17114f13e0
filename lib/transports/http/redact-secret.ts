/**
 * Removes a secret (the API key) from text and from parsed bodies before they go into an error.
 *
 * @packageDocumentation
 */

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are not searched for (they would mangle ordinary words). */
export const MIN_REDACTED_LENGTH = 8;

function redactText(text: string, secret: string): string {
  return text.split(secret).join(REDACTED);
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

function walk(value: unknown, secret: string, depth: number): unknown {
  if (typeof value === 'string') return value.includes(secret) ? redactText(value, secret) : value;
  if (depth > 32 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => walk(item, secret, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[redactText(key, secret)] = walk(item, secret, depth + 1);
  return out;
}

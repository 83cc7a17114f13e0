/**
 * Parses the HTTP `Retry-After` header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date.
 *
 * @packageDocumentation
 */

/** The longest wait a `Retry-After` value may ask for (one day); longer values are capped. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

const DELTA_SECONDS = /^\d+(\.\d+)?$/;

/**
 * Turns a `Retry-After` value into milliseconds to wait, or `undefined` when absent or unreadable.
 * An HTTP-date is measured from `nowMs` (take it from the scheduler's `now()`, never `Date.now`);
 * a date in the past gives 0; anything above {@link MAX_RETRY_AFTER_MS} is capped.
 *
 * @example
 * parseRetryAfter('120', scheduler.now()); // 120000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 27, 0)); // 60000
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (DELTA_SECONDS.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(text) * 1000));
  // Only date-shaped text: Date.parse accepts bare numbers like "-5" or "2024" too.
  if (!/[a-z]/i.test(text) || !/\d{1,2}:\d{2}:\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs));
}

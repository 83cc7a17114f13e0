/**
 * The relay's key: read through the client's one key reader (lib/internal/api-key.ts) for every
 * upstream request and connection, and removed from everything that goes back to the browser
 * (bodies, frames, close reasons, headers) with the one redactor (lib/internal/redact-secret.ts).
 *
 * Bytes are searched as Latin-1 text: the key's forms are ASCII, and in UTF-8 an ASCII byte only
 * ever stands for itself, so a match in the Latin-1 reading is a match in the UTF-8 text, and
 * bytes without the key are passed on as they are (the same Buffer: no copy, byte for byte).
 *
 * @packageDocumentation
 */
import { firstValueFrom, throwError, timeout, type SchedulerLike } from 'rxjs';
import type { AuiTimeoutPhase } from '../errors.js';
import { keyTimeoutError, type ApiKeyReader } from '../internal/api-key.js';
import { redactText } from '../internal/redact-secret.js';
import { AuiValidationError } from '../errors.js';

/**
 * Reads the key for one upstream request or connection (a Promise-returning key function is awaited,
 * at most `waitMs` on `scheduler`). Rejects with the reader's `AuiValidationError` for a bad key, or
 * an `AuiTimeoutError` when the key does not come in time.
 *
 * @example
 * const key = await readRelayKey(options.upstream.apiKey, 60_000, asyncScheduler, 'request');
 */
export async function readRelayKey(reader: ApiKeyReader, waitMs: number, scheduler: SchedulerLike, phase: AuiTimeoutPhase): Promise<string> {
  const read = reader.read();
  if (read === undefined) throw new AuiValidationError('createAuiRelay: no apiKey', { issues: [{ path: ['apiKey'], message: 'required' }] });
  if (typeof read === 'string') return read;
  return firstValueFrom(read.pipe(timeout({ first: waitMs, scheduler, with: () => throwError(() => keyTimeoutError(waitMs, phase)) })));
}

/**
 * `bytes` with every form of `key` replaced by `[redacted]`: the same Buffer when the key is not in it.
 *
 * @example
 * redactBytes(Buffer.from('{"k":"API_KEY_1"}'), 'API_KEY_1').toString(); // '{"k":"[redacted]"}'
 */
export function redactBytes(bytes: Buffer, key: string | undefined): Buffer {
  if (key === undefined || key === '') return bytes;
  const text = bytes.toString('latin1');
  const clean = redactText(text, key);
  return clean === text ? bytes : Buffer.from(clean, 'latin1');
}

/** Most bytes a WebSocket close reason may have (125-byte control frame payload minus the code). */
const MAX_REASON_BYTES = 123;

/**
 * A close reason safe to send to the browser: redacted, then cut to 123 bytes of UTF-8 without
 * splitting a character.
 *
 * @example
 * closeReason('bad key API_KEY_1', 'API_KEY_1'); // 'bad key [redacted]'
 */
export function closeReason(reason: Buffer | string, key: string | undefined): string {
  const text = redactText(typeof reason === 'string' ? reason : reason.toString(), key);
  if (Buffer.byteLength(text) <= MAX_REASON_BYTES) return text;
  let cut = '';
  for (const char of text) {
    if (Buffer.byteLength(cut + char) > MAX_REASON_BYTES) break;
    cut += char;
  }
  return cut;
}

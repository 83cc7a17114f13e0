/**
 * The body of a browser's REST request, read with a size limit, and read as the JSON object the
 * relay checks and forwards. The relay forwards what it checked (the object, serialised again), never
 * the bytes it was sent, so no parser difference between it and upstream (duplicate keys, odd
 * encodings) can slip another user's id past the check.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applicationReply, unprocessable, type RelayReply } from './relay-replies.js';

/** Bytes of a refused body still read (and dropped) so the browser can read the 413; past them its connection is dropped. */
const DISCARD_BYTES = 64 * 1024;

/** What reading a body gave: its bytes, a refusal to answer with, or nothing (the browser went away). */
export type BodyRead = { readonly bytes: Buffer } | { readonly reply: RelayReply } | { readonly aborted: true };

/** A body some middleware (e.g. `express.json()`) already read, as bytes. */
function parsedBody(req: IncomingMessage): Buffer {
  const body = (req as { body?: unknown }).body;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'object' && Object.keys(body).length === 0 && req.headers['content-length'] === undefined) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(body));
}

/**
 * Reads the request body up to `maxBytes`. Past it (by `Content-Length` or while reading) the answer
 * is a 413 with `Connection: close`; what the browser still sends is discarded up to another
 * `maxBytes` (at least 64 KiB), then its connection is dropped once the 413 is written.
 *
 * @example
 * const read = await readBody(req, res, 1_048_576);
 */
export function readBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<BodyRead> {
  if (req.readableEnded) return Promise.resolve({ bytes: parsedBody(req) });
  const tooLarge = (): BodyRead => {
    res.setHeader('connection', 'close');
    const allowance = Math.max(maxBytes, DISCARD_BYTES);
    let discarded = 0;
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded <= allowance) return;
      req.removeAllListeners('data');
      if (res.writableFinished) req.socket.destroy();
      else res.once('finish', () => req.socket.destroy());
    });
    return { reply: applicationReply(413, `The request body is larger than ${maxBytes} bytes`) };
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(tooLarge());
  return new Promise<BodyRead>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (read: BodyRead): void => {
      if (done) return;
      done = true;
      resolve(read);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) finish(tooLarge());
      else chunks.push(chunk);
    });
    req.once('end', () => finish({ bytes: Buffer.concat(chunks, size) }));
    req.once('error', () => finish({ aborted: true }));
    req.once('close', () => finish(req.complete ? { bytes: Buffer.concat(chunks, size) } : { aborted: true }));
  });
}

/**
 * Whether a `Content-Type` names JSON: `application/json` or `application/…+json`, any parameters.
 * Nothing else is (no type either): a page on another site can POST a form, `text/plain` or an untyped
 * Blob with the user's cookies and without asking (a "simple" request), but never a JSON type.
 *
 * @example
 * isJsonType('application/json; charset=utf-8'); // true
 */
export function isJsonType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[!#$%&'*.^_`|~0-9a-z-]+\+json$/.test(type);
}

/**
 * The body as a JSON object; 415 when `contentType` is not JSON (see {@link isJsonType}: the relay's
 * guard against cross-site requests made with the user's cookies), or the 422 to answer (FastAPI's
 * shape) when it is empty, not JSON, or not an object.
 *
 * @example
 * jsonObject(Buffer.from('{"user_id":"u1"}'), 'application/json'); // { object: { user_id: 'u1' } }
 */
export function jsonObject(bytes: Buffer, contentType: string | undefined): { readonly object: Record<string, unknown> } | { readonly reply: RelayReply } {
  if (!isJsonType(contentType)) return { reply: applicationReply(415, 'The request body must be sent as application/json') };
  if (bytes.length === 0) return { reply: unprocessable(['body'], 'field required', 'value_error.missing') };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString());
  } catch {
    return { reply: unprocessable(['body', 0], 'JSON decode error', 'value_error.jsondecode') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { reply: unprocessable(['body'], 'value is not a valid dict', 'type_error.dict') };
  }
  return { object: value as Record<string, unknown> };
}

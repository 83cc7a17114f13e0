/**
 * One REST request upstream: the relay's key in `x-network-api-key`, a JSON body, a deadline on the
 * relay's scheduler, a bounded response (decompressed if upstream compressed it anyway), and what
 * comes back redacted, ready to go to the browser with its status unchanged.
 *
 * @packageDocumentation
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { SchedulerLike } from 'rxjs';
import { redactText } from '../internal/redact-secret.js';
import { API_KEY_HEADER } from '../transports/websocket/socket-url.js';
import { redactBytes } from './relay-key.js';
import { applicationReply, type RelayReply } from './relay-replies.js';

/** A request to send upstream. */
export interface UpstreamRequest {
  /** `GET` or `POST`. */
  readonly method: string;
  /** The path after the base URL, e.g. `/api/v1/external/tasks` (already encoded). */
  readonly path: string;
  /** The query (only the parameters the relay forwards for the route). */
  readonly query: URLSearchParams;
  /** The JSON body, for `POST`. */
  readonly body?: string;
  /** Aborts the request (the browser went away, the relay is closing). */
  readonly signal: AbortSignal;
}

/** Upstream's answer, redacted: status, the headers the relay passes on, and the body. */
export interface UpstreamReply {
  /** Upstream's HTTP status, unchanged. */
  readonly status: number;
  /** `content-type`, `retry-after`, `location` (redacted), when upstream sent them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, decompressed and redacted. */
  readonly body: Buffer;
}

/** What forwarding gave: upstream's answer, the relay's own (502/504), or nothing (aborted). */
export type Forwarded = { readonly upstream: UpstreamReply } | { readonly reply: RelayReply } | { readonly aborted: true };

/** Response headers passed on to the browser; every other one (cookies, hop-by-hop, server details) stays. */
const PASSED_HEADERS = ['content-type', 'retry-after', 'location'] as const;

/** Settings of {@link RestUpstream}. */
export interface RestUpstreamSettings {
  /** The upstream REST base URL (no trailing slash). */
  readonly baseUrl: string;
  /** Deadline of one request, headers and body, in ms. */
  readonly requestMs: number;
  /** Largest response body taken, in bytes (after decompression). */
  readonly maxResponseBytes: number;
  /** Where the deadline runs. */
  readonly scheduler: SchedulerLike;
}

function decoded(res: IncomingMessage): Readable | undefined {
  const encoding = (res.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity' || encoding === '') return res;
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  if (decoder === undefined) return undefined;
  res.on('error', (error) => decoder.destroy(error));
  return res.pipe(decoder);
}

/**
 * Sends REST requests upstream over keep-alive connections of its own.
 *
 * @example
 * const upstream = new RestUpstream({ baseUrl, requestMs: 60_000, maxResponseBytes: 16_777_216, scheduler });
 * const forwarded = await upstream.send({ method: 'GET', path: '/api/v1/external/tasks', query, signal }, key);
 */
export class RestUpstream {
  readonly #agent: HttpAgent;
  readonly #secure: boolean;

  constructor(private readonly settings: RestUpstreamSettings) {
    this.#secure = settings.baseUrl.startsWith('https:');
    this.#agent = this.#secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  /** Sends `request` with `key`; never rejects. */
  send(request: UpstreamRequest, key: string): Promise<Forwarded> {
    const { settings } = this;
    const query = request.query.toString();
    const url = `${settings.baseUrl}${request.path}${query ? `?${query}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json', 'accept-encoding': 'identity', [API_KEY_HEADER]: key };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }
    return new Promise<Forwarded>((resolve) => {
      let settled = false;
      const finish = (forwarded: Forwarded): void => {
        if (settled) return;
        settled = true;
        deadline.unsubscribe();
        request.signal.removeEventListener('abort', onAbort);
        if (!('upstream' in forwarded)) req.destroy();
        resolve(forwarded);
      };
      const onAbort = (): void => finish({ aborted: true });
      const send = this.#secure ? httpsRequest : httpRequest;
      const req = send(url, { method: request.method, headers, agent: this.#agent });
      const deadline = settings.scheduler.schedule(() => finish({ reply: applicationReply(504, `AUI did not answer within ${settings.requestMs} ms`) }), settings.requestMs);
      request.signal.addEventListener('abort', onAbort, { once: true });
      if (request.signal.aborted) return onAbort();
      req.on('error', () => finish({ reply: applicationReply(502, 'The relay could not reach AUI') }));
      req.on('response', (res) => this.#read(res, key, finish));
      req.end(request.body);
    });
  }

  /** Closes the kept-alive upstream connections. */
  close(): void {
    this.#agent.destroy();
  }

  #read(res: IncomingMessage, key: string, finish: (forwarded: Forwarded) => void): void {
    const { maxResponseBytes } = this.settings;
    const body = decoded(res);
    if (body === undefined) {
      res.destroy();
      return finish({ reply: applicationReply(502, `AUI answered with an unsupported content-encoding`) });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxResponseBytes) return void chunks.push(chunk);
      res.destroy();
      finish({ reply: applicationReply(502, `AUI's answer is larger than ${maxResponseBytes} bytes`) });
    });
    const cut = (): void => finish({ reply: applicationReply(502, 'AUI closed the connection before the end of its answer') });
    body.on('error', cut);
    res.on('close', () => {
      if (!res.complete) cut();
    });
    body.on('end', () => {
      const headers: Record<string, string> = {};
      for (const name of PASSED_HEADERS) {
        const value = res.headers[name];
        if (typeof value === 'string') headers[name] = redactText(value, key);
      }
      finish({ upstream: { status: res.statusCode ?? 502, headers, body: redactBytes(Buffer.concat(chunks, size), key) } });
    });
  }
}

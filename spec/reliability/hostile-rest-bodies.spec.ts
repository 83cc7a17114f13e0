/**
 * Hostile REST bodies (design.md §7, `limits.maxBodyBytes`): a body is counted while it is read
 * and after decompression; past the limit the request is dropped with a non-retryable
 * `AuiProtocolError`, whatever the status, and memory stays bounded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import { lastValueFrom } from 'rxjs';
import { AuiAuthenticationError, AuiClient, AuiProtocolError, isRetryable, type AuiClientOptions } from '../../lib/index';
import * as F from '../helpers/fixtures';
import { errorOf, expectNoSecret, randomApiKey, waitFor } from '../helpers/rest-helpers';

const MiB = 1024 * 1024;
const LIMIT = 1 * MiB;
const HUGE = 300 * MiB;
const TASK_PATH = '/api/v1/external/tasks/t1';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** What the server saw of one lazily streamed body. */
interface Streamed {
  /** Bytes handed to `res.write` so far. */
  written: number;
  /** Whether the client went away before the whole body was written. */
  closedEarly: boolean;
  /** Whether the response stream has closed (either way). */
  closed: boolean;
}

/** Writes `total` bytes of `chunk` repeats, generating them on demand; stops when the client goes away. */
function streamLazily(res: ServerResponse, total: number, chunk: Buffer): Streamed {
  const seen: Streamed = { written: 0, closedEarly: false, closed: false };
  res.on('close', () => {
    seen.closed = true;
    seen.closedEarly = seen.written < total || !res.writableFinished;
  });
  const pump = (): void => {
    // Bounded: each pass stops at the first full socket buffer; the whole run at `total` bytes.
    while (seen.written < total && !res.destroyed) {
      const ok = res.write(chunk);
      seen.written += chunk.length;
      if (!ok) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
  return seen;
}

/** A task body padded with trailing spaces (valid JSON) to exactly `bytes` bytes. */
function taskBodyOf(bytes: number, task: object = F.TASK_G0): Buffer {
  const json = JSON.stringify(task);
  const size = Buffer.byteLength(json);
  if (size > bytes) throw new Error('padding target too small');
  return Buffer.from(json + ' '.repeat(bytes - size));
}

/** Gzip of `mib` MiB of zeros, built with zlib (640 MiB → ~0.6 MB). */
async function gzipBomb(mib: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  const zeros = Buffer.alloc(MiB);
  let i = 0;
  const write = (): void => {
    while (i < mib) {
      i++;
      if (!gzip.write(zeros)) {
        gzip.once('drain', write);
        return;
      }
    }
    gzip.end();
  };
  write();
  await done;
  return Buffer.concat(out);
}

/** Samples the process's resident memory while `work` runs; resolves to the peak growth in bytes. */
async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - before };
  } finally {
    clearInterval(sampler);
  }
}

describe('hostile REST bodies (limits.maxBodyBytes)', () => {
  let server: Server;
  let handler: Handler;
  let baseUrl: string;
  let key: string;
  let client: AuiClient;
  const clientWith = (options: Partial<AuiClientOptions> = {}): AuiClient =>
    new AuiClient({
      apiKey: key,
      baseUrl,
      timeouts: { requestMs: 15_000 },
      ...options,
      limits: { maxBodyBytes: LIMIT },
    } as AuiClientOptions);

  // A fresh server (and port) per test: no keep-alive socket of one test is reused by the next.
  beforeEach(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/ia-controller`;
    key = randomApiKey();
    client = clientWith();
  });
  afterEach(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const expectCapError = (error: unknown, status: number): void => {
    expect(error).toBeInstanceOf(AuiProtocolError);
    const e = error as AuiProtocolError;
    expect(e.message).toBe(`Response body exceeds limits.maxBodyBytes (${LIMIT} bytes) (GET ${TASK_PATH})`);
    expect(e).toMatchObject({ kind: 'protocol', retryable: false, status, taskId: 't1' });
    expect(isRetryable(e)).toBe(false);
    expectNoSecret(e, key);
  };

  it('stops a 300 MB body streamed without Content-Length: early close, bounded memory', async () => {
    let streamed: Streamed | undefined;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      streamed = streamLazily(res, HUGE, Buffer.alloc(64 * 1024, 'a'));
    };
    const { result: error, growth } = await peakRssGrowth(() => errorOf(client.getTask('t1')));
    expectCapError(error, 200);
    await waitFor(() => streamed?.closed === true, 'the server sees the connection closed');
    expect(streamed?.closedEarly).toBe(true);
    expect(streamed?.written).toBeLessThan(32 * MiB);
    expect(growth).toBeLessThan(128 * MiB);
  });

  it('refuses a Content-Length above the limit before reading the body', async () => {
    let streamed: Streamed | undefined;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(HUGE) });
      streamed = streamLazily(res, HUGE, Buffer.alloc(64 * 1024, 'a'));
    };
    expectCapError(await errorOf(client.getTask('t1')), 200);
    await waitFor(() => streamed?.closed === true, 'the server sees the connection closed');
    expect(streamed?.closedEarly).toBe(true);
    expect(streamed?.written).toBeLessThan(32 * MiB);
  });

  it('stops a gzip bomb (0.6 MB inflating to 640 MiB) after the limit of inflated bytes', async () => {
    const bomb = await gzipBomb(640);
    expect(bomb.length).toBeLessThan(MiB);
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    };
    const { result: error, growth } = await peakRssGrowth(() => errorOf(client.getTask('t1')));
    expectCapError(error, 200);
    expect(growth).toBeLessThan(128 * MiB);
  });

  it.each([
    ['with Content-Length', true],
    ['chunked', false],
  ])('accepts a body just under and exactly at the limit, refuses one byte more (%s)', async (_label, withLength) => {
    let bytes = 0;
    handler = (_req, res) => {
      const body = taskBodyOf(bytes);
      res.writeHead(200, withLength ? { 'content-type': 'application/json', 'content-length': String(body.length) } : { 'content-type': 'application/json' });
      res.end(body);
    };
    for (bytes of [LIMIT - 1, LIMIT]) {
      await expect(lastValueFrom(client.getTask('t1'))).resolves.toEqual(F.TASK_G0);
    }
    bytes = LIMIT + 1;
    expectCapError(await errorOf(client.getTask('t1')), 200);
  });

  it('decodes multi-byte UTF-8 split across chunks, and counts bytes, not characters', async () => {
    const title = 'Fünf € — 😀 ok 中文';
    const body = Buffer.from(JSON.stringify({ ...F.TASK_G0, title }));
    const start = body.indexOf(Buffer.from('ü'));
    // Cut inside every multi-byte character: 1-byte chunks across the whole title.
    const cuts = [start, ...Array.from({ length: Buffer.byteLength(title) }, (_, i) => start + i + 1), body.length];
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      const pieces = [body.subarray(0, start), ...cuts.slice(1).map((end, i) => body.subarray(cuts[i], end))];
      const next = (i: number): void => {
        if (res.destroyed) return;
        if (i >= pieces.length) {
          res.end();
          return;
        }
        res.write(pieces[i]);
        setTimeout(() => next(i + 1), 1);
      };
      next(0);
    };
    await expect(lastValueFrom(client.getTask('t1'))).resolves.toEqual({ ...F.TASK_G0, title });

    // 600,000 three-byte characters: 1.8 MB, above the 1 MiB limit though under it in characters.
    const wide = Buffer.from(JSON.stringify({ ...F.TASK_G0, title: '€'.repeat(600_000) }));
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(wide);
    };
    expectCapError(await errorOf(client.getTask('t1')), 200);
  });

  it('caps an error body too: a 500 with a 300 MB body is a protocol error (the cap wins), not a retryable server error', async () => {
    let streamed: Streamed | undefined;
    handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      streamed = streamLazily(res, HUGE, Buffer.alloc(64 * 1024, '<'));
    };
    expectCapError(await errorOf(client.getTask('t1')), 500);
    await waitFor(() => streamed?.closed === true, 'the server sees the connection closed');
    expect(streamed?.written).toBeLessThan(32 * MiB);
  });

  it('still classifies an error body under the limit by its status', async () => {
    handler = (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(taskBodyOf(LIMIT, { detail: 'Not authenticated' }));
    };
    const error = await errorOf(client.getTask('t1'));
    expect(error).toBeInstanceOf(AuiAuthenticationError);
    expect(error).toMatchObject({ status: 401, retryable: false });
  });

  it('unsubscribing while the body is read closes the connection', async () => {
    let streamed: Streamed | undefined;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Slow: 1 KiB per 5 ms, under the limit for the whole test.
      let sent = 0;
      streamed = { written: 0, closedEarly: false, closed: false };
      const seen = streamed;
      res.on('close', () => {
        seen.closed = true;
        seen.closedEarly = !res.writableFinished;
      });
      const tick = (): void => {
        if (res.destroyed || sent >= 512) return;
        sent++;
        res.write(Buffer.alloc(1024, ' '));
        seen.written += 1024;
        setTimeout(tick, 5);
      };
      tick();
    };
    const subscription = client.getTask('t1').subscribe({ error: () => undefined });
    await waitFor(() => (streamed?.written ?? 0) >= 8 * 1024, 'the body has started');
    subscription.unsubscribe();
    await waitFor(() => streamed?.closed === true, 'the server sees the connection closed');
    expect(streamed?.closedEarly).toBe(true);
  });
});

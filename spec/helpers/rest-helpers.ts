/**
 * Shared helpers for REST specs: bounded polling, a recognisable random API key, a plain
 * `node:http` server that records what it receives, and error collection.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { lastValueFrom, type Observable } from 'rxjs';

/** A fresh, recognisable key per test (so a leak is unmistakable). */
export function randomApiKey(): string {
  return `API_KEY_01SECRET${randomBytes(12).toString('hex').toUpperCase()}`;
}

/** Polls `check` until it is true, at most `attempts` × `everyMs`; fails the test otherwise. */
export async function waitFor(check: () => boolean, what: string, attempts = 200, everyMs = 10): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`Timed out waiting for: ${what}`);
}

/** The error an Observable fails with (fails the test when it emits or completes instead). */
export async function errorOf(source: Observable<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await lastValueFrom(source);
  } catch (error) {
    return error;
  }
  throw new Error(`expected an error, got ${JSON.stringify(value)}`);
}

/** Asserts that `secret` appears nowhere in an error's message, `String()` or JSON form. */
export function expectNoSecret(error: unknown, secret: string): void {
  expect(String(error)).not.toContain(secret);
  expect(JSON.stringify(error)).not.toContain(secret);
  expect((error as Error).message).not.toContain(secret);
  expect((error as Error).stack ?? '').not.toContain(secret);
}

/** One request seen by a {@link RecordingServer}. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** A plain node:http server on 127.0.0.1 that answers 200 `{}` and records every request. */
export interface RecordingServer {
  readonly origin: string;
  readonly seen: SeenRequest[];
  stop(): Promise<void>;
}

/** Starts a {@link RecordingServer} on a free loopback port. */
export async function startRecordingServer(): Promise<RecordingServer> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * httpClientFetch: a `fetch` over Angular's HttpClient, against a hostile node:http server on
 * 127.0.0.1 (Angular's fetch backend, real sockets) and against HttpClientTestingBackend. Every HTTP
 * answer becomes a Response the client classifies by its one failure policy; the body is counted
 * against limits.maxBodyBytes while it arrives and the request is dropped past it; unsubscribing
 * aborts the request; a redirect to another origin is refused without contacting it.
 */
// first: it loads the JIT compiler, which Angular's partially compiled packages need as they load
import { configureTestBed } from './helpers/test-bed';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HttpClient, provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom, retry } from 'rxjs';
import { AuiClient } from '../../lib/client';
import { AuiAuthenticationError, AuiConnectionError, AuiProtocolError, AuiRateLimitError, AuiServerError } from '../../lib/errors';
import { httpClientFetch } from '../../lib/angular/http-client-fetch';

const TASK = { id: '0123456789abcdef01234567', user_id: 'user-1', title: 'Microwave', created_at: '2025-11-12T14:03:46.984000' };
const MAX_CHUNKS = 2000;

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
  /** Whether the client dropped the connection before the server finished its answer. */
  dropped?: boolean;
}

let server: Server;
let other: Server;
let base: string;
let otherBase: string;
const sockets = new Set<Socket>();
const seen: Seen[] = [];
const closed: Array<() => void> = [];
let otherHits = 0;
let flakyCalls = 0;
let cutCalls = 0;

function answer(req: IncomingMessage, res: ServerResponse): void {
  const entry: Seen = { path: req.url ?? '', headers: req.headers };
  seen.push(entry);
  res.on('close', () => {
    entry.dropped = !res.writableFinished;
    for (const notify of closed.splice(0)) notify();
  });
  const path = (req.url ?? '').split('?')[0];
  if (path?.startsWith('/api/v1/external/tasks/ok')) {
    res.writeHead(200, { 'content-type': 'application/json', 'x-trace': 'abc' });
    const text = JSON.stringify(TASK);
    res.write(text.slice(0, 10));
    setTimeout(() => res.end(text.slice(10)), 5);
  } else if (path === '/api/v1/external/tasks/limited') {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
    res.end(JSON.stringify({ detail: 'slow down' }));
  } else if (path === '/api/v1/external/tasks/denied') {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ detail: 'Not authenticated' }));
  } else if (path === '/api/v1/external/tasks/broken') {
    res.writeHead(500, { 'content-type': 'text/html' });
    res.end('<h1>oops</h1>');
  } else if (path === '/api/v1/external/tasks/huge') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"id":"');
    let sent = 0;
    const chunk = 'x'.repeat(16 * 1024);
    const pump = (): void => {
      if (res.destroyed || sent >= MAX_CHUNKS) return void res.end('"}');
      sent++;
      if (res.write(chunk)) setImmediate(pump);
      else res.once('drain', pump);
    };
    pump();
  } else if (path === '/api/v1/external/tasks/flaky') {
    // 500 on every odd call, the task on every even one (an app interceptor retries the 500)
    flakyCalls++;
    if (flakyCalls % 2 === 1) res.writeHead(500, { 'content-type': 'text/plain' }).end('try again');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(TASK));
  } else if (path === '/api/v1/external/tasks/cut') {
    // odd calls: 200 and half a body, then the connection breaks; even calls: another task, whole
    cutCalls++;
    res.writeHead(200, { 'content-type': 'application/json' });
    if (cutCalls % 2 === 1) {
      res.write(JSON.stringify(TASK).slice(0, 20));
      setTimeout(() => res.destroy(), 5);
    } else {
      res.end(JSON.stringify({ ...TASK, id: 'fedcba9876543210fedcba98', title: 'Another task entirely' }));
    }
  } else if (path === '/api/v1/external/tasks/stall') {
    // never answers
  } else if (path === '/empty') {
    res.writeHead(204);
    res.end();
  } else if (path === '/api/v1/external/tasks/away') {
    res.writeHead(302, { location: `${otherBase}/api/v1/external/tasks/ok` });
    res.end();
  } else {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ detail: 'Not Found' }));
  }
}

function listen(target: Server): Promise<string> {
  target.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => target.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(target.address() as AddressInfo).port}`)));
}

/** Resolves when the server next sees a connection closed (bounded by the test timeout). */
function nextClose(): Promise<void> {
  return new Promise((resolve) => closed.push(resolve));
}

beforeAll(async () => {
  server = createServer(answer);
  other = createServer((_req, res) => {
    otherHits++;
    res.end('{}');
  });
  base = await listen(server);
  otherBase = (await listen(other)).replace('127.0.0.1', 'localhost');
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([server, other].map((s) => new Promise((resolve) => s.close(resolve))));
});

beforeEach(() => {
  seen.length = 0;
  otherHits = 0;
});

/** A client whose REST goes through the TestBed's HttpClient (fetch backend, one interceptor). */
function clientOverHttpClient(extra: { maxBodyBytes?: number } = {}): AuiClient {
  configureTestBed([
    provideHttpClient(
      withFetch(),
      withInterceptors([(req, next) => next(req.clone({ setHeaders: { 'x-app-interceptor': 'seen' } }))]),
    ),
  ]);
  const fetch = httpClientFetch(TestBed.inject(HttpClient), { passRedirect: true });
  return new AuiClient({ apiKey: 'k', baseUrl: base, fetch, ...(extra.maxBodyBytes ? { limits: { maxBodyBytes: extra.maxBodyBytes } } : {}) });
}

function failureOf(source: Promise<unknown>): Promise<unknown> {
  return source.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('httpClientFetch over the fetch backend (real sockets on 127.0.0.1)', () => {
  it('resolves a Response with the status, headers and streamed body; the interceptor saw the request', async () => {
    configureTestBed([provideHttpClient(withFetch(), withInterceptors([(req, next) => next(req.clone({ setHeaders: { 'x-app-interceptor': 'seen' } }))]))]);
    const fetch = httpClientFetch(TestBed.inject(HttpClient));
    const response = await fetch(`${base}/api/v1/external/tasks/ok`, { method: 'GET', headers: { accept: 'application/json', 'x-network-api-key': 'k' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-trace')).toBe('abc');
    expect(JSON.parse(await response.text())).toEqual(TASK);
    expect(seen[0]?.headers).toMatchObject({ 'x-app-interceptor': 'seen', 'x-network-api-key': 'k', accept: 'application/json' });
  });

  it('carries a task through the client (getTask)', async () => {
    const client = clientOverHttpClient();
    await expect(firstValueFrom(client.getTask('ok'))).resolves.toMatchObject({ id: TASK.id, title: TASK.title });
    expect(seen[0]?.headers['x-app-interceptor']).toBe('seen');
  });

  it('gives a 429 to the client as a Response: AuiRateLimitError with status, Retry-After and body', async () => {
    const error = await failureOf(firstValueFrom(clientOverHttpClient().getTask('limited')));
    expect(error).toBeInstanceOf(AuiRateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 2000, body: { detail: 'slow down' } });
  });

  it('gives a 401 as AuiAuthenticationError and a 500 with an HTML body as AuiServerError', async () => {
    const client = clientOverHttpClient();
    await expect(failureOf(firstValueFrom(client.getTask('denied')))).resolves.toBeInstanceOf(AuiAuthenticationError);
    const broken = await failureOf(firstValueFrom(client.getTask('broken')));
    expect(broken).toBeInstanceOf(AuiServerError);
    expect(broken).toMatchObject({ status: 500 });
  });

  it('gives a refused connection (no HTTP answer) as AuiConnectionError', async () => {
    configureTestBed([provideHttpClient(withFetch())]);
    const closedPort = createServer();
    const url = await listen(closedPort);
    await new Promise((resolve) => closedPort.close(resolve));
    const client = new AuiClient({ apiKey: 'k', baseUrl: url, fetch: httpClientFetch(TestBed.inject(HttpClient)) });
    await expect(failureOf(firstValueFrom(client.getTask('ok')))).resolves.toBeInstanceOf(AuiConnectionError);
  });

  it('drops an endless body at limits.maxBodyBytes: AuiProtocolError, and the server sees the request aborted', async () => {
    const client = clientOverHttpClient({ maxBodyBytes: 100_000 });
    const dropped = nextClose();
    const error = await failureOf(firstValueFrom(client.getTask('huge')));
    expect(error).toBeInstanceOf(AuiProtocolError);
    expect((error as Error).message).toMatch(/maxBodyBytes/);
    await dropped;
    expect(seen[0]?.dropped).toBe(true);
  });

  it('aborts the request when the client unsubscribes', async () => {
    const client = clientOverHttpClient();
    const arrived = new Promise<void>((resolve) => server.once('request', () => setImmediate(resolve)));
    const subscription = client.getTask('stall').subscribe();
    await arrived;
    const dropped = nextClose();
    subscription.unsubscribe();
    await dropped;
    expect(seen[0]?.dropped).toBe(true);
  });

  it('refuses a redirect to another origin without contacting it (redirect: manual through withFetch)', async () => {
    const error = await failureOf(firstValueFrom(clientOverHttpClient().getTask('away')));
    expect(error).toBeInstanceOf(AuiConnectionError);
    expect((error as Error).message).toMatch(/another origin/);
    expect(otherHits).toBe(0);
  });

  it('an app interceptor that retries a 500: the retry\'s answer is the Response (was: status 500 with the retry\'s body)', async () => {
    configureTestBed([provideHttpClient(withFetch(), withInterceptors([(req, next) => next(req).pipe(retry(1))]))]);
    const client = new AuiClient({ apiKey: 'k', baseUrl: base, fetch: httpClientFetch(TestBed.inject(HttpClient), { passRedirect: true }) });
    await expect(firstValueFrom(client.getTask('flaky'))).resolves.toEqual(TASK);
    expect(flakyCalls % 2).toBe(0);
  });

  it('an app interceptor that retries after the body began: the call fails, never a body mixed from two answers', async () => {
    configureTestBed([provideHttpClient(withFetch(), withInterceptors([(req, next) => next(req).pipe(retry(1))]))]);
    const client = new AuiClient({ apiKey: 'k', baseUrl: base, fetch: httpClientFetch(TestBed.inject(HttpClient), { passRedirect: true }) });
    const outcome = await firstValueFrom(client.getTask('cut')).then(
      (task) => task,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(AuiConnectionError);
  });

  it('resolves a 204 with no body', async () => {
    configureTestBed([provideHttpClient(withFetch())]);
    const response = await httpClientFetch(TestBed.inject(HttpClient))(`${base}/empty`);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('rejects at once for a signal already aborted, without a request', async () => {
    configureTestBed([provideHttpClient(withFetch())]);
    const controller = new AbortController();
    controller.abort();
    await expect(httpClientFetch(TestBed.inject(HttpClient))(`${base}/empty`, { signal: controller.signal })).rejects.toBeDefined();
    expect(seen).toEqual([]);
  });
});

describe('httpClientFetch over HttpClientTestingBackend (whole responses, no progress events)', () => {
  beforeEach(() => configureTestBed([provideHttpClient(), provideHttpClientTesting()]));

  it('passes method, headers and body; a flushed answer becomes the Response', async () => {
    const pending = httpClientFetch(TestBed.inject(HttpClient))('https://aui.example/api/v1/external/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"user_id":"u"}',
    });
    const request = TestBed.inject(HttpTestingController).expectOne('https://aui.example/api/v1/external/tasks');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toBe('{"user_id":"u"}');
    expect(request.request.headers.get('content-type')).toBe('application/json');
    expect(request.request.responseType).toBe('text');
    request.flush(JSON.stringify(TASK), { headers: { 'content-type': 'application/json' } });
    const response = await pending;
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text())).toEqual(TASK);
  });

  it('turns an error answer into a Response with its status and body', async () => {
    const pending = httpClientFetch(TestBed.inject(HttpClient))('https://aui.example/x');
    TestBed.inject(HttpTestingController).expectOne('https://aui.example/x').flush('{"detail":"nope"}', { status: 403, statusText: 'Forbidden' });
    const response = await pending;
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('{"detail":"nope"}');
  });

  it('rejects with the HttpErrorResponse when there was no HTTP answer (status 0)', async () => {
    const pending = httpClientFetch(TestBed.inject(HttpClient))('https://aui.example/x');
    TestBed.inject(HttpTestingController).expectOne('https://aui.example/x').error({ type: 'error' } as ProgressEvent);
    await expect(pending).rejects.toMatchObject({ name: 'HttpErrorResponse', status: 0 });
  });

  it('cancels the HttpClient request when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = httpClientFetch(TestBed.inject(HttpClient))('https://aui.example/x', { signal: controller.signal });
    const request = TestBed.inject(HttpTestingController).expectOne('https://aui.example/x');
    controller.abort();
    await expect(pending).rejects.toBeDefined();
    expect(request.cancelled).toBe(true);
  });
});

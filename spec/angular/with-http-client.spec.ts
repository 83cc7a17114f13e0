/**
 * withHttpClient() against FakeAuiServer on 127.0.0.1: the client's REST calls go through the
 * app's HttpClient (its interceptors see them), each is a pending task until its value has reached
 * the app (ApplicationRef.whenStable waits for it, as server-side rendering does), the transfer
 * cache answers a GET the server-side render already made, and replies still stream over the socket.
 */
// first: it loads the JIT compiler, which Angular's partially compiled packages need as they load
import { configureTestBed } from './helpers/test-bed';
import { provideHttpClient, withFetch, withInterceptors, ɵwithHttpTransferCache } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ApplicationRef, type Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { Task } from '../../lib/protocol/rest';
import { AUI_CLIENT, provideAuiClient } from '../../lib/angular/provide-aui-client';
import { withHttpClient } from '../../lib/angular/with-http-client';
import { FakeAuiServer, agentMessage, agentReplyText } from '../../lib/testing/index';

const global = globalThis as { ngServerMode?: boolean };

let server: FakeAuiServer;
const intercepted: string[] = [];

beforeAll(async () => {
  server = await FakeAuiServer.start();
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  server.reset();
  intercepted.length = 0;
});

afterEach(() => {
  delete global.ngServerMode;
});

/** The app's providers: HttpClient on fetch with one interceptor, the client with withHttpClient(). */
function provideApp(...extra: Provider[]): void {
  configureTestBed([
    provideHttpClient(
      withFetch(),
      withInterceptors([
        (req, next) => {
          intercepted.push(`${req.method} ${new URL(req.url).pathname}`);
          return next(req.clone({ setHeaders: { 'x-app-session': 'session-1' } }));
        },
      ]),
    ),
    ...extra,
    provideAuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl }, withHttpClient()),
  ]);
}

describe('withHttpClient', () => {
  it("sends REST calls through the app's HttpClient: the interceptor sees them and its header arrives", async () => {
    provideApp();
    const client = TestBed.inject(AUI_CLIENT);
    const task = await firstValueFrom(client.createTask({ user_id: 'user-1' }));
    await firstValueFrom(client.getTask(task.id));
    expect(intercepted).toEqual([`POST /api/ia-controller/api/v1/external/tasks`, `GET /api/ia-controller/api/v1/external/tasks/${task.id}`]);
    expect(server.requests.map((r) => r.headers['x-app-session'])).toEqual(['session-1', 'session-1']);
    expect(server.requests[0]?.headers['x-network-api-key']).toBe(server.apiKey);
  });

  it('keeps replies on the WebSocket (no HttpClient request for a turn)', async () => {
    provideApp();
    const client = TestBed.inject(AUI_CLIENT);
    const task = await firstValueFrom(client.createTask({ user_id: 'user-1' }));
    const events = await lastValueFrom(client.streamMessage({ task_id: task.id, text: 'a kettle' }).pipe(toArray()));
    expect(events.at(-1)).toMatchObject({ kind: 'final', message: { text: agentReplyText('a kettle') } });
    expect(intercepted).toHaveLength(1);
  });

  it('holds a pending task until the value has reached the app: whenStable() resolves after it', async () => {
    provideApp();
    const client = TestBed.inject(AUI_CLIENT);
    const task = await firstValueFrom(client.createTask({ user_id: 'user-1' }));
    server.failNextRequest({ method: 'GET', fault: { type: 'delay', ms: 30 } });
    let received: Task | undefined;
    client.getTask(task.id).subscribe((value) => (received = value));
    const appRef = TestBed.inject(ApplicationRef);
    expect(await firstValueFrom(appRef.isStable)).toBe(false);
    await appRef.whenStable();
    expect(received).toMatchObject({ id: task.id });
  });

  it('holds it across a long body read in many chunks (the value lands before whenStable resolves)', async () => {
    provideApp();
    const client = TestBed.inject(AUI_CLIENT);
    const task = await firstValueFrom(client.createTask({ user_id: 'user-1' }));
    for (let i = 0; i < 200; i++) {
      server.store.addMessage(task.id, agentMessage({ id: `m${i}`, text: `answer ${i} `.repeat(40), userId: 'user-1', shape: 'cards', createdAt: '2025-11-12T14:03:46.984000' }));
    }
    let received: unknown[] | undefined;
    client.getTaskMessages(task.id).subscribe((value) => (received = value));
    await TestBed.inject(ApplicationRef).whenStable();
    expect(received).toHaveLength(200);
  });

  it('lets the transfer cache answer in the browser a GET the server-side render made', async () => {
    provideApp();
    const task = await firstValueFrom(TestBed.inject(AUI_CLIENT).createTask({ user_id: 'user-1' }));
    TestBed.resetTestingModule();
    provideApp(...ɵwithHttpTransferCache({}));
    const client = TestBed.inject(AUI_CLIENT);
    global.ngServerMode = true; // the server render: the answer is stored in TransferState
    const rendered = await firstValueFrom(client.getTask(task.id));
    global.ngServerMode = false; // hydration in the browser: the same GET is answered from the cache
    const hydrated = await firstValueFrom(client.getTask(task.id));
    expect(hydrated).toEqual(rendered);
    expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it("hands redirect: 'manual' to HttpClient only on the fetch backend", () => {
    configureTestBed([provideHttpClient(), provideHttpClientTesting(), provideAuiClient({ apiKey: 'k', baseUrl: 'https://aui.example' }, withHttpClient())]);
    TestBed.inject(AUI_CLIENT).getTask('task-1').subscribe({ error: () => undefined });
    const request = TestBed.inject(HttpTestingController).expectOne('https://aui.example/api/v1/external/tasks/task-1');
    expect(request.request.redirect).toBeUndefined();
    expect(request.request.headers.get('x-network-api-key')).toBe('k');
    request.flush('{"detail":"Not Found"}', { status: 404, statusText: 'Not Found' });
  });

  it('an interceptor that sends the request to another origin does not take the key there: the call fails, nothing reaches that origin', async () => {
    configureTestBed([
      provideHttpClient(withInterceptors([(req, next) => next(req.clone({ url: req.url.replace('https://aui.example', 'https://elsewhere.example') }))])),
      provideHttpClientTesting(),
      provideAuiClient({ apiKey: 'secret-key-1', baseUrl: 'https://aui.example' }, withHttpClient()),
    ]);
    const outcome = firstValueFrom(TestBed.inject(AUI_CLIENT).getTask('task-1')).then(
      () => 'answered',
      (error: unknown) => error,
    );
    const sent = TestBed.inject(HttpTestingController).match(() => true);
    for (const request of sent) request.flush('{"id":"task-1"}', { status: 404, statusText: 'Not Found' });
    expect(sent.filter((r) => r.request.headers.has('x-network-api-key')).map((r) => r.request.url)).toEqual([]);
    expect(await outcome).toMatchObject({ name: 'AuiConnectionError', message: expect.stringContaining('another origin') });
  });

  it('an interceptor that throws: the call fails with an AuiConnectionError carrying its error, and nothing is sent', async () => {
    const broken = new Error('interceptor bug');
    configureTestBed([
      provideHttpClient(withInterceptors([() => { throw broken; }])),
      provideHttpClientTesting(),
      provideAuiClient({ apiKey: 'k', baseUrl: 'https://aui.example' }, withHttpClient()),
    ]);
    const outcome = await firstValueFrom(TestBed.inject(AUI_CLIENT).getTask('task-1')).then(
      () => 'answered',
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({ name: 'AuiConnectionError', cause: broken });
    TestBed.inject(HttpTestingController).verify();
  });
});

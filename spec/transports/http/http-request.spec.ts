import { asyncScheduler, lastValueFrom } from 'rxjs';
import {
  AuiConnectionError,
  AuiProtocolError,
  AuiTimeoutError,
  AuiValidationError,
} from '../../../lib/errors';
import { ApiKeyReader } from '../../../lib/internal/api-key';
import { TaskPageSchema, TaskSchema } from '../../../lib/protocol/rest';
import { API_KEY_HEADER, buildUrl, httpRequest, type HttpTransportConfig } from '../../../lib/transports/http/http-request';
import { FakeAuiServer } from '../../../lib/testing/fake-aui-server';
import { FakeFetch } from '../../../lib/testing/fake-fetch';
import { createTestScheduler } from '../../helpers/marble-scheduler';
import { TASK_G1 } from '../../helpers/fixtures';
import { errorOf, expectNoSecret, randomApiKey, startRecordingServer, waitFor, type RecordingServer } from '../../helpers/rest-helpers';

const TASKS = '/api/v1/external/tasks';

describe('buildUrl', () => {
  it('appends the path and defined query values', () => {
    expect(buildUrl('https://h.example/api/ia-controller', TASKS, { user_id: 'a b', page: 2, size: undefined, flag: true }).href).toBe(
      'https://h.example/api/ia-controller/api/v1/external/tasks?user_id=a+b&page=2&flag=true',
    );
  });
});

describe('httpRequest against FakeAuiServer', () => {
  let server: FakeAuiServer;
  let key: string;
  let config: HttpTransportConfig;

  beforeEach(async () => {
    key = randomApiKey();
    server = await FakeAuiServer.start({ apiKeys: [key] });
    config = { baseUrl: server.baseUrl, apiKey: new ApiKeyReader(key), fetch: undefined, scheduler: asyncScheduler, timeouts: { requestMs: 5000 }, limits: { maxBodyBytes: 16 * 1024 * 1024 } };
  });
  afterEach(async () => {
    await server.stop();
  });

  it('is cold and sends the key, accept, and content-type only with a body', async () => {
    const get$ = httpRequest(config, { method: 'GET', path: TASKS, query: { user_id: 'u1' }, schema: TaskPageSchema });
    expect(server.stats.restRequests).toBe(0);
    await expect(lastValueFrom(get$)).resolves.toEqual({ tasks: [], total: 0, page: 1, size: 10 });
    expect(server.requests[0]?.query.get('user_id')).toBe('u1');
    const post = await lastValueFrom(httpRequest(config, { method: 'POST', path: TASKS, body: { user_id: 'u1' }, schema: TaskSchema }));
    expect(post.user_id).toBe('u1');
    const [getReq, postReq] = server.requests;
    expect(getReq?.headers[API_KEY_HEADER]).toBe(key);
    expect(getReq?.headers['accept']).toBe('application/json');
    expect(getReq?.headers['content-type']).toBeUndefined();
    expect(postReq?.headers[API_KEY_HEADER]).toBe(key);
    expect(postReq?.headers['content-type']).toBe('application/json');
    expect(postReq?.body).toEqual({ user_id: 'u1' });
  });

  it('reads the key on every request', async () => {
    const other = randomApiKey();
    server.configure({ apiKeys: [key, other] });
    let calls = 0;
    const rotating: HttpTransportConfig = { ...config, apiKey: new ApiKeyReader(() => (++calls === 1 ? key : other)) };
    const request$ = httpRequest(rotating, { method: 'POST', path: TASKS, body: { user_id: 'u' }, schema: TaskSchema });
    await lastValueFrom(request$);
    await lastValueFrom(request$);
    expect(server.requests.map((r) => r.headers[API_KEY_HEADER])).toEqual([key, other]);
  });

  it('looks the global fetch up at request time', async () => {
    const fake = new FakeFetch().respondWith({ status: 200, body: TASK_G1 });
    const original = globalThis.fetch;
    const request$ = httpRequest(config, { method: 'GET', path: `${TASKS}/x`, schema: TaskSchema });
    globalThis.fetch = fake.fetch;
    try {
      await expect(lastValueFrom(request$)).resolves.toEqual(TASK_G1);
    } finally {
      globalThis.fetch = original;
    }
    expect(fake.calls[0]?.url).toBe(`${server.baseUrl}${TASKS}/x`);
    expect(fake.calls[0]?.redirect).toBe('manual');
  });

  it.each([
    ['throws', () => { throw new Error('vault down'); }, 'apiKey function threw; no request was sent'],
    ['returns an empty key', () => '  ', 'apiKey function returned no key; no request was sent'],
    ['returns a key with a newline', () => 'API_KEY_ABC\nX-Injected: 1', 'apiKey contains characters that are not allowed in an HTTP header; no request was sent'],
  ])('refuses an apiKey function that %s, without a request', async (_what, getApiKey, message) => {
    const fake = new FakeFetch().respondAlways({ status: 200, body: TASK_G1 });
    const error = await errorOf(httpRequest({ ...config, apiKey: new ApiKeyReader(getApiKey), fetch: fake.fetch }, { method: 'GET', path: TASKS, schema: TaskSchema }));
    expect(error).toBeInstanceOf(AuiValidationError);
    expect((error as Error).message).toBe(message);
    expect(fake.calls).toHaveLength(0);
  });

  it('aborts the request on unsubscribe: the server sees the connection close', async () => {
    server.failNextRequest({ fault: { type: 'stall' } });
    const events: string[] = [];
    const subscription = httpRequest(config, { method: 'GET', path: `${TASKS}/x`, schema: TaskSchema }).subscribe({
      next: () => events.push('next'),
      error: () => events.push('error'),
      complete: () => events.push('complete'),
    });
    await waitFor(() => server.stats.restRequests === 1, 'the request to arrive');
    expect(server.stats.abortedRequests).toBe(0);
    subscription.unsubscribe();
    await waitFor(() => server.stats.abortedRequests === 1, 'the server to see the abort');
    expect(events).toEqual([]);
  });

  it('maps a refused connection to AuiConnectionError', async () => {
    const closed = await FakeAuiServer.start();
    const baseUrl = closed.baseUrl;
    await closed.stop();
    const error = await errorOf(httpRequest({ ...config, baseUrl }, { method: 'GET', path: TASKS, schema: TaskSchema }));
    expect(error).toBeInstanceOf(AuiConnectionError);
    expect((error as Error).message).toMatch(/^Network error: fetch failed \(ECONNREFUSED\) \(GET \/api\/v1\/external\/tasks\)$/);
    expectNoSecret(error, key);
  });

  it('maps a connection reset mid-request to AuiConnectionError', async () => {
    server.failNextRequest({ fault: { type: 'reset' } });
    const error = await errorOf(httpRequest(config, { method: 'GET', path: `${TASKS}/x`, schema: TaskSchema, taskId: 'x' }));
    expect(error).toBeInstanceOf(AuiConnectionError);
    expect(error).toMatchObject({ taskId: 'x', retryable: true });
    expect(server.stats.abortedRequests).toBe(0); // the server closed it, not the client
  });

  it('maps a 2xx body that is not JSON to AuiProtocolError', async () => {
    server.failNextRequest({ fault: { type: 'raw', text: '{"id": "abc", ' } });
    const error = await errorOf(httpRequest(config, { method: 'GET', path: `${TASKS}/abc`, schema: TaskSchema }));
    expect(error).toBeInstanceOf(AuiProtocolError);
    expect(error).toMatchObject({ status: 200, body: '{"id": "abc", ' });
  });

  describe('redirects', () => {
    let other: RecordingServer;
    beforeEach(async () => {
      other = await startRecordingServer();
    });
    afterEach(async () => {
      await other.stop();
    });

    it.each([301, 302, 303, 307, 308])('refuses a %d to another origin, which never sees the key (or any request)', async (status) => {
      server.failNextRequest({ fault: { type: 'redirect', status, location: `${other.origin}/steal?x=1` } });
      const error = await errorOf(httpRequest(config, { method: 'POST', path: TASKS, body: { user_id: 'u' }, schema: TaskSchema }));
      expect(error).toBeInstanceOf(AuiConnectionError);
      expect(error).toMatchObject({ status });
      expect((error as Error).message).toBe(
        `HTTP ${status} redirect to another origin (${other.origin}) refused: the API key is never sent to another origin (POST /api/v1/external/tasks)`,
      );
      expectNoSecret(error, key);
      // Give a (wrongly) followed request time to land before asserting it never did.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(other.seen.filter((r) => r.headers[API_KEY_HEADER] !== undefined)).toEqual([]);
      expect(other.seen).toEqual([]);
    });

    it('follows a same-origin redirect, re-sending the key', async () => {
      const task = server.store.createTask('u1', key);
      server.failNextRequest({ path: '/tasks/moved', fault: { type: 'redirect', location: `${server.baseUrl}${TASKS}/${task.id}` } });
      const result = await lastValueFrom(httpRequest(config, { method: 'GET', path: `${TASKS}/moved`, schema: TaskSchema }));
      expect(result.id).toBe(task.id);
      expect(server.requests.map((r) => [r.path, r.headers[API_KEY_HEADER]])).toEqual([
        [`${TASKS}/moved`, key],
        [`${TASKS}/${task.id}`, key],
      ]);
    });

    it('gives up after too many same-origin redirects', async () => {
      server.failNextRequest({ fault: { type: 'redirect', location: `${server.baseUrl}${TASKS}/loop` }, times: 20 });
      const error = await errorOf(httpRequest(config, { method: 'GET', path: `${TASKS}/loop`, schema: TaskSchema }));
      expect(error).toBeInstanceOf(AuiConnectionError);
      expect((error as Error).message).toBe('HTTP 307 redirect refused: too many redirects (GET /api/v1/external/tasks/loop)');
      expect(server.stats.restRequests).toBe(6);
    });

    it('refuses an opaque (browser) redirect', async () => {
      const fake = new FakeFetch().respondWith({ type: 'opaqueredirect' });
      const error = await errorOf(httpRequest({ ...config, fetch: fake.fetch }, { method: 'GET', path: TASKS, schema: TaskSchema }));
      expect(error).toBeInstanceOf(AuiConnectionError);
      expect(fake.calls).toHaveLength(1);
    });
  });
});

describe('httpRequest in virtual time', () => {
  const key = 'API_KEY_01VIRTUALTIME0000';

  it('times out with AuiTimeoutError after requestMs and aborts the request', () => {
    const scheduler = createTestScheduler();
    const fake = new FakeFetch().respondWith({ stall: true });
    scheduler.run(({ expectObservable }) => {
      const config: HttpTransportConfig = { baseUrl: 'https://api.example', apiKey: new ApiKeyReader(key), fetch: fake.fetch, scheduler, timeouts: { requestMs: 1500 }, limits: { maxBodyBytes: 1024 } };
      const request$ = httpRequest(config, { method: 'GET', path: `${TASKS}/t1`, schema: TaskSchema, taskId: 't1' });
      expectObservable(request$).toBe(
        '1500ms #',
        undefined,
        expect.objectContaining({ kind: 'timeout', phase: 'request', taskId: 't1', message: 'No response within 1500 ms (GET /api/v1/external/tasks/t1)' }),
      );
    });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.aborted).toBe(true);
  });

  it('emits a response that arrives before the deadline, in virtual time', () => {
    const scheduler = createTestScheduler();
    const fake = new FakeFetch({ scheduler }).respondWith({ status: 200, body: TASK_G1, delayMs: 40 });
    scheduler.run(({ expectObservable }) => {
      const config: HttpTransportConfig = { baseUrl: 'https://api.example', apiKey: new ApiKeyReader(key), fetch: fake.fetch, scheduler, timeouts: { requestMs: 50 }, limits: { maxBodyBytes: 1024 } };
      expectObservable(httpRequest(config, { method: 'GET', path: `${TASKS}/t1`, schema: TaskSchema })).toBe('40ms (a|)', { a: TASK_G1 });
    });
    expect(fake.calls[0]?.aborted).toBe(false);
  });

  it('counts the deadline across a followed redirect', () => {
    const scheduler = createTestScheduler();
    const fake = new FakeFetch({ scheduler }).respondWith(
      { status: 307, headers: { location: `https://api.example${TASKS}/t2` }, delayMs: 30 },
      { status: 200, body: TASK_G1, delayMs: 30 },
    );
    scheduler.run(({ expectObservable }) => {
      const config: HttpTransportConfig = { baseUrl: 'https://api.example', apiKey: new ApiKeyReader(key), fetch: fake.fetch, scheduler, timeouts: { requestMs: 50 }, limits: { maxBodyBytes: 1024 } };
      expectObservable(httpRequest(config, { method: 'GET', path: `${TASKS}/t1`, schema: TaskSchema })).toBe(
        '50ms #',
        undefined,
        expect.any(AuiTimeoutError),
      );
    });
    expect(fake.calls.map((c) => [c.url, c.aborted, c.headers[API_KEY_HEADER]])).toEqual([
      [`https://api.example${TASKS}/t1`, false, key],
      [`https://api.example${TASKS}/t2`, true, key],
    ]);
  });
});

describe('httpRequest: no key, or a key function that returns a Promise', () => {
  const key = 'API_KEY_01PROMISEDKEY0000';
  const base = { baseUrl: 'https://api.example', scheduler: asyncScheduler, timeouts: { requestMs: 5000 }, limits: { maxBodyBytes: 1024 } };

  it('without a key: no x-network-api-key header (a relay adds it)', async () => {
    const fake = new FakeFetch().respondWith({ status: 200, body: TASK_G1 });
    await lastValueFrom(httpRequest({ ...base, apiKey: new ApiKeyReader(undefined), fetch: fake.fetch }, { method: 'GET', path: `${TASKS}/t1`, schema: TaskSchema }));
    expect(fake.calls[0]?.headers).toEqual({ accept: 'application/json' });
  });

  it('awaits the Promise, then sends its key (a followed redirect keeps it); the function is called once per request', async () => {
    let calls = 0;
    const fake = new FakeFetch().respondWith({ status: 307, headers: { location: `https://api.example${TASKS}/t2` } }, { status: 200, body: TASK_G1 });
    const apiKey = new ApiKeyReader(async () => `${key}${++calls}`);
    await expect(lastValueFrom(httpRequest({ ...base, apiKey, fetch: fake.fetch }, { method: 'GET', path: `${TASKS}/t1`, schema: TaskSchema }))).resolves.toEqual(TASK_G1);
    expect(calls).toBe(1);
    expect(fake.calls.map((c) => c.headers[API_KEY_HEADER])).toEqual([`${key}1`, `${key}1`]);
  });

  it('a rejection is one AuiValidationError and nothing is sent', async () => {
    const fake = new FakeFetch().respondAlways({ status: 200, body: TASK_G1 });
    const apiKey = new ApiKeyReader(() => Promise.reject(new Error('token endpoint down')));
    const error = await errorOf(httpRequest({ ...base, apiKey, fetch: fake.fetch }, { method: 'GET', path: `${TASKS}/t1`, schema: TaskSchema, taskId: 't1' }));
    expect(error).toBeInstanceOf(AuiValidationError);
    expect(error).toMatchObject({ message: 'apiKey function rejected; no request was sent', taskId: 't1', issues: [{ path: ['apiKey'], message: 'rejected' }] });
    expect(fake.calls).toHaveLength(0);
  });

  it('unsubscribed while the key is awaited: nothing is sent, even when the key comes later', async () => {
    let resolve!: (key: string) => void;
    const fake = new FakeFetch().respondAlways({ status: 200, body: TASK_G1 });
    const apiKey = new ApiKeyReader(() => new Promise<string>((r) => (resolve = r)));
    const events: string[] = [];
    const subscription = httpRequest({ ...base, apiKey, fetch: fake.fetch }, { method: 'GET', path: `${TASKS}/t1`, schema: TaskSchema }).subscribe({
      next: () => events.push('next'),
      error: () => events.push('error'),
      complete: () => events.push('complete'),
    });
    subscription.unsubscribe();
    resolve(key);
    await new Promise((r) => setImmediate(r));
    expect(fake.calls).toHaveLength(0);
    expect(events).toEqual([]);
  });

  it('a key that never comes: AuiTimeoutError at requestMs saying so (virtual time), nothing sent', () => {
    const scheduler = createTestScheduler();
    const fake = new FakeFetch().respondAlways({ status: 200, body: TASK_G1 });
    scheduler.run(({ expectObservable }) => {
      const apiKey = new ApiKeyReader(() => new Promise<string>(() => undefined));
      const request$ = httpRequest({ ...base, scheduler, timeouts: { requestMs: 800 }, apiKey, fetch: fake.fetch }, { method: 'GET', path: `${TASKS}/t1`, schema: TaskSchema, taskId: 't1' });
      expectObservable(request$).toBe(
        '800ms #',
        undefined,
        expect.objectContaining({ kind: 'timeout', phase: 'request', taskId: 't1', message: 'apiKey function did not return a key within 800 ms (timeouts.requestMs); no request was sent' }),
      );
    });
    expect(fake.calls).toHaveLength(0);
  });
});

import { asyncScheduler, lastValueFrom, take, tap, toArray, type Observable } from 'rxjs';
import {
  AuiApplicationError,
  AuiAuthenticationError,
  AuiClient,
  AuiProtocolError,
  AuiRateLimitError,
  AuiServerError,
  AuiTimeoutError,
  AuiValidationError,
  createAuiClient,
  isAuiError,
  type AuiError,
} from '../lib/index';
import { FakeAuiServer, FakeFetch, type RestFault } from '../lib/testing/index';
import * as F from './helpers/fixtures';
import { createTestScheduler } from './helpers/marble-scheduler';
import { errorOf, expectNoSecret, randomApiKey, waitFor } from './helpers/rest-helpers';

const EXT = '/api/v1/external';

describe('AuiClient (REST)', () => {
  let server: FakeAuiServer;
  let key: string;
  let client: AuiClient;

  beforeEach(async () => {
    key = randomApiKey();
    server = await FakeAuiServer.start({ apiKeys: [key] });
    client = new AuiClient({ apiKey: key, baseUrl: server.baseUrl });
  });
  afterEach(async () => {
    await server.stop();
  });

  /** Seeds `n` tasks for `user` (oldest first); the server lists them newest first. */
  function seed(user: string, n: number): string[] {
    return Array.from({ length: n }, (_, i) => server.store.createTask(user, key, { title: `Task ${i + 1}` }).id).reverse();
  }

  describe('construction', () => {
    it('throws AuiValidationError for bad options, synchronously', () => {
      expect(() => new AuiClient({ apiKey: '' })).toThrow(AuiValidationError);
      expect(() => new AuiClient({ apiKey: key, baseUrl: 'http://api.example.com' })).toThrow(/non-loopback/);
      expect(() => createAuiClient({ apiKey: key, baseUrl: 'not a url' })).toThrow(AuiValidationError);
    });

    it('exposes the scheduler its delays run on: the option, else asyncScheduler', () => {
      const scheduler = createTestScheduler();
      expect(new AuiClient({ apiKey: key, scheduler }).scheduler).toBe(scheduler);
      expect(new AuiClient({ apiKey: key }).scheduler).toBe(asyncScheduler);
    });

    it('createAuiClient builds an AuiClient', () => {
      expect(createAuiClient({ apiKey: key })).toBeInstanceOf(AuiClient);
    });

    it('sends nothing until subscribe (cold), and one request per subscription', async () => {
      const create$ = client.createTask({ user_id: 'u1' });
      client.listTasks({ user_id: 'u1' });
      client.getTask('x');
      client.sendMessage({ task_id: 'x', text: 'hi' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.stats.restRequests).toBe(0);
      const a = await lastValueFrom(create$);
      const b = await lastValueFrom(create$);
      expect(a.id).not.toBe(b.id);
      expect(server.stats.restRequests).toBe(2);
    });
  });

  describe('createTask', () => {
    it('POSTs the body with key and content-type, and parses the task', async () => {
      const task = await lastValueFrom(client.createTask({ user_id: 'user_123', task_origin_type: 'web-widget', agent: { agent_id: 'a1' } }));
      const [req] = server.requests;
      expect(req).toMatchObject({ method: 'POST', path: `${EXT}/tasks`, body: { user_id: 'user_123', task_origin_type: 'web-widget', agent: { agent_id: 'a1' } } });
      expect([...(req?.query.keys() ?? [])]).toEqual([]);
      expect(req?.headers['x-network-api-key']).toBe(key);
      expect(req?.headers['content-type']).toBe('application/json');
      expect(req?.headers['accept']).toBe('application/json');
      expect(task).toEqual(server.store.getTask(task.id));
      expect(task).toMatchObject({ user_id: 'user_123', title: 'New Conversation' });
    });
  });

  describe('listTasks', () => {
    it('GETs one page with user_id, page and size (defaults 1 and 10)', async () => {
      const ids = seed('u1', 12);
      const page = await lastValueFrom(client.listTasks({ user_id: 'u1' }));
      expect(page).toEqual({ tasks: ids.slice(0, 10).map((id) => server.store.getTask(id)), total: 12, page: 1, size: 10 });
      const second = await lastValueFrom(client.listTasks({ user_id: 'u1', page: 2, size: 5 }));
      expect(second.tasks.map((t) => t.id)).toEqual(ids.slice(5, 10));
      expect(server.requests.map((r) => [r.method, r.path, r.query.toString(), r.body])).toEqual([
        ['GET', `${EXT}/tasks`, 'user_id=u1&page=1&size=10', undefined],
        ['GET', `${EXT}/tasks`, 'user_id=u1&page=2&size=5', undefined],
      ]);
      expect(server.requests[0]?.headers['content-type']).toBeUndefined();
    });

    it('parses a page without `tasks` as an empty page', async () => {
      server.failNextRequest({ fault: { type: 'status', status: 200, body: F.TASK_PAGE_WITHOUT_TASKS } });
      await expect(lastValueFrom(client.listTasks({ user_id: 'u1' }))).resolves.toEqual({ tasks: [], total: 0, page: 1, size: 10 });
    });
  });

  describe('listAllTasks', () => {
    const pagesRequested = (): string[] => server.requests.map((r) => `${r.query.get('page')}/${r.query.get('size')}`);

    it('walks every page in order and stops at total', async () => {
      const ids = seed('u1', 7);
      const all = await lastValueFrom(client.listAllTasks({ user_id: 'u1', size: 3 }).pipe(toArray()));
      expect(all.map((t) => t.id)).toEqual(ids);
      expect(pagesRequested()).toEqual(['1/3', '2/3', '3/3']);
    });

    it('does not ask for a page past total when the last page is full', async () => {
      seed('u1', 6);
      await lastValueFrom(client.listAllTasks({ user_id: 'u1', size: 3 }).pipe(toArray()));
      expect(pagesRequested()).toEqual(['1/3', '2/3']);
    });

    it('uses the default size 10', async () => {
      seed('u1', 11);
      expect(await lastValueFrom(client.listAllTasks({ user_id: 'u1' }).pipe(toArray()))).toHaveLength(11);
      expect(pagesRequested()).toEqual(['1/10', '2/10']);
    });

    it('is lazy: take(3) on a 3-page listing of size 3 makes one request', async () => {
      const ids = seed('u1', 9);
      const first = await lastValueFrom(client.listAllTasks({ user_id: 'u1', size: 3 }).pipe(take(3), toArray()));
      expect(first.map((t) => t.id)).toEqual(ids.slice(0, 3));
      expect(pagesRequested()).toEqual(['1/3']);
    });

    it('is lazy with size 1: take(1) makes one request, take(3) three, never a fourth', async () => {
      seed('u1', 5);
      await lastValueFrom(client.listAllTasks({ user_id: 'u1', size: 1 }).pipe(take(1)));
      expect(pagesRequested()).toEqual(['1/1']);
      server.requests.length = 0;
      await lastValueFrom(client.listAllTasks({ user_id: 'u1', size: 1 }).pipe(take(3), toArray()));
      expect(pagesRequested()).toEqual(['1/1', '2/1', '3/1']);
    });

    it('completes after one request when the user has no tasks', async () => {
      await expect(lastValueFrom(client.listAllTasks({ user_id: 'nobody' }).pipe(toArray()))).resolves.toEqual([]);
      expect(pagesRequested()).toEqual(['1/10']);
    });

    it('stops at an empty page even when total says there is more', async () => {
      seed('u1', 6);
      const liar = { tasks: [], total: 1000, page: 2, size: 3 };
      let scripted = false;
      const all = await lastValueFrom(
        client.listAllTasks({ user_id: 'u1', size: 3 }).pipe(
          // page 2 is requested only once page 1 is consumed, so the fault can be scripted here
          tap(() => {
            if (!scripted) server.failNextRequest({ fault: { type: 'status', status: 200, body: liar } });
            scripted = true;
          }),
          toArray(),
        ),
      );
      expect(all).toHaveLength(3);
      expect(pagesRequested()).toEqual(['1/3', '2/3']);
    });

    it('survives a short page: goes on while total says there is more', async () => {
      const ids = seed('u1', 5);
      const short = { tasks: [server.store.getTask(ids[0] ?? '')], total: 5, page: 1, size: 3 };
      server.failNextRequest({ fault: { type: 'status', status: 200, body: short } });
      const all = await lastValueFrom(client.listAllTasks({ user_id: 'u1', size: 3 }).pipe(toArray()));
      expect(all.map((t) => t.id)).toEqual([ids[0], ids[3], ids[4]]);
      expect(pagesRequested()).toEqual(['1/3', '2/3']);
    });

    it('follows a server that caps the page size (and echoes the smaller size)', async () => {
      const ids = seed('u1', 5);
      const tasks = ids.map((id) => server.store.getTask(id));
      for (const page of [1, 2, 3]) {
        const body = { tasks: tasks.slice((page - 1) * 2, page * 2), total: 5, page, size: 2 };
        server.failNextRequest({ fault: { type: 'status', status: 200, body } });
      }
      const all = await lastValueFrom(client.listAllTasks({ user_id: 'u1', size: 50 }).pipe(toArray()));
      expect(all.map((t) => t.id)).toEqual(ids);
      expect(pagesRequested()).toEqual(['1/50', '2/50', '3/50']);
    });

    it('stops at a page without `tasks`', async () => {
      server.failNextRequest({ fault: { type: 'status', status: 200, body: { total: 40, page: 1, size: 10 } } });
      await expect(lastValueFrom(client.listAllTasks({ user_id: 'u1' }).pipe(toArray()))).resolves.toEqual([]);
      expect(pagesRequested()).toEqual(['1/10']);
    });

    it('emits the tasks of earlier pages, then the error of a failing page', async () => {
      seed('u1', 4);
      const seen: string[] = [];
      const error = await errorOf(
        client.listAllTasks({ user_id: 'u1', size: 2 }).pipe(
          tap((t) => {
            seen.push(t.id);
            if (seen.length === 1) server.failNextRequest({ fault: { type: 'status', status: 500, body: F.ERROR_500 } });
          }),
        ),
      );
      expect(seen).toHaveLength(2);
      expect(error).toBeInstanceOf(AuiServerError);
    });
  });

  describe('getTask', () => {
    it('GETs the task by id', async () => {
      const created = server.store.createTask('u1', key);
      await expect(lastValueFrom(client.getTask(created.id))).resolves.toEqual(created);
      expect(server.requests[0]).toMatchObject({ method: 'GET', path: `${EXT}/tasks/${created.id}` });
    });

    it('URL-encodes the id', async () => {
      const error = await errorOf(client.getTask('a/b c?d'));
      expect(server.requests[0]?.path).toBe(`${EXT}/tasks/a%2Fb%20c%3Fd`);
      expect(error).toBeInstanceOf(AuiApplicationError);
      expect(error).toMatchObject({ status: 404, taskId: 'a/b c?d', body: { detail: 'Task not found' } });
      expect((error as Error).message).toBe('HTTP 404 Not Found: Task not found (GET /api/v1/external/tasks/a%2Fb%20c%3Fd)');
    });

    it('gives AuiAuthenticationError (403) for a task of another network', async () => {
      const other = randomApiKey();
      server.configure({ apiKeys: [key, other] });
      const foreign = server.store.createTask('u1', other);
      const error = await errorOf(client.getTask(foreign.id));
      expect(error).toBeInstanceOf(AuiAuthenticationError);
      expect(error).toMatchObject({ status: 403, taskId: foreign.id, body: F.ERROR_403_FORBIDDEN });
      expectNoSecret(error, key);
      expectNoSecret(error, other);
    });
  });

  describe('sendMessage and getTaskMessages', () => {
    it('POSTs the message with is_external_api=true and parses the agent reply (cards)', async () => {
      const task = server.store.createTask('u1', key);
      const reply = await lastValueFrom(client.sendMessage({ ...F.SEND_MESSAGE_REQUEST, task_id: task.id }));
      const [req] = server.requests;
      expect(req).toMatchObject({ method: 'POST', path: `${EXT}/message`, body: { ...F.SEND_MESSAGE_REQUEST, task_id: task.id } });
      expect(req?.query.toString()).toBe('is_external_api=true');
      expect(req?.headers['content-type']).toBe('application/json');
      expect(req?.headers['x-network-api-key']).toBe(key);
      // email: null (FastAPI's "unset") reads as absent.
      expect(reply.sender).toStrictEqual({ id: 'intelligent-agent', type: 'agent' });
      expect(reply.text).toContain('built-in microwaves');
      expect(reply.cards?.map((c) => c.id)).toEqual(['prod_gmbs3068bf', 'prod_em044kb19']);
      expect(reply.followup_suggestions?.length).toBeGreaterThan(0);
      expect(reply.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('parses the legacy reply shape (options, G0 created_at)', async () => {
      server.configure({ replyShape: 'legacy' });
      const task = server.store.createTask('u1', key);
      const reply = await lastValueFrom(client.sendMessage({ task_id: task.id, text: 'microwave' }));
      expect(reply.cards).toBeUndefined();
      expect(reply.options?.[0]?.widget_parameters[0]).toEqual({ title: 'Product name', value: expect.stringContaining('Frigidaire'), type: 'string' });
      expect(reply.variants_options).toEqual([]);
      expect(reply.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    });

    it('getTaskMessages returns the history: user message then agent reply', async () => {
      const task = server.store.createTask('u1', key);
      const reply = await lastValueFrom(client.sendMessage({ task_id: task.id, text: 'a quiet dishwasher' }));
      const history = await lastValueFrom(client.getTaskMessages(task.id));
      expect(history.map((m) => [m.sender.type, m.text])).toEqual([
        ['user', 'a quiet dishwasher'],
        ['agent', reply.text],
      ]);
      expect(history[1]).toEqual(reply);
      expect(server.requests[1]).toMatchObject({ method: 'GET', path: `${EXT}/tasks/${task.id}/messages`, body: undefined });
    });

    it('aborts on unsubscribe: the server sees the client go away', async () => {
      const task = server.store.createTask('u1', key);
      server.failNextRequest({ path: '/message', fault: { type: 'stall' } });
      const subscription = client.sendMessage({ task_id: task.id, text: 'hello' }).subscribe();
      await waitFor(() => server.stats.restRequests === 1, 'the request to arrive');
      subscription.unsubscribe();
      await waitFor(() => server.stats.abortedRequests === 1, 'the server to see the abort');
      expect(server.store.messages.get(task.id)).toEqual([]);
    });
  });

  describe('argument validation', () => {
    const cases: Array<[string, (c: AuiClient) => Observable<unknown>, string, string | undefined]> = [
      ['createTask without user_id', (c) => c.createTask({} as never), 'Invalid arguments for createTask: user_id: ', undefined],
      ['createTask with blank user_id', (c) => c.createTask({ user_id: '  ' }), 'Invalid arguments for createTask: user_id: must be a non-empty string', undefined],
      ['listTasks with page 0', (c) => c.listTasks({ user_id: 'u', page: 0 }), 'Invalid arguments for listTasks: page: ', undefined],
      ['listTasks with fractional size', (c) => c.listTasks({ user_id: 'u', size: 1.5 }), 'Invalid arguments for listTasks: size: ', undefined],
      ['listAllTasks without user_id', (c) => c.listAllTasks({ size: 2 } as never), 'Invalid arguments for listAllTasks: user_id: ', undefined],
      ['getTask with empty id', (c) => c.getTask(''), 'Invalid arguments for getTask: must be a non-empty string', undefined],
      ['getTaskMessages with undefined', (c) => c.getTaskMessages(undefined as never), 'Invalid arguments for getTaskMessages: ', undefined],
      ['sendMessage with empty text', (c) => c.sendMessage({ task_id: 't1', text: ' \n ' }), 'Invalid arguments for sendMessage: text: must not be empty', 't1'],
      ['sendMessage without task_id', (c) => c.sendMessage({ text: 'hi' } as never), 'Invalid arguments for sendMessage: task_id: ', undefined],
      ['sendMessage with null', (c) => c.sendMessage(null as never), 'Invalid arguments for sendMessage: ', undefined],
    ];

    it.each(cases)('%s → AuiValidationError notification, no request', async (_name, call, prefix, taskId) => {
      let source: Observable<unknown> | undefined;
      expect(() => (source = call(client))).not.toThrow();
      const error = (await errorOf(source as Observable<unknown>)) as AuiError;
      expect(error).toBeInstanceOf(AuiValidationError);
      expect(error.message.startsWith(prefix)).toBe(true);
      expect(error.message.endsWith('; no request was sent')).toBe(true);
      expect(error.issues?.length).toBeGreaterThan(0);
      expect(error.taskId).toBe(taskId);
      expect(server.stats.restRequests).toBe(0);
    });
  });

  describe('error bodies from the server', () => {
    type Row = [string, RestFault, (c: AuiClient, taskId: string) => Observable<unknown>, new (...a: never[]) => AuiError, Partial<AuiError>, string];
    const rows: Row[] = [
      ['401 detail', { type: 'status', status: 401, body: F.ERROR_401_DETAIL }, (c) => c.listTasks({ user_id: 'u' }), AuiAuthenticationError,
        { status: 401, body: F.ERROR_401_DETAIL }, 'HTTP 401 Unauthorized: Not authenticated (GET /api/v1/external/tasks)'],
      ['401 {status_code, errors}', { type: 'status', status: 401, body: F.ERROR_401_ERRORS }, (c) => c.createTask({ user_id: 'u' }), AuiAuthenticationError,
        { status: 401, body: F.ERROR_401_ERRORS }, 'HTTP 401 Unauthorized: Unauthorized (POST /api/v1/external/tasks)'],
      ['403 Forbidden', { type: 'status', status: 403, body: F.ERROR_403_FORBIDDEN }, (c, t) => c.getTask(t), AuiAuthenticationError,
        { status: 403, body: F.ERROR_403_FORBIDDEN }, 'HTTP 403 Forbidden: Forbidden (GET /api/v1/external/tasks/TASK)'],
      ['422 detail[]', { type: 'status', status: 422, body: F.ERROR_422_DETAIL }, (c, t) => c.sendMessage({ task_id: t, text: 'x' }), AuiValidationError,
        { status: 422, body: F.ERROR_422_DETAIL, issues: [{ path: ['body', 'task_id'], message: 'field required', code: 'value_error.missing' }] },
        'HTTP 422 Unprocessable Entity: body.task_id: field required (POST /api/v1/external/message)'],
      ['422 errors[]', { type: 'status', status: 422, body: F.ERROR_422_ERRORS }, (c) => c.listTasks({ user_id: 'u' }), AuiValidationError,
        { status: 422, body: F.ERROR_422_ERRORS }, 'HTTP 422 Unprocessable Entity: query.user_id: field required; query.size.0: value is not a valid integer (GET /api/v1/external/tasks)'],
      ['400 moderation', { type: 'status', status: 400, body: F.ERROR_400_MODERATION }, (c, t) => c.sendMessage({ task_id: t, text: 'x' }), AuiApplicationError,
        { status: 400, body: F.ERROR_400_MODERATION },
        'HTTP 400 Bad Request: Content moderation triggered: The message was flagged by content moderation. (POST /api/v1/external/message)'],
      ['500 body', { type: 'status', status: 500, body: F.ERROR_500 }, (c, t) => c.getTaskMessages(t), AuiServerError,
        { status: 500, body: F.ERROR_500, retryable: true },
        'HTTP 500 Internal Server Error: Internal server error: An unexpected error occurred. (GET /api/v1/external/tasks/TASK/messages)'],
      ['502 HTML', { type: 'status', status: 502, body: F.ERROR_502_HTML }, (c) => c.listTasks({ user_id: 'u' }), AuiServerError,
        { status: 502, body: F.ERROR_502_HTML }, 'HTTP 502 Bad Gateway (GET /api/v1/external/tasks)'],
      ['503 empty', { type: 'status', status: 503 }, (c) => c.listTasks({ user_id: 'u' }), AuiServerError,
        { status: 503, body: '' }, 'HTTP 503 Service Unavailable (GET /api/v1/external/tasks)'],
      ['429 Retry-After', { type: 'status', status: 429, body: { detail: 'Too many requests' }, headers: { 'retry-after': '3' } },
        (c) => c.createTask({ user_id: 'u' }), AuiRateLimitError, { status: 429, retryAfterMs: 3000, retryable: true },
        'HTTP 429 Too Many Requests: Too many requests (POST /api/v1/external/tasks)'],
      ['2xx not JSON', { type: 'raw', text: '<html>maintenance</html>', contentType: 'text/html' }, (c, t) => c.getTask(t), AuiProtocolError,
        { status: 200, body: '<html>maintenance</html>' }, 'HTTP 200 OK: response body is not JSON (GET /api/v1/external/tasks/TASK)'],
      ['2xx off-schema', { type: 'status', status: 200, body: { id: 'x', text: 'no sender' } }, (c, t) => c.sendMessage({ task_id: t, text: 'x' }), AuiProtocolError,
        { status: 200 }, 'HTTP 200 OK: unexpected response body, created_at: Invalid input: expected string, received undefined (POST /api/v1/external/message)'],
    ];

    it.each(rows)('%s → right class, fields and message, and never the key', async (_name, fault, call, Class, fields, message) => {
      const task = server.store.createTask('u1', key);
      server.failNextRequest({ fault });
      const error = (await errorOf(call(client, task.id))) as AuiError;
      expect(error).toBeInstanceOf(Class);
      expect(isAuiError(error)).toBe(true);
      expect(error).toMatchObject(fields);
      expect(error.message).toBe(message.replace('TASK', task.id));
      if (message.includes('TASK') || message.includes('/message)')) expect(error.taskId).toBe(task.id);
      expectNoSecret(error, key);
    });

    it('a wrong key gives the real 401 from the server, without the key in the error', async () => {
      const wrong = randomApiKey();
      const error = await errorOf(new AuiClient({ apiKey: wrong, baseUrl: server.baseUrl }).listTasks({ user_id: 'u' }));
      expect(error).toBeInstanceOf(AuiAuthenticationError);
      expect(error).toMatchObject({ status: 401, body: F.ERROR_401_DETAIL, retryable: false });
      expect(server.requests[0]?.headers['x-network-api-key']).toBe(wrong);
      expectNoSecret(error, wrong);
      expectNoSecret(error, key);
    });
  });
});

describe('AuiClient (REST) in virtual time', () => {
  const key = 'API_KEY_01MARBLE000000000000';

  it('a REST call answered after 30 ms emits once at 30 ms and completes', () => {
    const scheduler = createTestScheduler();
    const fake = new FakeFetch({ scheduler }).respondWith({ status: 200, body: F.TASK_G1, delayMs: 30 });
    scheduler.run(({ expectObservable }) => {
      const client = new AuiClient({ apiKey: key, baseUrl: 'https://api.example/api/ia-controller', fetch: fake.fetch, scheduler });
      expectObservable(client.getTask(F.TASK_G1.id)).toBe('30ms (a|)', { a: F.TASK_G1 });
    });
    expect(fake.calls[0]?.url).toBe(`https://api.example/api/ia-controller/api/v1/external/tasks/${F.TASK_G1.id}`);
  });

  it('times out after timeouts.requestMs with AuiTimeoutError and aborts the request', () => {
    const scheduler = createTestScheduler();
    const fake = new FakeFetch({ scheduler }).respondWith({ stall: true });
    scheduler.run(({ expectObservable }) => {
      const client = new AuiClient({ apiKey: key, fetch: fake.fetch, scheduler, timeouts: { requestMs: 2000 } });
      expectObservable(client.sendMessage({ task_id: 't1', text: 'hi' })).toBe(
        '2s #',
        undefined,
        expect.objectContaining({ constructor: AuiTimeoutError, phase: 'request', taskId: 't1', message: 'No response within 2000 ms (POST /api/v1/external/message)' }),
      );
    });
    expect(fake.calls[0]?.aborted).toBe(true);
    expect(fake.calls[0]?.json).toEqual({ task_id: 't1', text: 'hi' });
  });

  it('listAllTasks pages in virtual time, one request after the other', () => {
    const scheduler = createTestScheduler();
    const fake = new FakeFetch({ scheduler }).respondWith(
      { status: 200, body: { tasks: [F.TASK_G0, F.TASK_G1], total: 3, page: 1, size: 2 }, delayMs: 10 },
      { status: 200, body: { tasks: [F.TASK_NULL_OPTIONALS], total: 3, page: 2, size: 2 }, delayMs: 10 },
    );
    scheduler.run(({ expectObservable }) => {
      const client = new AuiClient({ apiKey: key, fetch: fake.fetch, scheduler });
      expectObservable(client.listAllTasks({ user_id: 'u', size: 2 })).toBe('10ms (ab) 6ms (c|)', {
        a: F.TASK_G0,
        b: F.TASK_G1,
        // welcome_message / followup_suggestions null read as absent.
        c: { id: F.TASK_NULL_OPTIONALS.id, user_id: F.TASK_NULL_OPTIONALS.user_id, title: F.TASK_NULL_OPTIONALS.title },
      });
    });
    expect(fake.calls.map((c) => new URL(c.url).searchParams.toString())).toEqual(['user_id=u&page=1&size=2', 'user_id=u&page=2&size=2']);
  });
});

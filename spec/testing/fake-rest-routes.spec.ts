import { FakeAuiServer, FAKE_API_KEY, FORBIDDEN_BODY, NOT_AUTHENTICATED_BODY } from '../../lib/testing/index';
import { AgentMessageListSchema, AgentMessageSchema, TaskPageSchema, TaskSchema } from '../../lib/protocol/rest';
import { waitFor } from '../helpers/rest-helpers';

const EXT = '/api/v1/external';

describe('FakeAuiServer REST routes', () => {
  let server: FakeAuiServer;
  beforeEach(async () => {
    server = await FakeAuiServer.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; key?: string | null; raw?: string; redirect?: RequestRedirect } = {},
  ): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
    const headers: Record<string, string> = {};
    if (options.key !== null) headers['x-network-api-key'] = options.key ?? FAKE_API_KEY;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${server.baseUrl}${path}`, { method, headers, redirect: options.redirect ?? 'manual', ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep text
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  describe('authentication', () => {
    it.each([
      ['no key', null],
      ['a wrong key', 'API_KEY_WRONG'],
    ])('answers 401 {"detail":"Not authenticated"} for %s, on every endpoint', async (_what, key) => {
      for (const [method, path] of [['GET', `${EXT}/tasks?user_id=u`], ['POST', `${EXT}/tasks`], ['GET', `${EXT}/tasks/x`], ['POST', `${EXT}/message`]] as const) {
        const response = await call(method, path, { key, body: method === 'POST' ? {} : undefined });
        expect([method, path, response.status, response.body]).toEqual([method, path, 401, NOT_AUTHENTICATED_BODY]);
      }
    });

    it('serves the G0 401 variant when scripted', async () => {
      server.failNextRequest({ fault: { type: 'status', status: 401, body: { status_code: 401, errors: ['Unauthorized'] } } });
      expect(await call('GET', `${EXT}/tasks?user_id=u`)).toMatchObject({ status: 401, body: { status_code: 401, errors: ['Unauthorized'] } });
    });

    it('answers 403 for a task of another network, on the task, its messages and send-message', async () => {
      server.configure({ apiKeys: [FAKE_API_KEY, 'API_KEY_OTHER'] });
      const foreign = server.store.createTask('u', 'API_KEY_OTHER');
      expect(await call('GET', `${EXT}/tasks/${foreign.id}`)).toMatchObject({ status: 403, body: FORBIDDEN_BODY });
      expect(await call('GET', `${EXT}/tasks/${foreign.id}/messages`)).toMatchObject({ status: 403, body: FORBIDDEN_BODY });
      expect(await call('POST', `${EXT}/message`, { body: { task_id: foreign.id, text: 'hi' } })).toMatchObject({ status: 403 });
      expect(await call('GET', `${EXT}/tasks/${foreign.id}`, { key: 'API_KEY_OTHER' })).toMatchObject({ status: 200 });
      expect(server.store.messages.get(foreign.id)).toEqual([]);
    });
  });

  describe('tasks', () => {
    it('creates a task owned by the caller', async () => {
      const response = await call('POST', `${EXT}/tasks`, { body: { user_id: 'user_123', task_origin_type: 'web-widget' } });
      expect(response.status).toBe(200);
      const task = TaskSchema.parse(response.body);
      expect(task).toMatchObject({ user_id: 'user_123', title: 'New Conversation' });
      expect(task.id).toMatch(/^[0-9a-f]{24}$/);
      expect(server.store.owners.get(task.id)).toBe(FAKE_API_KEY);
    });

    it.each([
      ['no body', undefined, undefined, [{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }]],
      ['invalid JSON', undefined, '{"user_id":', [{ loc: ['body', 0], msg: 'JSON decode error', type: 'value_error.jsondecode' }]],
      ['an array', [], undefined, [{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]],
      ['no user_id', { title: 'x' }, undefined, [{ loc: ['body', 'user_id'], msg: 'field required', type: 'value_error.missing' }]],
      ['a numeric user_id', { user_id: 5 }, undefined, [{ loc: ['body', 'user_id'], msg: 'str type expected', type: 'type_error.str' }]],
    ])('answers 422 detail[] for %s', async (_what, body, raw, detail) => {
      const response = await call('POST', `${EXT}/tasks`, { body, ...(raw === undefined ? {} : { raw }) });
      expect(response).toMatchObject({ status: 422, body: { detail } });
      expect(server.store.tasks).toEqual([]);
    });

    it('pages a user\'s tasks, newest first, 1-based, default size 10', async () => {
      const ids = Array.from({ length: 12 }, () => server.store.createTask('u', FAKE_API_KEY).id).reverse();
      server.store.createTask('someone-else', FAKE_API_KEY);
      const first = TaskPageSchema.parse((await call('GET', `${EXT}/tasks?user_id=u`)).body);
      expect(first).toMatchObject({ total: 12, page: 1, size: 10 });
      expect(first.tasks.map((t) => t.id)).toEqual(ids.slice(0, 10));
      const last = TaskPageSchema.parse((await call('GET', `${EXT}/tasks?user_id=u&page=3&size=5`)).body);
      expect(last.tasks.map((t) => t.id)).toEqual(ids.slice(10));
      expect(await call('GET', `${EXT}/tasks?user_id=u&page=9&size=5`)).toMatchObject({ status: 200, body: { tasks: [], total: 12, page: 9, size: 5 } });
    });

    it('lists only the caller network\'s tasks', async () => {
      server.configure({ apiKeys: [FAKE_API_KEY, 'API_KEY_OTHER'] });
      server.store.createTask('u', 'API_KEY_OTHER');
      expect(await call('GET', `${EXT}/tasks?user_id=u`)).toMatchObject({ body: { tasks: [], total: 0 } });
    });

    it.each([
      ['', [{ loc: ['query', 'user_id'], msg: 'field required', type: 'value_error.missing' }]],
      ['?user_id=u&page=0', [{ loc: ['query', 'page'], msg: 'ensure this value is greater than or equal to 1', type: 'value_error.number.not_ge' }]],
      ['?user_id=u&size=ten', [{ loc: ['query', 'size'], msg: 'value is not a valid integer', type: 'type_error.integer' }]],
    ])('answers 422 for query %j', async (query, detail) => {
      expect(await call('GET', `${EXT}/tasks${query}`)).toMatchObject({ status: 422, body: { detail } });
    });

    it('gets one task (URL-decoded id) and 404s an unknown one', async () => {
      const task = server.store.createTask('u', FAKE_API_KEY);
      expect(await call('GET', `${EXT}/tasks/${encodeURIComponent(task.id)}`)).toMatchObject({ status: 200, body: task });
      expect(await call('GET', `${EXT}/tasks/nope%2Fnope`)).toMatchObject({ status: 404, body: { detail: 'Task not found' } });
      expect(server.requests.at(-1)?.path).toBe(`${EXT}/tasks/nope%2Fnope`);
    });

    it('answers 405 for an unsupported method and 404 for an unknown path', async () => {
      const response = await call('DELETE', `${EXT}/tasks`);
      expect(response).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } });
      expect(response.headers.get('allow')).toBe('GET, POST');
      expect(await call('GET', `${EXT}/nothing`)).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    });
  });

  describe('messages', () => {
    it('answers send-message with the canned agent and stores both messages', async () => {
      const task = server.store.createTask('u', FAKE_API_KEY);
      const response = await call('POST', `${EXT}/message?is_external_api=true`, { body: { task_id: task.id, text: 'a 20 L microwave', context: { url: 'https://shop.example' } } });
      expect(response.status).toBe(200);
      const reply = AgentMessageSchema.parse(response.body);
      expect(reply.text).toContain('a 20 L microwave');
      expect(reply.cards).toHaveLength(2);
      const history = AgentMessageListSchema.parse((await call('GET', `${EXT}/tasks/${task.id}/messages`)).body);
      expect(history).toHaveLength(2);
      expect(history[0]).toMatchObject({ text: 'a 20 L microwave', sender: { id: 'u', type: 'user' }, receiver: { type: 'agent' }, cards: [] });
      expect(history[1]).toEqual(reply);
      expect(server.requests[0]?.query.get('is_external_api')).toBe('true');
    });

    it('uses the legacy shape and the G0 timestamp when configured', async () => {
      server.configure({ replyShape: 'legacy' });
      const task = server.store.createTask('u', FAKE_API_KEY);
      const reply = AgentMessageSchema.parse((await call('POST', `${EXT}/message`, { body: { task_id: task.id, text: 'x' } })).body);
      expect(reply.options).toHaveLength(2);
      expect(reply.variants_options).toEqual([]);
      expect(reply.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
      expect(server.store.messages.get(task.id)?.[0]).toMatchObject({ options: [], variants_options: [] });
    });

    it('answers 422 for missing fields and a bad context, 404 for an unknown task', async () => {
      expect(await call('POST', `${EXT}/message`, { body: { context: [] } })).toMatchObject({
        status: 422,
        body: {
          detail: [
            { loc: ['body', 'task_id'], msg: 'field required', type: 'value_error.missing' },
            { loc: ['body', 'text'], msg: 'field required', type: 'value_error.missing' },
            { loc: ['body', 'context'], msg: 'value is not a valid dict', type: 'type_error.dict' },
          ],
        },
      });
      expect(await call('POST', `${EXT}/message`, { body: { task_id: 'nope', text: 'x' } })).toMatchObject({ status: 404 });
      expect(await call('GET', `${EXT}/message`)).toMatchObject({ status: 405 });
    });
  });

  describe('recording and stats', () => {
    it('records method, path, query, headers and body of every request, and counts them', async () => {
      await call('POST', `${EXT}/tasks?x=1`, { body: { user_id: 'u' } });
      await call('GET', `${EXT}/tasks?user_id=u`, { key: null });
      expect(server.stats.restRequests).toBe(2);
      expect(server.requests.map((r) => [r.method, r.path, r.query.toString(), r.body, r.headers['x-network-api-key']])).toEqual([
        ['POST', `${EXT}/tasks`, 'x=1', { user_id: 'u' }, FAKE_API_KEY],
        ['GET', `${EXT}/tasks`, 'user_id=u', undefined, undefined],
      ]);
      expect(server.stats.abortedRequests).toBe(0);
    });

    it('reset() forgets requests, counters, faults and the store', async () => {
      server.store.createTask('u', FAKE_API_KEY);
      server.failNextRequest({ fault: { type: 'status', status: 500 } });
      await call('GET', `${EXT}/tasks?user_id=u`);
      server.failNextRequest({ fault: { type: 'status', status: 500 } });
      server.reset();
      expect(await call('GET', `${EXT}/tasks?user_id=u`)).toMatchObject({ status: 200, body: { total: 0 } });
      expect(server.stats.restRequests).toBe(1);
    });
  });

  describe('scripted faults', () => {
    it('status: any status, body, content type and headers', async () => {
      server.failNextRequest({ fault: { type: 'status', status: 429, body: { detail: 'slow down' }, headers: { 'retry-after': '2' } } });
      server.failNextRequest({ fault: { type: 'status', status: 502, body: '<h1>Bad Gateway</h1>' } });
      server.failNextRequest({ fault: { type: 'status', status: 500, body: 'plain', contentType: 'text/plain' } });
      const limited = await call('GET', `${EXT}/tasks?user_id=u`);
      expect(limited).toMatchObject({ status: 429, body: { detail: 'slow down' } });
      expect(limited.headers.get('retry-after')).toBe('2');
      const html = await call('GET', `${EXT}/tasks?user_id=u`);
      expect([html.status, html.text, html.headers.get('content-type')]).toEqual([502, '<h1>Bad Gateway</h1>', 'text/html; charset=utf-8']);
      const plain = await call('GET', `${EXT}/tasks?user_id=u`);
      expect(plain.headers.get('content-type')).toBe('text/plain');
      expect((await call('GET', `${EXT}/tasks?user_id=u`)).status).toBe(200);
    });

    it('applies a fault only to matching method and path, `times` times', async () => {
      server.failNextRequest({ method: 'post', path: '/message', fault: { type: 'status', status: 500 }, times: 2 });
      const task = server.store.createTask('u', FAKE_API_KEY);
      expect((await call('GET', `${EXT}/tasks/${task.id}`)).status).toBe(200);
      expect((await call('POST', `${EXT}/tasks`, { body: { user_id: 'u' } })).status).toBe(200);
      expect((await call('POST', `${EXT}/message`, { body: { task_id: task.id, text: 'a' } })).status).toBe(500);
      expect((await call('POST', `${EXT}/message`, { body: { task_id: task.id, text: 'a' } })).status).toBe(500);
      expect((await call('POST', `${EXT}/message`, { body: { task_id: task.id, text: 'a' } })).status).toBe(200);
    });

    it('matches a RegExp against the path after /api/v1/external', async () => {
      server.failNextRequest({ path: /^\/tasks\/[^/]+\/messages$/, fault: { type: 'status', status: 503 } });
      const task = server.store.createTask('u', FAKE_API_KEY);
      expect((await call('GET', `${EXT}/tasks/${task.id}`)).status).toBe(200);
      expect((await call('GET', `${EXT}/tasks/${task.id}/messages`)).status).toBe(503);
    });

    it('delay: answers normally afterwards (on a timer stop() cancels)', async () => {
      server.failNextRequest({ fault: { type: 'delay', ms: 200 } });
      const answered: string[] = [];
      const delayed = call('GET', `${EXT}/tasks?user_id=u`).then((r) => (answered.push('delayed'), r));
      await waitFor(() => server.stats.restRequests === 1, 'the delayed request to arrive');
      const prompt = await call('GET', `${EXT}/tasks?user_id=v`).then((r) => (answered.push('prompt'), r));
      expect(prompt.status).toBe(200);
      expect((await delayed).body).toEqual({ tasks: [], total: 0, page: 1, size: 10 });
      expect(answered).toEqual(['prompt', 'delayed']);
    });

    it('delay: stop() cancels the pending answer and closes the connection', async () => {
      server.failNextRequest({ fault: { type: 'delay', ms: 60_000 } });
      const pending = call('GET', `${EXT}/tasks?user_id=u`);
      await waitFor(() => server.stats.restRequests === 1, 'the request to arrive');
      await server.stop();
      await expect(pending).rejects.toThrow('fetch failed');
    });

    it('stall: never answers; a client abort is counted', async () => {
      server.failNextRequest({ fault: { type: 'stall' } });
      const controller = new AbortController();
      const pending = fetch(`${server.baseUrl}${EXT}/tasks?user_id=u`, { headers: { 'x-network-api-key': FAKE_API_KEY }, signal: controller.signal });
      await waitFor(() => server.stats.restRequests === 1, 'the request to arrive');
      controller.abort();
      await expect(pending).rejects.toThrow('aborted');
      await waitFor(() => server.stats.abortedRequests === 1, 'the abort to be counted');
    });

    it('reset: destroys the connection without a response (not counted as a client abort)', async () => {
      server.failNextRequest({ fault: { type: 'reset' } });
      await expect(call('GET', `${EXT}/tasks?user_id=u`)).rejects.toThrow('fetch failed');
      expect(server.stats.abortedRequests).toBe(0);
    });

    it('redirect: 307 (or the given status) to the location', async () => {
      server.failNextRequest({ fault: { type: 'redirect', location: 'http://127.0.0.1:9/x' } });
      server.failNextRequest({ fault: { type: 'redirect', location: '/elsewhere', status: 301 } });
      const first = await call('GET', `${EXT}/tasks?user_id=u`);
      expect([first.status, first.headers.get('location')]).toEqual([307, 'http://127.0.0.1:9/x']);
      const second = await call('GET', `${EXT}/tasks?user_id=u`);
      expect([second.status, second.headers.get('location')]).toEqual([301, '/elsewhere']);
    });

    it('raw: any text with any status and content type', async () => {
      server.failNextRequest({ fault: { type: 'raw', text: '{"tasks": [' } });
      server.failNextRequest({ fault: { type: 'raw', text: 'oops', status: 201, contentType: 'text/plain' } });
      const first = await call('GET', `${EXT}/tasks?user_id=u`);
      expect([first.status, first.text, first.headers.get('content-type')]).toEqual([200, '{"tasks": [', 'application/json']);
      const second = await call('GET', `${EXT}/tasks?user_id=u`);
      expect([second.status, second.text, second.headers.get('content-type')]).toEqual([201, 'oops', 'text/plain']);
    });

    it('faults apply before the key check (a scripted answer needs no valid key)', async () => {
      server.failNextRequest({ fault: { type: 'status', status: 500, body: { status_code: 500 } } });
      expect((await call('GET', `${EXT}/tasks?user_id=u`, { key: null })).status).toBe(500);
    });
  });

  describe('CORS (browser pages on another loopback origin)', () => {
    it('answers a preflight with 204 and the allowed methods and headers, without a key, counting nothing', async () => {
      server.failNextRequest({ fault: { type: 'status', status: 500 } });
      const response = await fetch(`${server.baseUrl}${EXT}/tasks`, {
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-network-api-key,content-type' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
      expect(response.headers.get('access-control-allow-headers')).toBe('x-network-api-key, content-type, accept');
      expect(server.stats.restRequests).toBe(0);
      expect(server.requests).toEqual([]);
      // the scripted fault is still there for the real request
      expect((await call('POST', `${EXT}/tasks`, { body: { user_id: 'u' } })).status).toBe(500);
    });

    it('allows any origin and exposes Retry-After on every answer, errors included', async () => {
      const ok = await call('POST', `${EXT}/tasks`, { body: { user_id: 'u' } });
      const unauthorized = await call('GET', `${EXT}/tasks?user_id=u`, { key: 'API_KEY_WRONG' });
      server.failNextRequest({ fault: { type: 'status', status: 429, body: { detail: 'slow down' }, headers: { 'retry-after': '2' } } });
      const limited = await call('GET', `${EXT}/tasks?user_id=u`);
      for (const response of [ok, unauthorized, limited]) {
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
        expect(response.headers.get('access-control-expose-headers')).toBe('retry-after');
      }
      expect([ok.status, unauthorized.status, limited.status, limited.headers.get('retry-after')]).toEqual([200, 401, 429, '2']);
    });
  });
});

import type { IncomingMessage } from 'node:http';
import { request } from 'node:http';
import { authorizeRequest } from '../../lib/relay/rest-handler.js';
import { RELAY_KEY, RelayHarness } from './relay-kit.js';

const req = {} as IncomingMessage;

describe('authorizeRequest', () => {
  it.each([
    ['a user id', () => 'u1', 'u1'],
    ['a Promise of one', () => Promise.resolve('u1'), 'u1'],
    ['undefined', () => undefined, undefined],
    ['an empty string', () => '', undefined],
    ['a number', () => 42 as unknown as string, undefined],
    ['a throw', () => {
      throw new Error('no session');
    }, undefined],
    ['a rejection', () => Promise.reject(new Error('no session')), undefined],
  ])('%s', async (_, authorize, user) => {
    expect(await authorizeRequest(authorize, req)).toBe(user);
  });
});

/** A raw exchange with the relay: status and parsed body. */
function call(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
    })
      .on('error', reject)
      .end(body);
  });
}

describe('handleRest (through a relay)', () => {
  const h = new RelayHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(() => {
    h.upstream.reset();
    h.logs.length = 0;
  });
  const alice = { 'x-user': 'alice', 'content-type': 'application/json' };

  it("create fills in the user's id; the created task's owner is remembered (no lookup later)", async () => {
    const created = await call(h.port, 'POST', '/api/v1/external/tasks', alice, '{}');
    expect(created).toMatchObject({ status: 200, body: { user_id: 'alice' } });
    const id = (created.body as { id: string }).id;
    expect(await call(h.port, 'GET', `/api/v1/external/tasks/${id}/messages`, alice)).toMatchObject({ status: 200, body: [] });
    expect(h.upstream.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/external/tasks',
      `GET /api/v1/external/tasks/${id}/messages`,
    ]);
  });

  it('what is checked is what is forwarded: a duplicate user_id key cannot smuggle another user', async () => {
    const res = await call(h.port, 'POST', '/api/v1/external/tasks', alice, '{"user_id":"alice","user_id":"bob"}');
    expect(res.status).toBe(403);
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('a message without a string task_id is 422 without asking upstream', async () => {
    expect(await call(h.port, 'POST', '/api/v1/external/message', alice, '{"task_id":12,"text":"x"}')).toMatchObject({ status: 422 });
    expect(await call(h.port, 'POST', '/api/v1/external/message', alice, 'not json')).toMatchObject({ status: 422 });
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('a plain GET on the session path is 426; an unknown path 404; a wrong method 405', async () => {
    expect((await call(h.port, 'GET', '/api/v1/external/session', alice)).status).toBe(426);
    expect((await call(h.port, 'GET', '/api/v1/external/widgets', alice)).status).toBe(404);
    expect((await call(h.port, 'PUT', '/api/v1/external/message', alice)).status).toBe(405);
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('logs one redacted entry per request, 401s included', async () => {
    await call(h.port, 'GET', `/api/v1/external/tasks?network_api_key=${RELAY_KEY}`, {});
    await call(h.port, 'GET', '/api/v1/external/tasks?page=2', alice);
    expect(h.logs).toEqual([
      { type: 'rest', method: 'GET', path: '/api/v1/external/tasks', user: undefined, status: 401, durationMs: expect.any(Number) },
      { type: 'rest', method: 'GET', path: '/api/v1/external/tasks?page=2', user: 'alice', status: 200, durationMs: expect.any(Number) },
    ]);
  });
});

describe('handleRest with a key function that fails', () => {
  const h = new RelayHarness({ apiKey: () => Promise.reject(new Error(`vault down ${RELAY_KEY}`)) });
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('answers 500 and forwards nothing', async () => {
    const res = await call(h.port, 'GET', '/api/v1/external/tasks', { 'x-user': 'alice' });
    expect(res).toMatchObject({ status: 500, body: { status_code: 500, message: 'The relay could not read its API key' } });
    expect(h.upstream.requests).toHaveLength(0);
  });
});

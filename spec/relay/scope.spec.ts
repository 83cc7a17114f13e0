import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { AuiClient } from '../../lib/client.js';
import { AuiConnectionError, AuiRateLimitError, AuiServerError, AuiTimeoutError, AuiValidationError } from '../../lib/errors.js';
import { FORBIDDEN, NOT_AUTHENTICATED } from '../../lib/relay/relay-replies.js';
import { lookupFailure, TaskScope } from '../../lib/relay/scope.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';

/** A scheduler whose clock the test moves (the cache reads only `now()`). */
function clock(): SchedulerLike & { advance(ms: number): void } {
  let t = 1_000;
  return {
    now: () => t,
    schedule: asyncScheduler.schedule.bind(asyncScheduler) as SchedulerLike['schedule'],
    advance: (ms: number) => void (t += ms),
  };
}

describe('TaskScope', () => {
  let server: FakeAuiServer;
  let client: AuiClient;
  let alicesTask: string;
  const taskGets = (): number => server.requests.filter((r) => r.method === 'GET' && /\/tasks\/[^/]+$/.test(r.path)).length;

  beforeAll(async () => {
    server = await FakeAuiServer.start();
    client = new AuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
    alicesTask = server.store.createTask('alice', server.apiKey).id;
  });
  afterAll(async () => {
    client.close();
    await server.stop();
  });
  beforeEach(() => server.requests.splice(0));

  it('allows the owner, refuses anyone else with 403, from one upstream lookup', async () => {
    const scope = new TaskScope(client, clock(), { ttlMs: 60_000, maxEntries: 10 });
    expect(await scope.check('alice', alicesTask)).toEqual({ allowed: true });
    expect(await scope.check('bob', alicesTask)).toEqual({ allowed: false, reply: FORBIDDEN });
    expect(taskGets()).toBe(1);
  });

  it('refuses an id with surrounding whitespace without asking (the lookup would trim it: another task)', async () => {
    const scope = new TaskScope(client, clock(), { ttlMs: 60_000, maxEntries: 10 });
    for (const id of [` ${alicesTask}`, `${alicesTask}\n`, `\u00a0${alicesTask}`]) expect(await scope.check('alice', id)).toEqual({ allowed: false, reply: FORBIDDEN });
    expect(taskGets()).toBe(0);
  });

  it('asks again once an answer is older than ttlMs', async () => {
    const time = clock();
    const scope = new TaskScope(client, time, { ttlMs: 1_000, maxEntries: 10 });
    await scope.check('alice', alicesTask);
    time.advance(999);
    await scope.check('alice', alicesTask);
    expect(taskGets()).toBe(1);
    time.advance(1);
    await scope.check('alice', alicesTask);
    expect(taskGets()).toBe(2);
  });

  it('keeps at most maxEntries answers, forgetting the oldest first', async () => {
    const scope = new TaskScope(client, clock(), { ttlMs: 60_000, maxEntries: 3 });
    for (let i = 0; i < 10; i++) scope.remember(`t${i}`, 'alice');
    expect(scope.size).toBe(3);
    expect(await scope.check('alice', 't9')).toEqual({ allowed: true });
    expect(taskGets()).toBe(0);
  });

  it('shares one lookup between checks of the same task at the same time', async () => {
    const scope = new TaskScope(client, clock(), { ttlMs: 60_000, maxEntries: 10 });
    const verdicts = await Promise.all(Array.from({ length: 20 }, (_, i) => scope.check(i % 2 ? 'alice' : 'bob', alicesTask)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(10);
    expect(taskGets()).toBe(1);
  });

  it('with ttlMs 0 every check asks upstream', async () => {
    const scope = new TaskScope(client, clock(), { ttlMs: 0, maxEntries: 10 });
    await scope.check('alice', alicesTask);
    await scope.check('alice', alicesTask);
    expect(taskGets()).toBe(2);
  });

  it('does not cache a failure: an unknown task is 403 now and asked again next time', async () => {
    const scope = new TaskScope(client, clock(), { ttlMs: 60_000, maxEntries: 10 });
    expect(await scope.check('alice', '000000000000000000000000')).toEqual({ allowed: false, reply: FORBIDDEN });
    server.failNextRequest({ fault: { type: 'status', status: 503, body: { status_code: 503, description: 'x', message: 'busy' } } });
    const busy = new TaskScope(client, clock(), { ttlMs: 60_000, maxEntries: 10 });
    expect(await busy.check('alice', alicesTask)).toEqual({ allowed: false, reply: { status: 503, body: { status_code: 503, description: 'x', message: 'busy' } } });
    expect(await busy.check('alice', alicesTask)).toEqual({ allowed: true });
  });
});

describe('lookupFailure', () => {
  it.each([
    ['a 404', new AuiServerError('x', { status: 404 }), 403],
    ['a 403', new AuiServerError('x', { status: 403 }), 403],
    ['a malformed id', new AuiValidationError('x'), 403],
    ['a 401 (the relay key)', new AuiServerError('x', { status: 401 }), 401],
    ['a 500', new AuiServerError('x', { status: 500, body: { status_code: 500 } }), 500],
    ['a 429', new AuiRateLimitError('x', { status: 429, retryAfterMs: 2_500 }), 429],
    ['a timeout', new AuiTimeoutError('x', 'request'), 504],
    ['a network failure', new AuiConnectionError('x'), 502],
    ['a foreign error', new Error('x'), 502],
  ])('%s', (_, error, status) => {
    expect(lookupFailure(error).status).toBe(status);
  });

  it('keeps what the client should see: the body, Retry-After, the documented 401', () => {
    expect(lookupFailure(new AuiServerError('x', { status: 401 }))).toBe(NOT_AUTHENTICATED);
    expect(lookupFailure(new AuiRateLimitError('x', { status: 429, retryAfterMs: 2_500 })).headers).toEqual({ 'retry-after': '3' });
    expect(lookupFailure(new AuiServerError('x', { status: 500, body: { status_code: 500, message: 'm' } })).body).toEqual({ status_code: 500, message: 'm' });
  });
});

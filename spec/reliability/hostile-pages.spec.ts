/**
 * Hostile task pages (design.md §7, `limits.maxPages`): a server whose `total` always claims more
 * costs at most `maxPages` requests and ends in a non-retryable `AuiProtocolError`; a long listing
 * is emitted whole and in order (the page chain does not deepen per page); `take(n)` costs only
 * the pages it needs.
 */
import { createServer, type Server } from 'node:http';
import { lastValueFrom, take, toArray, type Subscription } from 'rxjs';
import { AuiClient, AuiProtocolError, isRetryable, type AuiClientOptions } from '../../lib/index';
import { errorOf, expectNoSecret, randomApiKey } from '../helpers/rest-helpers';

const TASKS_PATH = '/api/ia-controller/api/v1/external/tasks';

/** One page as the server would answer it. */
interface PageAnswer {
  readonly count: number;
  readonly total: number;
  readonly size?: number;
}

type Pager = (page: number, size: number) => PageAnswer;

const taskOf = (n: number): object => ({ id: `task-${n}`, user_id: 'u1', title: `Task ${n}` });

describe('hostile task pages (limits.maxPages)', () => {
  let server: Server;
  let baseUrl: string;
  let pager: Pager;
  let requested: number[];
  let key: string;
  let client: AuiClient;
  const clientWith = (maxPages: number): AuiClient =>
    new AuiClient({ apiKey: key, baseUrl, limits: { maxPages } } as AuiClientOptions);

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== TASKS_PATH) {
        res.writeHead(404).end();
        return;
      }
      const page = Number(url.searchParams.get('page'));
      const size = Number(url.searchParams.get('size'));
      requested.push(page);
      const answer = pager(page, size);
      const first = (page - 1) * (answer.size ?? size);
      const tasks = Array.from({ length: answer.count }, (_, i) => taskOf(first + i + 1));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ tasks, total: answer.total, page, size: answer.size ?? size }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/ia-controller`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    requested = [];
    key = randomApiKey();
  });
  const running: Subscription[] = [];
  afterEach(() => {
    for (const subscription of running.splice(0)) subscription.unsubscribe();
    client.close();
  });

  it('a total that always claims more: AuiProtocolError after exactly maxPages requests, every task read emitted', async () => {
    client = clientWith(7);
    pager = (_page, size) => ({ count: size, total: 1_000_000_000 });
    const seen: string[] = [];
    const error = await new Promise<unknown>((resolve) => {
      running.push(
        client.listAllTasks({ user_id: 'u1', size: 3 }).subscribe({ next: (t) => seen.push(t.id), error: resolve, complete: () => resolve('completed') }),
      );
    });
    expect(error).toBeInstanceOf(AuiProtocolError);
    expect((error as AuiProtocolError).message).toBe('listAllTasks stopped at limits.maxPages (7 pages) while the server reports more tasks');
    expect(error).toMatchObject({ kind: 'protocol', retryable: false });
    expect((error as AuiProtocolError).status).toBeUndefined();
    expect(isRetryable(error)).toBe(false);
    expectNoSecret(error, key);
    expect(requested).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen).toEqual(Array.from({ length: 21 }, (_, i) => `task-${i + 1}`));
  });

  it('a listing that ends exactly at maxPages completes without error', async () => {
    client = clientWith(4);
    pager = (_page, size) => ({ count: size, total: 4 * size });
    const all = await lastValueFrom(client.listAllTasks({ user_id: 'u1', size: 2 }).pipe(toArray()));
    expect(all).toHaveLength(8);
    expect(requested).toEqual([1, 2, 3, 4]);
  });

  it('counts pages in the size the server echoes when it caps the size', async () => {
    client = clientWith(3);
    pager = () => ({ count: 2, total: 1_000, size: 2 });
    const error = await errorOf(client.listAllTasks({ user_id: 'u1', size: 50 }));
    expect(error).toBeInstanceOf(AuiProtocolError);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('emits all 5,000 tasks of 5,000 one-task pages, in order (the page chain does not deepen)', async () => {
    client = clientWith(10_000);
    pager = () => ({ count: 1, total: 5_000 });
    const all = await lastValueFrom(client.listAllTasks({ user_id: 'u1', size: 1 }).pipe(toArray()));
    expect(all).toHaveLength(5_000);
    expect(all.every((t, i) => t.id === `task-${i + 1}`)).toBe(true);
    expect(requested).toHaveLength(5_000);
  }, 60_000);

  it('take(n) costs only the pages it needs', async () => {
    client = clientWith(1_000);
    pager = (_page, size) => ({ count: size, total: 1_000_000_000 });
    const first = await lastValueFrom(client.listAllTasks({ user_id: 'u1', size: 2 }).pipe(take(3), toArray()));
    expect(first.map((t) => t.id)).toEqual(['task-1', 'task-2', 'task-3']);
    expect(requested).toEqual([1, 2]);
    requested = [];
    await lastValueFrom(client.listAllTasks({ user_id: 'u1', size: 2 }).pipe(take(4), toArray()));
    expect(requested).toEqual([1, 2]);
  });
});

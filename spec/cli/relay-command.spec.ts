/**
 * `aui-rx relay`: run in process with an AbortController against FakeAuiServer (the key from
 * AUI_NETWORK_API_KEY) or its embedded fake; a real client with no key streams through it.
 */
import type { IncomingMessage } from 'node:http';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { AuiClient } from '../../lib/client.js';
import { UsageError } from '../../lib/cli/exit-codes.js';
import { devAuthorize, formatLogLine, relayCommand, RELAY_HELP } from '../../lib/cli/relay-command.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { captureIo, cleanEnv, waitUntil, type CapturedIo } from '../helpers/cli-kit.js';
import { fetchAs, wsAs } from '../relay/relay-kit.js';

const KEY = 'API_KEY_01CLIRELAY0000000000000000000';

/** A relay run in process. */
interface Running {
  readonly io: CapturedIo;
  readonly controller: AbortController;
  readonly done: Promise<number>;
  readonly baseUrl: string;
}

async function start(args: string[], env: NodeJS.ProcessEnv): Promise<Running> {
  const io = captureIo();
  const controller = new AbortController();
  const done = relayCommand(['--port', '0', ...args], io, env, controller.signal);
  let ended = false;
  void done.finally(() => (ended = true)).catch(() => undefined);
  const baseUrl = await waitUntil(() => /base URL: (\S+)/.exec(io.out.text)?.[1] ?? (ended ? 'ended' : undefined));
  if (baseUrl === 'ended') throw new Error(`relay ended early: ${io.err.text}`);
  return { io, controller, done, baseUrl };
}

describe('relayCommand', () => {
  let upstream: FakeAuiServer;
  const clients: AuiClient[] = [];
  beforeAll(async () => {
    upstream = await FakeAuiServer.start({ apiKeys: [KEY] });
  });
  afterAll(() => upstream.stop());
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  it('relays to --base-url with the key from AUI_NETWORK_API_KEY; the user from --user-header; logs each request', async () => {
    const r = await start(['--base-url', upstream.baseUrl, '--user-header', 'X-Dev-User'], cleanEnv({ AUI_NETWORK_API_KEY: KEY }));
    const client = new AuiClient({ baseUrl: r.baseUrl, fetch: fetchAs(undefined), WebSocket: wsAs(undefined) });
    clients.push(client);
    await expect(firstValueFrom(client.listTasks({ user_id: 'x' }))).rejects.toMatchObject({ status: 401 });
    const fetchDev: typeof fetch = (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-dev-user': 'ana' } });
    const ana = new AuiClient({ baseUrl: r.baseUrl, fetch: fetchDev, idleLingerMs: 0 });
    clients.push(ana);
    const task = await firstValueFrom(ana.createTask({ user_id: 'ana' }));
    expect(upstream.store.getTask(task.id)?.user_id).toBe('ana');
    r.controller.abort();
    await expect(r.done).resolves.toBe(0);
    expect(r.io.out.text).toContain('user: the X-Dev-User header');
    expect(r.io.out.text).toMatch(/GET {4}\/api\/v1\/external\/tasks\?user_id=x&page=1&size=10 user=- 401 \d+ ms\n/);
    expect(r.io.out.text).toMatch(/POST {3}\/api\/v1\/external\/tasks user=ana 200 \d+ ms\n/);
    expect(r.io.out.text).not.toContain(KEY);
    expect(r.io.out.text.endsWith('Stopped.\n')).toBe(true);
  });

  it('without a key: an embedded fake upstream and one development user; a keyless client streams', async () => {
    const r = await start(['--base-path', '/aui', '--quiet'], cleanEnv());
    expect(r.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/aui$/);
    expect(r.io.out.text).toContain('upstream: an embedded fake AUI server');
    const client = new AuiClient({ baseUrl: r.baseUrl, idleLingerMs: 0 });
    clients.push(client);
    const task = await firstValueFrom(client.createTask({ user_id: 'dev-user' }));
    const events = await lastValueFrom(client.streamMessage({ task_id: task.id, text: 'hello' }).pipe(toArray()));
    expect(events[events.length - 1]?.kind).toBe('final');
    await expect(firstValueFrom(client.createTask({ user_id: 'someone-else' }))).rejects.toMatchObject({ status: 403 });
    r.controller.abort();
    await expect(r.done).resolves.toBe(0);
    expect(r.io.out.text).not.toMatch(/GET|POST/);
  });

  it('prints its help; refuses bad flags with a UsageError', async () => {
    const io = captureIo();
    expect(await relayCommand(['--help'], io, cleanEnv(), new AbortController().signal)).toBe(0);
    expect(io.out.text).toBe(RELAY_HELP);
    await expect(relayCommand(['--port', '70000'], io, cleanEnv(), new AbortController().signal)).rejects.toThrow(UsageError);
    await expect(relayCommand(['--user', 'a', '--user-header', 'x'], io, cleanEnv(), new AbortController().signal)).rejects.toThrow(UsageError);
    await expect(relayCommand(['--user-header', 'bad header'], io, cleanEnv(), new AbortController().signal)).rejects.toThrow(UsageError);
  });
});

describe('devAuthorize and formatLogLine', () => {
  const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

  it('reads the header (case-insensitive name), or gives the fixed user', () => {
    expect(devAuthorize('X-User', 'dev')(req({ 'x-user': ' ana ' }))).toBe('ana');
    expect(devAuthorize('X-User', 'dev')(req({}))).toBeUndefined();
    expect(devAuthorize(undefined, 'dev')(req({ 'x-user': 'ana' }))).toBe('dev');
  });

  it('formats one line per entry', () => {
    expect(formatLogLine({ type: 'session', method: 'GET', path: '/s', user: 'ana', status: 101, durationMs: 12.4, closeCode: 1000 })).toBe('GET    /s user=ana 101 close 1000 12 ms\n');
  });
});

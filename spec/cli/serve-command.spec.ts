/**
 * `aui-rx serve`: every `--fault` spec (valid and invalid), and the server run in process with an
 * AbortController: its base URL read from the output, used by a real client, stopped with its stats.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { AuiClient } from '../../lib/client.js';
import { EXIT_CODES, UsageError } from '../../lib/cli/exit-codes.js';
import { runCli } from '../../lib/cli/main.js';
import { parseFault, serveCommand, SERVE_HELP, type Fault } from '../../lib/cli/serve-command.js';
import { FAKE_API_KEY } from '../../lib/testing/fake-aui-server.js';
import { captureIo, cleanEnv, servedBaseUrl, waitUntil, type CapturedIo } from '../helpers/cli-kit.js';

const AUTH_FRAME = { status_code: 401, description: 'Authentication failed', message: 'Invalid API key' };
const MALFORMED = '{"event": "thread-message-text';
const restFault = (status: number, spec: string, headers?: Record<string, string>): Fault => ({
  rest: {
    fault: {
      type: 'status',
      status,
      body: { status_code: status, description: 'Scripted fault', message: `aui-rx serve --fault ${spec}` },
      ...(headers ? { headers } : {}),
    },
  },
});

describe('parseFault', () => {
  it.each<[string, Fault]>([
    ['turn:1011', { turn: { type: 'close', code: 1011, reason: 'Internal error', afterFrames: 0 } }],
    ['turn:1011@3', { turn: { type: 'close', code: 1011, reason: 'Internal error', afterFrames: 3 } }],
    ['turn:1008', { turn: { type: 'error-frame', code: 1008, reason: 'Invalid API key', frame: AUTH_FRAME, afterFrames: 0 } }],
    ['turn:1008@2', { turn: { type: 'error-frame', code: 1008, reason: 'Invalid API key', frame: AUTH_FRAME, afterFrames: 2 } }],
    ['turn:destroy', { turn: { type: 'destroy', afterFrames: 0 } }],
    ['turn:destroy@4', { turn: { type: 'destroy', afterFrames: 4 } }],
    ['turn:stall', { turn: { type: 'stall', afterFrames: 0 } }],
    ['turn:stall@1', { turn: { type: 'stall', afterFrames: 1 } }],
    ['turn:malformed', { turn: { type: 'raw', text: MALFORMED, afterFrames: 0 } }],
    ['turn:malformed@5', { turn: { type: 'raw', text: MALFORMED, afterFrames: 5 } }],
    ['connect:1008', { connect: { type: 'close', code: 1008 } }],
    ['connect:1011', { connect: { type: 'close', code: 1011 } }],
    ['connect:401', { connect: { type: 'reject', status: 401 } }],
    ['connect:403', { connect: { type: 'reject', status: 403 } }],
    ['connect:stall', { connect: { type: 'stall' } }],
    ['rest:500', restFault(500, 'rest:500')],
    ['rest:503', restFault(503, 'rest:503')],
    ['rest:401', restFault(401, 'rest:401')],
    ['rest:429', restFault(429, 'rest:429', { 'retry-after': '1' })],
  ])('%s', (spec, fault) => {
    expect(parseFault(spec)).toEqual(fault);
  });

  it.each([
    ['', /unknown --fault /],
    ['1011', /unknown --fault 1011 /],
    ['turn', /unknown --fault turn /],
    ['turn:', /unknown --fault turn: /],
    ['turn:1012', /unknown --fault turn:1012 /],
    ['turn:1011@', /unknown --fault turn:1011@ /],
    ['turn:1011@-1', /unknown --fault turn:1011@-1 /],
    ['turn:1011@1.5', /unknown --fault turn:1011@1\.5 /],
    ['turn:1011@x', /unknown --fault turn:1011@x /],
    ['turn:1011:extra', /unknown --fault turn:1011:extra /],
    ['turn:reply', /unknown --fault turn:reply /],
    ['TURN:1011', /unknown --fault TURN:1011 /],
    ['socket:1011', /unknown --fault socket:1011 /],
    ['connect:1006', /unknown --fault connect:1006 /],
    ['connect:destroy', /unknown --fault connect:destroy /],
    ['connect:1008@2', /@N \(text frames\) applies to turn faults only/],
    ['rest:500@1', /@N \(text frames\) applies to turn faults only/],
    ['rest:600', /unknown --fault rest:600 /],
    ['rest:50', /unknown --fault rest:50 /],
    ['rest:abc', /unknown --fault rest:abc /],
  ])('rejects %j with a UsageError', (spec, message) => {
    expect(() => parseFault(spec)).toThrow(UsageError);
    expect(() => parseFault(spec)).toThrow(message);
  });
});

/** A serve run in process: its io, its abort, its result. */
interface Serving {
  readonly io: CapturedIo;
  readonly controller: AbortController;
  readonly done: Promise<number>;
  readonly baseUrl: string;
}

async function serve(args: string[]): Promise<Serving> {
  const io = captureIo();
  const controller = new AbortController();
  const done = serveCommand(args, io, controller.signal);
  // Fail fast if the command ends (e.g. a usage error) instead of printing its URL.
  let ended = false;
  void done.finally(() => (ended = true)).catch(() => undefined);
  const baseUrl = await waitUntil(() => servedBaseUrl(io.out.text) ?? (ended ? 'ended' : undefined));
  if (baseUrl === 'ended') throw new Error(`serve ended early: ${io.err.text}`);
  return { io, controller, done, baseUrl };
}

describe('serveCommand (in process, stopped by an AbortController)', () => {
  const running: Serving[] = [];
  const clients: AuiClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of running.splice(0)) {
      s.controller.abort();
      await s.done.catch(() => undefined);
    }
  });

  it('prints its URLs and fake key, serves a real client, then stops on abort and prints its stats', async () => {
    const s = await serve(['--delay', '0']);
    running.push(s);
    expect(s.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/ia-controller$/);
    expect(s.io.out.text).toBe(
      `FakeAuiServer listening\n  base URL: ${s.baseUrl}\n  WebSocket: ${s.baseUrl.replace('http:', 'ws:')}/api/v1/external/session\n` +
        `  API key: ${FAKE_API_KEY} (a fake key)\nPress Ctrl-C to stop.\n`,
    );
    const client = new AuiClient({ apiKey: FAKE_API_KEY, baseUrl: s.baseUrl });
    clients.push(client);
    const task = await lastValueFrom(client.createTask({ user_id: 'front-end-dev' }));
    const last = await lastValueFrom(client.streamMessage({ task_id: task.id, text: 'Hi' }));
    expect(last.kind).toBe('final');
    client.close();

    s.controller.abort();
    await expect(s.done).resolves.toBe(0);
    expect(s.io.out.text).toMatch(/\nStopped after 1 WebSocket connections, 1 turns, 1 REST requests\.\n$/);
    await expect(fetch(`${s.baseUrl}/api/v1/external/tasks?user_id=x`)).rejects.toThrow(); // no longer listening
  });

  it('applies the --fault list in order, once each', async () => {
    const s = await serve(['--delay', '0', '--fault', 'rest:503', '--fault', 'turn:1011@2', '--fault', 'connect:1008']);
    running.push(s);
    const client = new AuiClient({ apiKey: FAKE_API_KEY, baseUrl: s.baseUrl });
    clients.push(client);
    await expect(lastValueFrom(client.createTask({ user_id: 'u' }))).rejects.toMatchObject({ kind: 'server', status: 503 });
    const task = await lastValueFrom(client.createTask({ user_id: 'u' }));
    // Connection faults and turn faults are separate queues: the first socket is closed with 1008 before
    // any turn; the next turn (on a new socket) gets the 1011 after two text frames; then all is well.
    const turn$ = client.streamMessage({ task_id: task.id, text: 'Hi' });
    await expect(lastValueFrom(turn$)).rejects.toMatchObject({ kind: 'authentication', closeCode: 1008 });
    await expect(lastValueFrom(turn$)).rejects.toMatchObject({ kind: 'server', closeCode: 1011 });
    const third = await lastValueFrom(turn$.pipe(toArray()));
    expect(third.map((e) => e.kind)).toEqual([...Array<string>(third.length - 1).fill('text'), 'final']);
  });

  it('--frames, --text, --reply and --api-key shape the server; the given key is never printed', async () => {
    const key = 'API_KEY_01MYOWNKEY0000000000000000';
    const s = await serve(['--delay', '0', '--frames', 'A1', '--text', 'delta', '--reply', 'legacy', '--api-key', key]);
    running.push(s);
    expect(s.io.out.text).toContain('  API key: the one you passed\n');
    expect(s.io.out.text).not.toContain(key);
    const client = new AuiClient({ apiKey: key, baseUrl: s.baseUrl });
    clients.push(client);
    const task = await lastValueFrom(client.createTask({ user_id: 'u' }));
    const events = await lastValueFrom(client.streamMessage({ task_id: task.id, text: 'Hi' }).pipe(toArray()));
    const final = events[events.length - 1];
    expect(final?.kind === 'final' && final.message.options?.length).toBe(2); // the legacy reply shape
    const fake = new AuiClient({ apiKey: FAKE_API_KEY, baseUrl: s.baseUrl });
    clients.push(fake);
    await expect(lastValueFrom(fake.createTask({ user_id: 'u' }))).rejects.toMatchObject({ kind: 'authentication' });
  });

  it('--port N listens on that port', async () => {
    const probe = await serve([]);
    const port = Number(new URL(probe.baseUrl).port);
    probe.controller.abort();
    await probe.done;
    const s = await serve(['--port', String(port)]);
    running.push(s);
    expect(new URL(s.baseUrl).port).toBe(String(port));
  });

  it('an already aborted signal starts and stops at once', async () => {
    const controller = new AbortController();
    controller.abort();
    const io = captureIo();
    await expect(serveCommand([], io, controller.signal)).resolves.toBe(0);
    expect(io.out.text).toMatch(/Stopped after 0 WebSocket connections, 0 turns, 0 REST requests\.\n$/);
  });

  it.each([
    [['--port', 'abc'], '--port must be an integer 0..65535'],
    [['--port', '65536'], '--port must be an integer 0..65535'],
    [['--port', ''], '--port must be an integer 0..65535'],
    [['--delay', 'fast'], '--delay must be a number of milliseconds (0 or more)'],
    [['--frames', 'A3'], '--frames must be one of A1, A2, envelope'],
    [['--text', 'words'], '--text must be one of cumulative, delta'],
    [['--reply', 'html'], '--reply must be one of cards, legacy'],
    [['--fault', 'turn:1012'], 'unknown --fault turn:1012 (see aui-rx serve --help)'],
    [['extra'], expect.stringContaining("Unexpected argument 'extra'")],
  ])('usage error through runCli (exit 2): %j', async (args, message) => {
    const io = captureIo();
    await expect(runCli(['serve', ...args], io, cleanEnv())).resolves.toBe(EXIT_CODES.usage);
    expect(io.err.text).toEqual(typeof message === 'string' ? `error [usage]: ${message}\n` : expect.stringMatching(/^error \[usage\]: /));
    if (typeof message !== 'string') expect(io.err.text).toEqual(message);
    expect(io.out.text).toBe('');
  });

  it('--help prints the help, documenting every fault family', async () => {
    const io = captureIo();
    await expect(serveCommand(['--help'], io, new AbortController().signal)).resolves.toBe(0);
    expect(io.out.text).toBe(SERVE_HELP);
    for (const spec of ['turn:1011[@N]', 'turn:1008[@N]', 'turn:destroy[@N]', 'turn:stall[@N]', 'turn:malformed[@N]', 'connect:1008', 'rest:STATUS']) {
      expect(SERVE_HELP).toContain(spec);
    }
  });
});

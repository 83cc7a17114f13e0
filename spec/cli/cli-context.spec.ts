/**
 * The CLI's shared setup: a session from flags or the environment (or an embedded fake server), and
 * `untilAborted`, which turns Ctrl-C into an `InterruptedError` that unsubscribes the work in flight.
 */
import { lastValueFrom, Subject } from 'rxjs';
import { AuiValidationError } from '../../lib/errors.js';
import { openSession, untilAborted } from '../../lib/cli/cli-context.js';
import { InterruptedError } from '../../lib/cli/exit-codes.js';
import { DEFAULT_BASE_URL } from '../../lib/options.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import { captureIo } from '../helpers/cli-kit.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

describe('openSession', () => {
  let server: FakeAuiServer;
  beforeAll(async () => {
    server = await FakeAuiServer.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => server.reset());

  it('with --api-key and --base-url: a real client, no embedded server, nothing printed', async () => {
    const io = captureIo();
    const session = await openSession(io, { 'api-key': server.apiKey, 'base-url': server.baseUrl }, {});
    try {
      expect(session.server).toBeUndefined();
      await lastValueFrom(session.client.createTask({ user_id: 'u' }));
      expect(server.stats.restRequests).toBe(1);
      expect(io.err.text + io.out.text).toBe('');
    } finally {
      await session.dispose();
    }
  });

  it('reads AUI_API_KEY and AUI_BASE_URL; the flags win over them', async () => {
    const fromEnv = await openSession(captureIo(), {}, { AUI_API_KEY: server.apiKey, AUI_BASE_URL: server.baseUrl });
    await lastValueFrom(fromEnv.client.createTask({ user_id: 'u' }));
    await fromEnv.dispose();
    expect(server.requests[0]?.headers['x-network-api-key']).toBe(server.apiKey);

    const flagged = await openSession(captureIo(), { 'api-key': 'API_KEY_01FLAG', 'base-url': server.baseUrl }, { AUI_API_KEY: server.apiKey, AUI_BASE_URL: 'http://127.0.0.1:9/x' });
    await expect(lastValueFrom(flagged.client.createTask({ user_id: 'u' }))).rejects.toMatchObject({ kind: 'authentication' });
    await flagged.dispose();
    expect(server.requests[1]?.headers['x-network-api-key']).toBe('API_KEY_01FLAG');
  });

  it('with a key and no base URL: the real API default', async () => {
    const session = await openSession(captureIo(), { 'api-key': 'API_KEY_01X' }, {});
    // Checked without any request: the client derives its WebSocket URL from the base URL.
    expect((session.client as unknown as { options: { baseUrl: string } }).options.baseUrl).toBe(DEFAULT_BASE_URL);
    await session.dispose();
  });

  it('without a key: an embedded fake server on loopback, said in one line on stderr, stopped by dispose', async () => {
    const io = captureIo();
    const session = await openSession(io, {}, { AUI_API_KEY: '' });
    const embedded = session.server;
    expect(embedded).toBeDefined();
    expect(io.err.text).toBe(`No API key (--api-key or AUI_API_KEY): using an embedded fake server at ${embedded?.baseUrl}\n`);
    const task = await lastValueFrom(session.client.createTask({ user_id: 'u' }));
    expect(embedded?.store.getTask(task.id)).toBeDefined();
    await session.dispose();
    await expect(fetch(`${embedded?.baseUrl}/api/v1/external/tasks?user_id=u`)).rejects.toThrow();
  });

  it('a bad base URL is an AuiValidationError (exit 4), before any server starts', async () => {
    const io = captureIo();
    await expect(openSession(io, { 'api-key': 'API_KEY_01X', 'base-url': 'not a url' }, {})).rejects.toBeInstanceOf(AuiValidationError);
    await expect(openSession(io, { 'api-key': 'API_KEY_01X', 'base-url': 'http://example.com/api' }, {})).rejects.toMatchObject({
      kind: 'validation',
      message: expect.stringContaining('clear text'),
    });
    expect(io.err.text).toBe('');
  });
});

describe('untilAborted', () => {
  it('passes values through, then errors with InterruptedError when the signal aborts (marbles)', () => {
    const controller = new AbortController();
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c-|');
      cold('---x|').subscribe(() => controller.abort());
      expectObservable(source.pipe(untilAborted(controller.signal))).toBe('-a-#', undefined, new InterruptedError());
      expectSubscriptions(source.subscriptions).toBe('^--!'); // unsubscribed at the abort
    });
  });

  it('completes normally when the signal never aborts, and stops listening to it', () => {
    const controller = new AbortController();
    const removed = jest.spyOn(controller.signal, 'removeEventListener');
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a|').pipe(untilAborted(controller.signal))).toBe('-a|');
    });
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('errors at once without subscribing when the signal is already aborted', () => {
    const controller = new AbortController();
    controller.abort();
    const source = new Subject<number>();
    const errors: unknown[] = [];
    source.pipe(untilAborted(controller.signal)).subscribe({ error: (e: unknown) => errors.push(e) });
    expect(errors).toEqual([expect.any(InterruptedError)]);
    expect(source.observed).toBe(false);
  });
});

/**
 * The fault catalogue of fake-faults.ts, one case per fault type, each checked for its observable
 * effect through a real AuiClient. The tables are typed `Record<Fault['type'], …>`, so a fault type
 * added to the catalogue without a case here fails type-checking.
 */
import { lastValueFrom } from 'rxjs';
import { AuiClient } from '../../lib/client.js';
import { isAuiError, type AuiError } from '../../lib/errors.js';
import { FakeAuiServer } from '../../lib/testing/fake-aui-server.js';
import type { ConnectFault, RestFault, TurnFault } from '../../lib/testing/fake-faults.js';
import { outcome } from '../helpers/ws-server.js';
import { errorOf } from '../helpers/rest-helpers.js';

let server: FakeAuiServer;
let client: AuiClient;
let taskId: string;

beforeAll(async () => {
  server = await FakeAuiServer.start();
});
afterAll(() => server.stop());
beforeEach(() => {
  server.reset();
  taskId = server.store.createTask('user_faults', server.apiKey).id;
  client = new AuiClient({
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    timeouts: { connectMs: 300, idleMs: 300, requestMs: 300 },
    idleLingerMs: 50,
  });
});
afterEach(() => client.close());

/** What a turn ended with. */
async function turnOutcome(): Promise<{ error: AuiError | undefined; finalText: string | undefined }> {
  const result = await outcome(client.streamMessage({ task_id: taskId, text: 'hello' }));
  const last = result.events[result.events.length - 1];
  const error = isAuiError(result.error) ? result.error : undefined;
  if (result.error !== undefined && !error) throw result.error;
  return { error, finalText: last?.kind === 'final' ? last.message.text : undefined };
}

type Expectation = Partial<Pick<AuiError, 'kind' | 'closeCode' | 'status'>> & { finalText?: string | undefined };

const turnCases: Record<TurnFault['type'], [TurnFault, Expectation]> = {
  'error-frame': [{ type: 'error-frame', frame: { status_code: 400, description: 'Content moderation triggered', message: 'flagged' }, code: 1008 }, { kind: 'application', closeCode: 1008, status: 400 }],
  close: [{ type: 'close', code: 1011, afterFrames: 2 }, { kind: 'server', closeCode: 1011 }],
  destroy: [{ type: 'destroy', afterFrames: 1 }, { kind: 'connection', closeCode: 1006 }],
  stall: [{ type: 'stall', afterFrames: 1 }, { kind: 'timeout' }],
  raw: [{ type: 'raw', text: 'this is not json' }, { kind: 'protocol' }],
  'unknown-frame': [{ type: 'unknown-frame', afterFrames: 1 }, { finalText: undefined }],
  oversize: [{ type: 'oversize', bytes: 9 * 1024 * 1024 }, { kind: 'protocol', closeCode: 1009 }],
  reply: [{ type: 'reply', text: 'A scripted reply in three frames.', frames: 3 }, { finalText: 'A scripted reply in three frames.' }],
};

describe('turn faults', () => {
  it.each(Object.entries(turnCases))('%s', async (_type, [fault, expected]) => {
    server.failNextTurn(fault);
    const { error, finalText } = await turnOutcome();
    if (expected.kind === undefined) {
      expect(error).toBeUndefined();
      expect(finalText).toEqual(expected.finalText ?? expect.any(String));
    } else {
      expect(error).toMatchObject({ kind: expected.kind, ...(expected.closeCode ? { closeCode: expected.closeCode } : {}), ...(expected.status ? { status: expected.status } : {}) });
    }
    expect(server.stats.turns).toBe(1);
  });
});

const connectCases: Record<ConnectFault['type'], [ConnectFault, Expectation]> = {
  reject: [{ type: 'reject', status: 403 }, { kind: 'authentication', status: 403 }],
  close: [{ type: 'close', code: 1008, reason: 'Invalid API key' }, { kind: 'authentication', closeCode: 1008 }],
  stall: [{ type: 'stall' }, { kind: 'timeout' }],
  destroy: [{ type: 'destroy' }, { kind: 'connection' }],
};

describe('connect faults', () => {
  it.each(Object.entries(connectCases))('%s', async (_type, [fault, expected]) => {
    server.failNextConnection(fault);
    const { error } = await turnOutcome();
    expect(error).toMatchObject(expected);
    expect(server.stats.connections).toBe(1);
    expect(server.stats.turns).toBe(0);
  });
});

const restCases: Record<RestFault['type'], [RestFault, Expectation]> = {
  status: [{ type: 'status', status: 429, body: { detail: 'slow down' }, headers: { 'retry-after': '3' } }, { kind: 'rate-limit', status: 429 }],
  delay: [{ type: 'delay', ms: 20 }, {}],
  stall: [{ type: 'stall' }, { kind: 'timeout' }],
  reset: [{ type: 'reset' }, { kind: 'connection' }],
  redirect: [{ type: 'redirect', location: 'http://127.0.0.2:9/elsewhere' }, { kind: 'connection' }],
  raw: [{ type: 'raw', text: '{"id": "broken' }, { kind: 'protocol' }],
};

describe('REST faults', () => {
  it.each(Object.entries(restCases))('%s', async (_type, [fault, expected]) => {
    server.failNextRequest({ method: 'GET', path: /\/tasks\/[^/]+$/, fault });
    if (expected.kind === undefined) {
      const task = await lastValueFrom(client.getTask(taskId));
      expect(task.id).toBe(taskId);
    } else {
      expect(await errorOf(client.getTask(taskId))).toMatchObject(expected);
    }
    expect(server.stats.restRequests).toBe(1);
  });
});

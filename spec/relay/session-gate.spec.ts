import { asyncScheduler } from 'rxjs';
import { AuiClient } from '../../lib/client.js';
import { FORBIDDEN, NOT_AUTHENTICATED, applicationReply } from '../../lib/relay/relay-replies.js';
import { TaskScope } from '../../lib/relay/scope.js';
import { MAX_QUEUED_FRAMES, MessageGate, refusalFrame, type GateOutlet } from '../../lib/relay/session-gate.js';
import { refusedPort } from '../helpers/reliability-kit.js';

/** An outlet that records what the gate did. */
class Recorder implements GateOutlet {
  readonly sent: string[] = [];
  readonly refused: Array<{ frame: object; code: number; reason: string }> = [];
  holds = 0;
  toUpstream(text: string): void {
    this.sent.push(text);
  }
  refuse(frame: object, code: number, reason: string): void {
    this.refused.push({ frame, code, reason });
  }
  hold(): void {
    this.holds += 1;
  }
  release(): void {
    this.holds -= 1;
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('MessageGate', () => {
  let client: AuiClient;
  let scope: TaskScope;
  beforeAll(async () => {
    // Upstream is unreachable: only the remembered tasks can be checked without a failure.
    client = new AuiClient({ apiKey: 'API_KEY_1', baseUrl: `http://127.0.0.1:${await refusedPort()}` });
    scope = new TaskScope(client, asyncScheduler, { ttlMs: 60_000, maxEntries: 100 });
    scope.remember('mine', 'alice');
    scope.remember('theirs', 'bob');
  });
  afterAll(() => client.close());

  const frame = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

  it('forwards messages for own tasks, in order, serialised from what it read', async () => {
    const out = new Recorder();
    const gate = new MessageGate('alice', scope, out);
    gate.push(frame('{"task_id":"mine","text":"one","task_id":"mine"}'), false);
    gate.push(frame({ task_id: 'mine', text: 'two', context: { url: 'u' } }), false);
    await settle();
    expect(out.sent).toEqual(['{"task_id":"mine","text":"one"}', '{"task_id":"mine","text":"two","context":{"url":"u"}}']);
    expect(out.holds).toBe(0);
    expect(out.refused).toEqual([]);
  });

  it("refuses another user's task with 403 + 1008 and forwards nothing after it", async () => {
    const out = new Recorder();
    const gate = new MessageGate('alice', scope, out);
    gate.push(frame({ task_id: 'theirs', text: 'x' }), false);
    gate.push(frame({ task_id: 'mine', text: 'y' }), false);
    await settle();
    expect(out.sent).toEqual([]);
    expect(out.refused).toEqual([{ frame: { status_code: 403, description: 'Forbidden', message: "Task doesn't belong to this user" }, code: 1008, reason: 'Forbidden' }]);
  });

  it('a failed lookup is an error frame with its status and close 1011 (retryable)', async () => {
    const out = new Recorder();
    new MessageGate('alice', scope, out).push(frame({ task_id: 'unknown', text: 'x' }), false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(out.refused).toEqual([{ frame: expect.objectContaining({ status_code: 502 }), code: 1011, reason: 'Internal error' }]);
  });

  it(`more than ${MAX_QUEUED_FRAMES} waiting frames close the session`, async () => {
    const out = new Recorder();
    const gate = new MessageGate('alice', scope, out);
    for (let i = 0; i < MAX_QUEUED_FRAMES + 5; i++) gate.push(frame({ task_id: 'mine', text: String(i) }), false);
    await settle();
    expect(out.refused).toHaveLength(1);
    expect(out.refused[0]).toMatchObject({ code: 1008 });
    expect(out.sent.length).toBeLessThanOrEqual(1);
  });
});

describe('refusalFrame', () => {
  it('maps a refusal to the wire error frame and its close', () => {
    expect(refusalFrame(FORBIDDEN)).toMatchObject({ code: 1008, reason: 'Forbidden', frame: { status_code: 403 } });
    expect(refusalFrame(NOT_AUTHENTICATED)).toMatchObject({ code: 1008, reason: 'Not authenticated', frame: { status_code: 401 } });
    expect(refusalFrame(applicationReply(429, 'slow down'))).toEqual({ code: 1011, reason: 'Internal error', frame: { status_code: 429, description: 'Too Many Requests', message: 'slow down' } });
  });
});

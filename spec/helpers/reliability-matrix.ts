/**
 * The fault matrix of the reliability suite: every scenario (a FakeAuiServer fault or behaviour, a
 * client call, the expected typed error or recovery) and the runner that executes one scenario on a
 * fresh FakeAuiServer (127.0.0.1, port 0) with a fresh random key and tears everything down.
 * Used by spec/reliability/fault-matrix.spec.ts (expectations) and key-safety.spec.ts (key scan).
 */
import { from, lastValueFrom, toArray, type Observable } from 'rxjs';
import { AuiClient } from '../../lib/client.js';
import {
  AuiApplicationError,
  AuiAuthenticationError,
  AuiConnectionError,
  AuiProtocolError,
  AuiRateLimitError,
  AuiServerError,
  AuiTimeoutError,
  AuiValidationError,
  type AuiError,
  type AuiErrorKind,
} from '../../lib/errors.js';
import type { AuiClientOptions } from '../../lib/options.js';

/** The default `limits.maxFrameBytes` (8 MiB). */
const MAX_FRAME_BYTES = 8 * 1024 * 1024;
import { accumulateText } from '../../lib/operators/accumulate-text.js';
import { retryOn1011 } from '../../lib/operators/retry-on-1011.js';
import { retryTransient } from '../../lib/operators/retry-transient.js';
import { TEXT_UPDATE_EVENT } from '../../lib/protocol/server-frames.js';
import type { StreamEvent } from '../../lib/stream-event.js';
import { agentReplyText } from '../../lib/testing/fake-agent.js';
import { FakeAuiServer, type FakeAuiServerSettings } from '../../lib/testing/fake-aui-server.js';
import { startRecordingServer, type RecordingServer } from './rest-helpers.js';
import {
  activeResources,
  poolOf,
  randomKey,
  refusedPort,
  settle,
  TrackingScheduler,
  waitUntil,
  type Settled,
} from './reliability-kit.js';

/** What a scenario can use. */
export interface MatrixEnv {
  readonly server: FakeAuiServer;
  /** The key the client uses (random per run). */
  readonly key: string;
  /** A task owned by `key`. */
  readonly taskId: string;
  /** The client's scheduler: counts pending timers. */
  readonly scheduler: TrackingScheduler;
  /** Set by `prepare`: a REST base URL other than the server's (refused port). */
  baseUrl?: string;
  /** Set by `prepare`: a second origin that records what it receives (must stay empty). */
  recorder?: RecordingServer;
}

/** An expected typed error. `'none'` means the field must be absent. */
export interface ExpectedError {
  readonly outcome: 'error';
  readonly errorClass: abstract new (...args: never[]) => AuiError;
  readonly kind: AuiErrorKind;
  readonly retryable: boolean;
  readonly status?: number | 'none';
  readonly closeCode?: number | 'none';
  /** Other fields the error must have (e.g. `phase`, `retryAfterMs`, `reason`). */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** More checks on the error and the run. */
  readonly check?: (error: AuiError, run: ScenarioRun, env: MatrixEnv) => void;
}

/** An expected success (recovery, skip, or a followed redirect). */
export interface ExpectedRecovery {
  readonly outcome: 'recovery';
  readonly check: (run: ScenarioRun, env: MatrixEnv) => void | Promise<void>;
}

/** One row of the matrix. */
export interface Scenario {
  readonly id: string;
  readonly transport: 'WS' | 'REST';
  /** What the server does (for the docs table). */
  readonly title: string;
  /** The outcome in words (for the docs table). */
  readonly outcome: string;
  /** Server settings (on top of `apiKeys: [key]`); `badKey` makes the server accept another key only. */
  readonly server?: Partial<FakeAuiServerSettings> & { readonly badKey?: boolean };
  readonly prepare?: (env: MatrixEnv) => Promise<void>;
  readonly client?: (env: MatrixEnv) => Partial<AuiClientOptions>;
  readonly arrange?: (env: MatrixEnv) => void;
  readonly act: (client: AuiClient, env: MatrixEnv) => Observable<unknown>;
  readonly expected: ExpectedError | ExpectedRecovery;
}

/** What one run of a scenario produced and left behind. */
export interface ScenarioRun {
  readonly scenario: Scenario;
  readonly key: string;
  /** The environment the scenario ran in (its server is stopped by now; its store and recorder remain readable). */
  readonly env: MatrixEnv;
  readonly result: Settled<unknown>;
  /** Snapshot of the server's counters right after the call settled. */
  readonly serverStats: FakeAuiServer['stats'];
  /** Snapshot of the pool's counters right after the call settled. */
  readonly poolStats: ReturnType<typeof poolOf>['stats'];
  /** After client.close() and the bounded wait: what was still there. */
  readonly leftover: { readonly openConnections: number; readonly pendingTimers: number; readonly sockets: number; readonly queued: number };
  /** The agent text the server stored for the task (what it generated), if any. */
  readonly serverReplies: string[];
}

const FRAME = { event: TEXT_UPDATE_EVENT };
const MODERATION = {
  status_code: 400,
  description: 'Content moderation triggered',
  message: 'The message was flagged by content moderation.',
  extra_data: { moderation_category: 'harmful_content', flagged_text: '...' },
};
const ERROR_500 = { status_code: 500, description: 'Internal server error', message: 'An unexpected error occurred.', extra_data: {} };
const HTML_502 = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';
const PROMPT = 'I need a built-in microwave';
/** The canned reply the fake agent generates for {@link PROMPT}. */
export const REPLY = agentReplyText(PROMPT);

const turn = (client: AuiClient, env: MatrixEnv): Observable<StreamEvent> => client.streamMessage({ task_id: env.taskId, text: PROMPT });
const retry1011 = (env: MatrixEnv) => retryOn1011<StreamEvent>({ jitter: false, initialDelayMs: 1, scheduler: env.scheduler });

function events(run: ScenarioRun): StreamEvent[] {
  return run.result.values as StreamEvent[];
}

/**
 * A stream that recovered: it completed with one final event whose text is what the server generated;
 * after the last `restart`, the deltas concatenate to that text, each `text` is the running total, and
 * `accumulateText()` ends on it without ever emitting text that is not a prefix of it (no duplicates).
 */
export async function expectIntactStream(run: ScenarioRun, expectedText: string): Promise<void> {
  expect(run.result.error).toBeUndefined();
  expect(run.result.completed).toBe(true);
  const list = events(run);
  const final = list[list.length - 1];
  expect(final?.kind).toBe('final');
  if (final?.kind !== 'final') return;
  expect(list.filter((e) => e.kind === 'final')).toHaveLength(1);
  expect(final.message.text).toBe(expectedText);
  expect(run.serverReplies[run.serverReplies.length - 1]).toBe(expectedText);
  let lastRestart = -1;
  list.forEach((e, i) => e.kind === 'restart' && (lastRestart = i));
  const attempt = list.slice(lastRestart + 1);
  let running = '';
  for (const e of attempt) {
    if (e.kind !== 'text') continue;
    running += e.delta;
    expect(e.text).toBe(running);
  }
  expect(running).toBe(expectedText);
  const accumulated = await lastValueFrom(from(list).pipe(accumulateText(), toArray()));
  expect(accumulated[accumulated.length - 1]).toBe(expectedText);
  const afterReset = accumulated.slice(accumulated.lastIndexOf('') + 1);
  for (const text of afterReset) expect(expectedText.startsWith(text)).toBe(true);
}

const textCount = (run: ScenarioRun): number => events(run).filter((e) => e.kind === 'text').length;

/** The matrix. Every WS scenario runs `streamMessage`; every REST one a client REST method. */
export const SCENARIOS: readonly Scenario[] = [
  // ---- WebSocket: authentication -----------------------------------------------------------
  {
    id: 'ws-handshake-401',
    transport: 'WS',
    title: 'handshake refused with HTTP 401',
    outcome: 'AuiAuthenticationError, status 401, no closeCode, not retryable',
    arrange: ({ server }) => void server.failNextConnection({ type: 'reject', status: 401 }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiAuthenticationError, kind: 'authentication', retryable: false, status: 401, closeCode: 'none' },
  },
  {
    id: 'ws-handshake-403',
    transport: 'WS',
    title: 'handshake refused with HTTP 403',
    outcome: 'AuiAuthenticationError, status 403, no closeCode, not retryable',
    arrange: ({ server }) => void server.failNextConnection({ type: 'reject', status: 403 }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiAuthenticationError, kind: 'authentication', retryable: false, status: 403, closeCode: 'none' },
  },
  {
    id: 'ws-bad-key-reject-403',
    transport: 'WS',
    title: 'wrong key, server refuses the handshake (wsAuthFailure reject-403)',
    outcome: 'AuiAuthenticationError, status 403, not retryable',
    server: { badKey: true, wsAuthFailure: 'reject-403' },
    act: turn,
    expected: { outcome: 'error', errorClass: AuiAuthenticationError, kind: 'authentication', retryable: false, status: 403, closeCode: 'none' },
  },
  {
    id: 'ws-bad-key-accept-then-1008',
    transport: 'WS',
    title: 'wrong key, server accepts then closes 1008',
    outcome: 'AuiAuthenticationError, closeCode 1008, reason kept, not retryable',
    server: { badKey: true },
    act: turn,
    expected: {
      outcome: 'error',
      errorClass: AuiAuthenticationError,
      kind: 'authentication',
      retryable: false,
      closeCode: 1008,
      status: 'none',
      fields: { reason: 'Invalid API key' },
    },
  },
  {
    id: 'ws-connect-frame-401-1008',
    transport: 'WS',
    title: 'accept, error frame 401, close 1008 (before the turn is sent)',
    outcome: 'AuiAuthenticationError, status 401, closeCode 1008',
    arrange: ({ server }) =>
      void server.failNextConnection({
        type: 'close',
        code: 1008,
        errorFrame: { status_code: 401, description: 'Authentication failed', message: 'Invalid API key' },
      }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiAuthenticationError, kind: 'authentication', retryable: false, status: 401, closeCode: 1008 },
  },
  // ---- WebSocket: error frames ---------------------------------------------------------------
  {
    id: 'ws-frame-401-1008',
    transport: 'WS',
    title: 'error frame 401 then close 1008, mid-turn',
    outcome: 'AuiAuthenticationError, status 401, closeCode 1008',
    arrange: ({ server }) =>
      void server.failNextTurn({
        type: 'error-frame',
        frame: { status_code: 401, description: 'Authentication failed', message: 'Invalid API key' },
        code: 1008,
        afterFrames: 2,
      }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiAuthenticationError, kind: 'authentication', retryable: false, status: 401, closeCode: 1008 },
  },
  {
    id: 'ws-frame-422-1008',
    transport: 'WS',
    title: 'error frame 422 then close 1008',
    outcome: 'AuiValidationError, status 422, closeCode 1008, not retryable',
    arrange: ({ server }) =>
      void server.failNextTurn({
        type: 'error-frame',
        frame: { status_code: 422, description: 'Unprocessable Entity', message: 'task_id is not a valid task', extra_data: { field: 'task_id' } },
        code: 1008,
      }),
    act: turn,
    expected: {
      outcome: 'error',
      errorClass: AuiValidationError,
      kind: 'validation',
      retryable: false,
      status: 422,
      closeCode: 1008,
      check: (error) => expect(error.body).toMatchObject({ extra_data: { field: 'task_id' } }),
    },
  },
  {
    id: 'ws-frame-400-1008',
    transport: 'WS',
    title: 'error frame 400 (moderation) then close 1008',
    outcome: 'AuiApplicationError, status 400, closeCode 1008, extra_data in body',
    arrange: ({ server }) => void server.failNextTurn({ type: 'error-frame', frame: MODERATION, code: 1008, afterFrames: 1 }),
    act: turn,
    expected: {
      outcome: 'error',
      errorClass: AuiApplicationError,
      kind: 'application',
      retryable: false,
      status: 400,
      closeCode: 1008,
      check: (error) => expect(error.body).toMatchObject({ extra_data: { moderation_category: 'harmful_content' } }),
    },
  },
  {
    id: 'ws-frame-500-1011',
    transport: 'WS',
    title: 'error frame 500 then close 1011',
    outcome: 'AuiServerError, status 500, closeCode 1011, retryable',
    arrange: ({ server }) => void server.failNextTurn({ type: 'error-frame', frame: ERROR_500, code: 1011, afterFrames: 2 }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiServerError, kind: 'server', retryable: true, status: 500, closeCode: 1011 },
  },
  {
    id: 'ws-frame-500-no-close',
    transport: 'WS',
    title: 'error frame 500 and no close (waits ERROR_FRAME_CLOSE_WAIT_MS)',
    outcome: 'AuiServerError, status 500, no closeCode; the client closes the socket',
    arrange: ({ server }) => void server.failNextTurn({ type: 'error-frame', frame: ERROR_500 }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiServerError, kind: 'server', retryable: true, status: 500, closeCode: 'none' },
  },
  {
    id: 'ws-unknown-task',
    transport: 'WS',
    title: 'turn for a task that does not exist (server: frame 422 + 1008)',
    outcome: 'AuiValidationError, status 422, closeCode 1008',
    act: (client) => client.streamMessage({ task_id: 'ffffffffffffffffffffffff', text: PROMPT }),
    expected: {
      outcome: 'error',
      errorClass: AuiValidationError,
      kind: 'validation',
      retryable: false,
      status: 422,
      closeCode: 1008,
      fields: { taskId: 'ffffffffffffffffffffffff' },
    },
  },
  {
    id: 'ws-foreign-task',
    transport: 'WS',
    title: "turn for another network's task (server: frame 403 + 1008)",
    outcome: 'AuiAuthenticationError, status 403, closeCode 1008',
    act: (client, env) => client.streamMessage({ task_id: env.server.store.createTask('other', randomKey()).id, text: PROMPT }),
    expected: { outcome: 'error', errorClass: AuiAuthenticationError, kind: 'authentication', retryable: false, status: 403, closeCode: 1008 },
  },
  // ---- WebSocket: 1011 -----------------------------------------------------------------------
  {
    id: 'ws-1011-before-text',
    transport: 'WS',
    title: 'close 1011 before any text',
    outcome: 'AuiServerError, closeCode 1011, retryable, no text event',
    arrange: ({ server }) => void server.failNextTurn({ type: 'close', code: 1011 }),
    act: turn,
    expected: {
      outcome: 'error',
      errorClass: AuiServerError,
      kind: 'server',
      retryable: true,
      closeCode: 1011,
      status: 'none',
      check: (_error, run) => expect(textCount(run)).toBe(0),
    },
  },
  {
    id: 'ws-1011-mid-text',
    transport: 'WS',
    title: 'close 1011 after 3 text frames, no retry operator',
    outcome: 'AuiServerError, closeCode 1011 after 3 text events',
    arrange: ({ server }) => void server.failNextTurn({ type: 'close', code: 1011, reason: 'internal error', afterFrames: 3 }),
    act: turn,
    expected: {
      outcome: 'error',
      errorClass: AuiServerError,
      kind: 'server',
      retryable: true,
      closeCode: 1011,
      fields: { reason: 'internal error' },
      check: (_error, run) => expect(textCount(run)).toBe(3),
    },
  },
  {
    id: 'ws-1011-mid-text-retry',
    transport: 'WS',
    title: 'close 1011 after 3 text frames, with retryOn1011({ jitter: false, initialDelayMs: 1 })',
    outcome: 'recovers on a new socket: restart event, full final text, accumulateText shows no duplicated text',
    arrange: ({ server }) => void server.failNextTurn({ type: 'close', code: 1011, afterFrames: 3 }),
    act: (client, env) => turn(client, env).pipe(retry1011(env)),
    expected: {
      outcome: 'recovery',
      check: async (run) => {
        await expectIntactStream(run, REPLY);
        expect(events(run).filter((e) => e.kind === 'restart')).toHaveLength(1);
        expect(run.serverStats.connections).toBe(2);
      },
    },
  },
  {
    id: 'ws-1011-at-connect',
    transport: 'WS',
    title: 'accept then close 1011 at once',
    outcome: 'AuiServerError, closeCode 1011, retryable',
    arrange: ({ server }) => void server.failNextConnection({ type: 'close', code: 1011 }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiServerError, kind: 'server', retryable: true, closeCode: 1011 },
  },
  {
    id: 'ws-1011-at-connect-retry',
    transport: 'WS',
    title: 'accept then close 1011 at once, twice, with retryOn1011',
    outcome: 'recovers on the third socket with the full text, no restart event (no text was lost)',
    arrange: ({ server }) => void server.failNextConnection({ type: 'close', code: 1011 }, { type: 'close', code: 1011 }),
    act: (client, env) => turn(client, env).pipe(retry1011(env)),
    expected: {
      outcome: 'recovery',
      check: async (run) => {
        await expectIntactStream(run, REPLY);
        expect(events(run).some((e) => e.kind === 'restart')).toBe(false);
        expect(run.serverStats.connections).toBe(3);
      },
    },
  },
  // ---- WebSocket: lost connections -----------------------------------------------------------
  {
    id: 'ws-1006-handshake-destroy',
    transport: 'WS',
    title: 'TCP connection destroyed during the handshake',
    outcome: 'AuiConnectionError, closeCode 1006, retryable',
    arrange: ({ server }) => void server.failNextConnection({ type: 'destroy' }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiConnectionError, kind: 'connection', retryable: true, closeCode: 1006, status: 'none' },
  },
  {
    id: 'ws-1006-before-text',
    transport: 'WS',
    title: 'TCP connection destroyed after the user message, before any text',
    outcome: 'AuiConnectionError, closeCode 1006, no text event',
    arrange: ({ server }) => void server.failNextTurn({ type: 'destroy' }),
    act: turn,
    expected: {
      outcome: 'error',
      errorClass: AuiConnectionError,
      kind: 'connection',
      retryable: true,
      closeCode: 1006,
      check: (_error, run) => expect(textCount(run)).toBe(0),
    },
  },
  {
    id: 'ws-1006-mid-turn',
    transport: 'WS',
    title: 'TCP connection destroyed after 3 text frames',
    outcome: 'AuiConnectionError, closeCode 1006 after 3 text events',
    arrange: ({ server }) => void server.failNextTurn({ type: 'destroy', afterFrames: 3 }),
    act: turn,
    expected: {
      outcome: 'error',
      errorClass: AuiConnectionError,
      kind: 'connection',
      retryable: true,
      closeCode: 1006,
      check: (_error, run) => expect(textCount(run)).toBe(3),
    },
  },
  {
    id: 'ws-1000-mid-turn',
    transport: 'WS',
    title: 'clean close 1000 in the middle of a turn',
    outcome: 'AuiConnectionError, closeCode 1000 (never a silent completion)',
    arrange: ({ server }) => void server.failNextTurn({ type: 'close', code: 1000, afterFrames: 2 }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiConnectionError, kind: 'connection', retryable: true, closeCode: 1000 },
  },
  {
    id: 'ws-1001-mid-turn',
    transport: 'WS',
    title: 'close 1001 (going away) in the middle of a turn',
    outcome: 'AuiConnectionError, closeCode 1001',
    arrange: ({ server }) => void server.failNextTurn({ type: 'close', code: 1001, afterFrames: 1 }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiConnectionError, kind: 'connection', retryable: true, closeCode: 1001 },
  },
  {
    id: 'ws-4003-close',
    transport: 'WS',
    title: 'close 4003 (Fern docs "rate limit" code) before any text',
    outcome: 'AuiRateLimitError, closeCode 4003 (the close-code table)',
    arrange: ({ server }) => void server.failNextTurn({ type: 'close', code: 4003, reason: 'rate limit' }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiRateLimitError, kind: 'rate-limit', retryable: true, closeCode: 4003 },
  },
  {
    id: 'ws-connection-refused',
    transport: 'WS',
    title: 'nothing listens on the port (connection refused)',
    outcome: 'AuiConnectionError, closeCode 1006, retryable',
    prepare: async (env) => void (env.baseUrl = `http://127.0.0.1:${await refusedPort()}/api/ia-controller`),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiConnectionError, kind: 'connection', retryable: true, closeCode: 1006, status: 'none' },
  },
  // ---- WebSocket: timeouts -------------------------------------------------------------------
  {
    id: 'ws-idle-stall',
    transport: 'WS',
    title: 'server goes silent after 2 text frames (idleMs 200)',
    outcome: "AuiTimeoutError, phase 'idle', retryable; the client closes the socket",
    client: () => ({ timeouts: { idleMs: 200 } }),
    arrange: ({ server }) => void server.failNextTurn({ type: 'stall', afterFrames: 2 }),
    act: turn,
    expected: {
      outcome: 'error',
      errorClass: AuiTimeoutError,
      kind: 'timeout',
      retryable: true,
      closeCode: 'none',
      fields: { phase: 'idle' },
      // At most 2: a very slow machine may time out before both frames are read (no timing is asserted).
      check: (_error, run) => expect(textCount(run)).toBeLessThanOrEqual(2),
    },
  },
  {
    id: 'ws-connect-stall',
    transport: 'WS',
    title: 'handshake never answered (connectMs 200)',
    outcome: "AuiTimeoutError, phase 'connect', retryable",
    client: () => ({ timeouts: { connectMs: 200 } }),
    arrange: ({ server }) => void server.failNextConnection({ type: 'stall' }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiTimeoutError, kind: 'timeout', retryable: true, closeCode: 'none', fields: { phase: 'connect' } },
  },
  // ---- WebSocket: bad frames -----------------------------------------------------------------
  {
    id: 'ws-malformed-json',
    transport: 'WS',
    title: 'a frame that is not JSON, after 2 text frames',
    outcome: 'AuiProtocolError, not retryable; the client closes the socket',
    arrange: ({ server }) => void server.failNextTurn({ type: 'raw', text: '{"event": "thread-message-text-content-updated", "data": {', afterFrames: 2 }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiProtocolError, kind: 'protocol', retryable: false, closeCode: 'none' },
  },
  {
    id: 'ws-invalid-text-frame',
    transport: 'WS',
    title: 'a text update whose data.text is a number',
    outcome: 'AuiProtocolError with zod issues',
    arrange: ({ server }) => void server.failNextTurn({ type: 'raw', text: JSON.stringify({ ...FRAME, data: { text: 42 } }), afterFrames: 1 }),
    act: turn,
    expected: {
      outcome: 'error',
      errorClass: AuiProtocolError,
      kind: 'protocol',
      retryable: false,
      check: (error) => expect(error.issues?.length).toBeGreaterThan(0),
    },
  },
  {
    id: 'ws-invalid-final-frame',
    transport: 'WS',
    title: 'a final message without sender/receiver/created_at',
    outcome: 'AuiProtocolError with zod issues',
    arrange: ({ server }) => void server.failNextTurn({ type: 'raw', text: JSON.stringify({ id: 'm1', text: 'Hi' }), afterFrames: 2 }),
    act: turn,
    expected: {
      outcome: 'error',
      errorClass: AuiProtocolError,
      kind: 'protocol',
      retryable: false,
      check: (error) => expect(error.issues?.length).toBeGreaterThan(0),
    },
  },
  {
    id: 'ws-invalid-error-frame',
    transport: 'WS',
    title: 'an error frame whose status_code is a string',
    outcome: 'AuiProtocolError with zod issues',
    arrange: ({ server }) => void server.failNextTurn({ type: 'raw', text: JSON.stringify({ status_code: '500', message: 'boom' }) }),
    act: turn,
    expected: {
      outcome: 'error',
      errorClass: AuiProtocolError,
      kind: 'protocol',
      retryable: false,
      check: (error) => expect(error.issues?.length).toBeGreaterThan(0),
    },
  },
  {
    id: 'ws-oversize-frame',
    transport: 'WS',
    title: `a text frame above MAX_FRAME_BYTES (${MAX_FRAME_BYTES} bytes)`,
    outcome: 'AuiProtocolError, closeCode 1009, not retryable',
    arrange: ({ server }) => void server.failNextTurn({ type: 'oversize', bytes: MAX_FRAME_BYTES }),
    act: turn,
    expected: { outcome: 'error', errorClass: AuiProtocolError, kind: 'protocol', retryable: false, closeCode: 1009 },
  },
  {
    id: 'ws-frame-just-under-limit',
    transport: 'WS',
    title: `a text frame 1 KiB under MAX_FRAME_BYTES`,
    outcome: 'accepted: the turn completes with the final text (with limits.maxReplyChars raised above the frame: the default, 1,000,000, would stop it)',
    client: () => ({ limits: { maxReplyChars: 2 * MAX_FRAME_BYTES } }),
    arrange: ({ server }) => void server.failNextTurn({ type: 'oversize', bytes: MAX_FRAME_BYTES - 1024 }),
    act: turn,
    expected: {
      outcome: 'recovery',
      check: (run) => {
        expect(run.result.completed).toBe(true);
        const last = events(run)[events(run).length - 1];
        expect(last?.kind === 'final' && last.message.text).toBe(REPLY);
      },
    },
  },
  {
    id: 'ws-unknown-frame',
    transport: 'WS',
    title: 'a frame of no known kind after 2 text frames',
    outcome: 'skipped and counted (pool.stats.unknownFrames 1); the turn completes intact',
    arrange: ({ server }) => void server.failNextTurn({ type: 'unknown-frame', afterFrames: 2 }),
    act: turn,
    expected: {
      outcome: 'recovery',
      check: async (run) => {
        await expectIntactStream(run, REPLY);
        expect(run.poolStats.unknownFrames).toBe(1);
      },
    },
  },
  {
    id: 'ws-ok-a1-delta-legacy',
    transport: 'WS',
    title: 'baseline: A1 frames, delta text, legacy options reply',
    outcome: 'completes; deltas concatenate to the final text',
    server: { frames: 'A1', textMode: 'delta', replyShape: 'legacy' },
    act: turn,
    expected: { outcome: 'recovery', check: (run) => expectIntactStream(run, REPLY) },
  },
  {
    id: 'ws-ok-envelope',
    transport: 'WS',
    title: 'baseline: {type, data} envelope frames, cumulative text',
    outcome: 'completes; text events are running totals of the final text',
    server: { frames: 'envelope' },
    act: turn,
    expected: { outcome: 'recovery', check: (run) => expectIntactStream(run, REPLY) },
  },
  // ---- REST ----------------------------------------------------------------------------------
  {
    id: 'rest-401-detail',
    transport: 'REST',
    title: 'wrong key: 401 {"detail":"Not authenticated"}',
    outcome: 'AuiAuthenticationError, status 401, not retryable',
    server: { badKey: true },
    act: (client) => client.createTask({ user_id: 'u1' }),
    expected: {
      outcome: 'error',
      errorClass: AuiAuthenticationError,
      kind: 'authentication',
      retryable: false,
      status: 401,
      closeCode: 'none',
      fields: { body: { detail: 'Not authenticated' } },
    },
  },
  {
    id: 'rest-401-errors',
    transport: 'REST',
    title: '401 {"status_code":401,"errors":["Unauthorized"]}',
    outcome: 'AuiAuthenticationError, status 401',
    arrange: ({ server }) => void server.failNextRequest({ fault: { type: 'status', status: 401, body: { status_code: 401, errors: ['Unauthorized'] } } }),
    act: (client, env) => client.getTask(env.taskId),
    expected: {
      outcome: 'error',
      errorClass: AuiAuthenticationError,
      kind: 'authentication',
      retryable: false,
      status: 401,
      check: (error, _run, env) => {
        expect(error.message).toContain('Unauthorized');
        expect(error.taskId).toBe(env.taskId);
      },
    },
  },
  {
    id: 'rest-403-foreign-task',
    transport: 'REST',
    title: "getTask of another network's task: 403 {status_code, errors}",
    outcome: 'AuiAuthenticationError, status 403',
    act: (client, env) => client.getTask(env.server.store.createTask('other', randomKey()).id),
    expected: {
      outcome: 'error',
      errorClass: AuiAuthenticationError,
      kind: 'authentication',
      retryable: false,
      status: 403,
      fields: { body: { status_code: 403, errors: ['Forbidden'] } },
    },
  },
  {
    id: 'rest-404',
    transport: 'REST',
    title: 'getTask of an unknown task: 404',
    outcome: 'AuiApplicationError, status 404, not retryable',
    act: (client) => client.getTask('ffffffffffffffffffffffff'),
    expected: { outcome: 'error', errorClass: AuiApplicationError, kind: 'application', retryable: false, status: 404 },
  },
  {
    id: 'rest-422-detail',
    transport: 'REST',
    title: '422 {"detail":[{loc,msg,type}]}',
    outcome: 'AuiValidationError, status 422, issues from detail[]',
    arrange: ({ server }) =>
      void server.failNextRequest({
        fault: { type: 'status', status: 422, body: { detail: [{ loc: ['body', 'task_id'], msg: 'field required', type: 'value_error.missing' }] } },
      }),
    act: (client, env) => client.sendMessage({ task_id: env.taskId, text: PROMPT }),
    expected: {
      outcome: 'error',
      errorClass: AuiValidationError,
      kind: 'validation',
      retryable: false,
      status: 422,
      check: (error) => expect(error.issues).toEqual([expect.objectContaining({ path: ['body', 'task_id'], message: 'field required' })]),
    },
  },
  {
    id: 'rest-422-errors',
    transport: 'REST',
    title: '422 {"errors":[{loc,msg,type}, …]}',
    outcome: 'AuiValidationError, status 422, issues from errors[]',
    arrange: ({ server }) =>
      void server.failNextRequest({
        fault: {
          type: 'status',
          status: 422,
          body: {
            errors: [
              { loc: ['query', 'user_id'], msg: 'field required', type: 'value_error.missing' },
              { loc: ['query', 'size', 0], msg: 'value is not a valid integer', type: 'type_error.integer' },
            ],
          },
        },
      }),
    act: (client) => client.listTasks({ user_id: 'u1' }),
    expected: {
      outcome: 'error',
      errorClass: AuiValidationError,
      kind: 'validation',
      retryable: false,
      status: 422,
      check: (error) => expect(error.issues).toHaveLength(2),
    },
  },
  {
    id: 'rest-400-moderation',
    transport: 'REST',
    title: '400 moderation {status_code, description, message, extra_data}',
    outcome: 'AuiApplicationError, status 400, extra_data in body',
    arrange: ({ server }) => void server.failNextRequest({ method: 'POST', path: '/message', fault: { type: 'status', status: 400, body: MODERATION } }),
    act: (client, env) => client.sendMessage({ task_id: env.taskId, text: PROMPT }),
    expected: {
      outcome: 'error',
      errorClass: AuiApplicationError,
      kind: 'application',
      retryable: false,
      status: 400,
      check: (error, _run, env) => {
        expect(error.body).toMatchObject({ extra_data: { moderation_category: 'harmful_content' } });
        expect(error.taskId).toBe(env.taskId);
      },
    },
  },
  {
    id: 'rest-429-retry-after',
    transport: 'REST',
    title: '429 with Retry-After: 2',
    outcome: 'AuiRateLimitError, status 429, retryAfterMs 2000, retryable',
    arrange: ({ server }) => void server.failNextRequest({ fault: { type: 'status', status: 429, headers: { 'retry-after': '2' } } }),
    act: (client) => client.listTasks({ user_id: 'u1' }),
    expected: { outcome: 'error', errorClass: AuiRateLimitError, kind: 'rate-limit', retryable: true, status: 429, fields: { retryAfterMs: 2000 } },
  },
  {
    id: 'rest-429-retry-transient',
    transport: 'REST',
    title: '429 with Retry-After: 2, twice, with retryTransient({ maxDelayMs: 5 })',
    outcome: 'recovers on the third request',
    arrange: ({ server }) => void server.failNextRequest({ fault: { type: 'status', status: 429, headers: { 'retry-after': '2' } }, times: 2 }),
    act: (client, env) => client.getTask(env.taskId).pipe(retryTransient({ maxDelayMs: 5, jitter: false, scheduler: env.scheduler })),
    expected: {
      outcome: 'recovery',
      check: (run, env) => {
        expect(run.result.values).toEqual([expect.objectContaining({ id: env.taskId })]);
        expect(run.serverStats.restRequests).toBe(3);
      },
    },
  },
  {
    id: 'rest-500',
    transport: 'REST',
    title: '500 {status_code, description, message, extra_data}',
    outcome: 'AuiServerError, status 500, retryable',
    arrange: ({ server }) => void server.failNextRequest({ fault: { type: 'status', status: 500, body: ERROR_500 } }),
    act: (client, env) => client.getTaskMessages(env.taskId),
    expected: {
      outcome: 'error',
      errorClass: AuiServerError,
      kind: 'server',
      retryable: true,
      status: 500,
      check: (error) => expect(error.message).toContain('An unexpected error occurred.'),
    },
  },
  {
    id: 'rest-500-retry',
    transport: 'REST',
    title: '500 once, with retryOn1011({ http: true })',
    outcome: 'recovers on the second request',
    arrange: ({ server }) => void server.failNextRequest({ fault: { type: 'status', status: 500, body: ERROR_500 } }),
    act: (client, env) =>
      client.sendMessage({ task_id: env.taskId, text: PROMPT }).pipe(retryOn1011({ http: true, jitter: false, initialDelayMs: 1, scheduler: env.scheduler })),
    expected: {
      outcome: 'recovery',
      check: (run) => {
        expect(run.result.values).toEqual([expect.objectContaining({ text: REPLY })]);
        expect(run.serverStats.restRequests).toBe(2);
      },
    },
  },
  {
    id: 'rest-502-html',
    transport: 'REST',
    title: '502 with an HTML body (proxy)',
    outcome: 'AuiServerError, status 502, HTML kept as body text',
    arrange: ({ server }) => void server.failNextRequest({ fault: { type: 'status', status: 502, body: HTML_502 } }),
    act: (client) => client.createTask({ user_id: 'u1' }),
    expected: {
      outcome: 'error',
      errorClass: AuiServerError,
      kind: 'server',
      retryable: true,
      status: 502,
      check: (error) => expect(error.body).toBe(HTML_502),
    },
  },
  {
    id: 'rest-200-invalid-json',
    transport: 'REST',
    title: '200 with a body that is not JSON',
    outcome: 'AuiProtocolError, status 200, not retryable',
    arrange: ({ server }) => void server.failNextRequest({ fault: { type: 'raw', text: '{"id": "abc", "user_id": ' } }),
    act: (client, env) => client.getTask(env.taskId),
    expected: { outcome: 'error', errorClass: AuiProtocolError, kind: 'protocol', retryable: false, status: 200 },
  },
  {
    id: 'rest-200-off-schema',
    transport: 'REST',
    title: '200 with JSON that fails the schema (task without id)',
    outcome: 'AuiProtocolError, status 200, zod issues',
    arrange: ({ server }) => void server.failNextRequest({ fault: { type: 'status', status: 200, body: { user_id: 'u1', title: 7 } } }),
    act: (client, env) => client.getTask(env.taskId),
    expected: {
      outcome: 'error',
      errorClass: AuiProtocolError,
      kind: 'protocol',
      retryable: false,
      status: 200,
      check: (error) => expect(error.issues?.length).toBeGreaterThan(0),
    },
  },
  {
    id: 'rest-200-empty',
    transport: 'REST',
    title: '200 with an empty body',
    outcome: 'AuiProtocolError, status 200',
    arrange: ({ server }) => void server.failNextRequest({ fault: { type: 'raw', text: '' } }),
    act: (client) => client.listTasks({ user_id: 'u1' }),
    expected: { outcome: 'error', errorClass: AuiProtocolError, kind: 'protocol', retryable: false, status: 200 },
  },
  {
    id: 'rest-connection-refused',
    transport: 'REST',
    title: 'nothing listens on the port (connection refused)',
    outcome: 'AuiConnectionError, retryable, no status',
    prepare: async (env) => void (env.baseUrl = `http://127.0.0.1:${await refusedPort()}/api/ia-controller`),
    act: (client) => client.createTask({ user_id: 'u1' }),
    expected: { outcome: 'error', errorClass: AuiConnectionError, kind: 'connection', retryable: true, status: 'none', closeCode: 'none' },
  },
  {
    id: 'rest-reset',
    transport: 'REST',
    title: 'TCP connection reset before any response',
    outcome: 'AuiConnectionError, retryable',
    arrange: ({ server }) => void server.failNextRequest({ fault: { type: 'reset' } }),
    act: (client, env) => client.getTask(env.taskId),
    expected: { outcome: 'error', errorClass: AuiConnectionError, kind: 'connection', retryable: true, status: 'none' },
  },
  {
    id: 'rest-stall',
    transport: 'REST',
    title: 'no response (requestMs 200)',
    outcome: "AuiTimeoutError, phase 'request'; the request is aborted",
    client: () => ({ timeouts: { requestMs: 200 } }),
    arrange: ({ server }) => void server.failNextRequest({ fault: { type: 'stall' } }),
    act: (client, env) => client.getTask(env.taskId),
    expected: { outcome: 'error', errorClass: AuiTimeoutError, kind: 'timeout', retryable: true, fields: { phase: 'request' } },
  },
  {
    id: 'rest-cross-origin-redirect',
    transport: 'REST',
    title: '307 redirect to another origin',
    outcome: 'AuiConnectionError, status 307; the other origin is never contacted',
    prepare: async (env) => void (env.recorder = await startRecordingServer()),
    arrange: (env) => void env.server.failNextRequest({ fault: { type: 'redirect', location: `${env.recorder?.origin}/steal` } }),
    act: (client, env) => client.getTask(env.taskId),
    expected: {
      outcome: 'error',
      errorClass: AuiConnectionError,
      kind: 'connection',
      retryable: true,
      status: 307,
      check: (_error, _run, env) => expect(env.recorder?.seen).toEqual([]),
    },
  },
  {
    id: 'rest-same-origin-redirect',
    transport: 'REST',
    title: '308 redirect within the same origin',
    outcome: 'followed with the key: the task arrives',
    arrange: (env) =>
      void env.server.failNextRequest({ fault: { type: 'redirect', status: 308, location: `${env.server.baseUrl}/api/v1/external/tasks/${env.taskId}` } }),
    act: (client, env) => client.getTask(env.taskId),
    expected: {
      outcome: 'recovery',
      check: (run, env) => {
        expect(run.result.values).toEqual([expect.objectContaining({ id: env.taskId })]);
        expect(run.serverStats.restRequests).toBe(2);
      },
    },
  },
];

/** Runs one scenario on a fresh server with `key`, then closes everything and waits (bounded) until nothing is left. */
export async function runScenario(scenario: Scenario, key = randomKey()): Promise<ScenarioRun> {
  const { badKey, ...settings } = scenario.server ?? {};
  const server = await FakeAuiServer.start({ ...settings, apiKeys: [badKey ? randomKey() : key] });
  const scheduler = new TrackingScheduler();
  const env: MatrixEnv = { server, key, scheduler, taskId: server.store.createTask('user-1', key).id };
  let client: AuiClient | undefined;
  try {
    await scenario.prepare?.(env);
    client = new AuiClient({
      apiKey: key,
      baseUrl: env.baseUrl ?? server.baseUrl,
      scheduler,
      // Bounded: a hang becomes a timeout error instead of a stuck test.
      timeouts: { connectMs: 5000, idleMs: 5000, requestMs: 5000 },
      ...scenario.client?.(env),
    });
    scenario.arrange?.(env);
    const result = await settle(scenario.act(client, env));
    const serverStats = { ...server.stats };
    const poolStats = { ...poolOf(client).stats };
    client.close();
    const pool = poolOf(client);
    let settledOk = true;
    await waitUntil(
      () => server.stats.openConnections === 0 && scheduler.pending() === 0,
      `${scenario.id}: no open socket and no pending timer after client.close()`,
      5000,
    ).catch(() => (settledOk = false));
    const leftover = {
      openConnections: server.stats.openConnections,
      pendingTimers: scheduler.pending(),
      sockets: pool.stats.sockets,
      queued: pool.stats.queued,
    };
    if (!settledOk) expect(leftover).toEqual({ openConnections: 0, pendingTimers: 0, sockets: 0, queued: 0 });
    const serverReplies = (server.store.messages.get(env.taskId) ?? []).filter((m) => m.sender.type === 'agent').map((m) => m.text);
    return { scenario, key, env, result, serverStats, poolStats, leftover, serverReplies };
  } finally {
    client?.close();
    await server.stop();
    await env.recorder?.stop();
  }
}

/** Waits (bounded) until the process has no more timers / TCP sockets than `baseline` had. */
export async function waitForQuietProcess(baseline: { timeouts: number; sockets: number }): Promise<{ timeouts: number; sockets: number }> {
  const now = (): { timeouts: number; sockets: number } => ({ timeouts: activeResources('Timeout'), sockets: activeResources('TCPSocketWrap') });
  await waitUntil(
    () => {
      const n = now();
      return n.timeouts <= baseline.timeouts && n.sockets <= baseline.sockets;
    },
    'process back to its baseline of timers and TCP sockets',
    5000,
  ).catch(() => undefined);
  return now();
}

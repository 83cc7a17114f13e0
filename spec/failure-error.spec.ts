import type { AuiError } from '../lib/errors.js';
import { failureError, isPayloadTooLarge, type SocketCloseEvent } from '../lib/failure-error.js';
import type { TurnFault } from '../lib/testing/fake-faults.js';
import { ERROR_400_MODERATION, ERROR_500, FRAME_ERROR, FRAME_ERROR_401 } from './helpers/fixtures.js';
import { WsHarness, outcome } from './helpers/ws-server.js';

const closed = (code: number, extra: Partial<SocketCloseEvent> = {}): SocketCloseEvent => ({ code, reason: '', opened: true, ...extra });
const socket = (close?: SocketCloseEvent, errorFrame?: { status_code: number } & Record<string, unknown>, taskId = 't1'): AuiError =>
  failureError({ source: 'socket', close, errorFrame }, { taskId });

describe('failureError (socket)', () => {
  it.each([
    ['close 1008, no frame', { close: closed(1008, { reason: 'Invalid API key' }) }, 'AuiAuthenticationError', { closeCode: 1008, reason: 'Invalid API key' }],
    ['frame 401 + 1008', { close: closed(1008), errorFrame: FRAME_ERROR_401 }, 'AuiAuthenticationError', { closeCode: 1008, status: 401 }],
    ['frame 422 + 1008', { close: closed(1008), errorFrame: FRAME_ERROR }, 'AuiValidationError', { closeCode: 1008, status: 422, body: FRAME_ERROR }],
    ['frame 400 + 1011', { close: closed(1011), errorFrame: ERROR_400_MODERATION }, 'AuiApplicationError', { closeCode: 1011, status: 400, retryable: false }],
    ['frame 500 + 1008', { close: closed(1008), errorFrame: ERROR_500 }, 'AuiServerError', { closeCode: 1008, status: 500, retryable: false }],
    ['frame 500 + 1011', { close: closed(1011), errorFrame: ERROR_500 }, 'AuiServerError', { closeCode: 1011, status: 500, retryable: true }],
    ['frame 408 + 1011', { close: closed(1011), errorFrame: { status_code: 408 } }, 'AuiTimeoutError', { closeCode: 1011, status: 408, phase: 'request' }],
    ['handshake 404', { close: closed(1006, { opened: false, handshakeStatus: 404 }) }, 'AuiApplicationError', { status: 404, retryable: false }],
    ['handshake 503', { close: closed(1006, { opened: false, handshakeStatus: 503 }) }, 'AuiServerError', { status: 503, retryable: true }],
    ['never opened', { close: closed(1006, { opened: false }) }, 'AuiConnectionError', { closeCode: 1006 }],
    ['connect timeout', { close: closed(1006, { opened: false, connectTimeoutMs: 500 }) }, 'AuiTimeoutError', { phase: 'connect' }],
    ['frame, no close', { errorFrame: FRAME_ERROR }, 'AuiValidationError', { status: 422 }],
    ['invalid UTF-8 reported by the socket', { close: closed(1006, { error: Object.assign(new Error('bad'), { code: 'WS_ERR_INVALID_UTF8' }) }) }, 'AuiProtocolError', { closeCode: 1007, retryable: false }],
  ] as const)('%s → %s', (_label, input, name, fields) => {
    const error = failureError({ source: 'socket', ...input }, { taskId: 't1' });
    expect(error).toMatchObject({ name, taskId: 't1', ...fields });
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('an error frame without a close has no closeCode', () => {
    expect(socket(undefined, FRAME_ERROR).closeCode).toBeUndefined();
  });

  it('a payload error reported by the socket becomes AuiProtocolError 1009 even when the close says 1006', () => {
    const error = Object.assign(new RangeError('Max payload size exceeded'), { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
    expect(isPayloadTooLarge(error)).toBe(true);
    expect(failureError({ source: 'socket', close: closed(1006, { error }), maxPayloadBytes: 1024 })).toMatchObject({
      name: 'AuiProtocolError',
      closeCode: 1009,
      message: expect.stringContaining('1024 bytes'),
    });
  });

  it("a 1009 close from the server names the server's limit, not ours (a frame we sent was too big)", () => {
    const error = failureError({ source: 'socket', close: closed(1009), maxPayloadBytes: 1024 });
    expect(error).toMatchObject({ name: 'AuiProtocolError', closeCode: 1009, retryable: false });
    expect(error.message).toMatch(/server closed the connection with 1009/);
    expect(error.message).not.toContain('1024');
  });

  it('keeps the socket error as a non-enumerable cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = socket(closed(1006, { opened: false, error: cause }));
    expect(error.message).toContain('ECONNREFUSED');
    expect((error as { cause?: unknown }).cause).toBe(cause);
    expect(Object.keys(error)).not.toContain('cause');
  });
});

describe('close and error-frame combinations against FakeAuiServer', () => {
  const h = new WsHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  afterEach(() => {
    h.closePools();
    h.server.reset();
    h.server.configure({ apiKeys: [h.server.apiKey], wsAuthFailure: 'close-1008' });
  });

  const turnCases: Array<[string, TurnFault, string, Record<string, unknown>, 'none' | 'some']> = [
    ['error frame 401 + 1008', { type: 'error-frame', frame: FRAME_ERROR_401, code: 1008 }, 'AuiAuthenticationError', { status: 401, closeCode: 1008 }, 'none'],
    ['error frame 422 + 1008', { type: 'error-frame', frame: FRAME_ERROR, code: 1008, reason: 'Invalid' }, 'AuiValidationError', { status: 422, closeCode: 1008, reason: 'Invalid' }, 'none'],
    ['error frame 400 + 1008', { type: 'error-frame', frame: ERROR_400_MODERATION, code: 1008 }, 'AuiApplicationError', { status: 400, closeCode: 1008, body: ERROR_400_MODERATION }, 'none'],
    ['error frame 500 + 1011', { type: 'error-frame', frame: ERROR_500, code: 1011 }, 'AuiServerError', { status: 500, closeCode: 1011, retryable: true }, 'none'],
    ['error frame 500 + 1011 mid-text', { type: 'error-frame', frame: ERROR_500, code: 1011, afterFrames: 3 }, 'AuiServerError', { status: 500, closeCode: 1011 }, 'some'],
    ['1011 before any text', { type: 'close', code: 1011 }, 'AuiServerError', { closeCode: 1011 }, 'none'],
    ['1011 mid-text', { type: 'close', code: 1011, reason: 'boom', afterFrames: 4 }, 'AuiServerError', { closeCode: 1011, reason: 'boom' }, 'some'],
    ['1008 mid-text, no frame', { type: 'close', code: 1008, afterFrames: 2 }, 'AuiAuthenticationError', { closeCode: 1008 }, 'some'],
    ['1006 (TCP destroyed) mid-text', { type: 'destroy', afterFrames: 3 }, 'AuiConnectionError', { closeCode: 1006 }, 'some'],
    ['1000 mid-turn', { type: 'close', code: 1000, afterFrames: 2 }, 'AuiConnectionError', { closeCode: 1000 }, 'some'],
    ['1001 mid-turn', { type: 'close', code: 1001, afterFrames: 1 }, 'AuiConnectionError', { closeCode: 1001 }, 'some'],
  ];

  it.each(turnCases)('%s → %s', async (_label, fault, name, fields, text) => {
    const pool = h.pool();
    h.server.failNextTurn(fault);
    const task = h.task();
    const result = await outcome(pool.turn({ task_id: task, text: 'microwave' }));
    expect(result.error).toMatchObject({ name, taskId: task, ...fields });
    expect(result.events.filter((e) => e.kind === 'text').length > 0).toBe(text === 'some');
    expect(result.events.some((e) => e.kind === 'final')).toBe(false);
    expect(String((result.error as Error).message)).not.toContain(h.server.apiKey);
  });

  it('1008 with no frame when the key is wrong (accept-then-close variant) → AuiAuthenticationError, one connection', async () => {
    const pool = h.pool({ apiKey: 'API_KEY_WRONG' });
    const result = await outcome(pool.turn({ task_id: h.task(), text: 'hi' }));
    expect(result.error).toMatchObject({ name: 'AuiAuthenticationError', closeCode: 1008, retryable: false });
    expect(h.server.stats.connections).toBe(1);
  });

  it.each([401, 403] as const)('handshake refused with %i → AuiAuthenticationError, exactly one connection', async (status) => {
    h.server.configure({ wsAuthFailure: status === 401 ? 'reject-401' : 'reject-403' });
    const pool = h.pool({ apiKey: 'API_KEY_WRONG' });
    const result = await outcome(pool.turn({ task_id: h.task(), text: 'hi' }));
    expect(result.error).toMatchObject({ name: 'AuiAuthenticationError', status });
    expect((result.error as Error).message).not.toContain('API_KEY_WRONG');
    expect(JSON.stringify(result.error)).not.toContain('API_KEY_WRONG');
    expect(h.server.stats.connections).toBe(1);
    expect(pool.stats.socketsCreated).toBe(1);
  });

  it('a connect fault closing 1011 with an error frame → one AuiServerError', async () => {
    h.server.failNextConnection({ type: 'close', code: 1011, errorFrame: ERROR_500 });
    const pool = h.pool();
    const result = await outcome(pool.turn({ task_id: h.task(), text: 'hi' }));
    // The frame may arrive before the turn is sent; the close alone still classifies it.
    expect(result.error).toMatchObject({ name: 'AuiServerError', closeCode: 1011 });
  });

  it('a TCP reset during the handshake → AuiConnectionError', async () => {
    h.server.failNextConnection({ type: 'destroy' });
    const result = await outcome(h.pool().turn({ task_id: h.task(), text: 'hi' }));
    expect(result.error).toMatchObject({ name: 'AuiConnectionError' });
  });

  it('nothing listening → AuiConnectionError naming the network error, not the URL', async () => {
    const pool = h.pool({ wsUrl: 'ws://127.0.0.1:1/api/v1/external/session' });
    const result = await outcome(pool.turn({ task_id: 't', text: 'hi' }));
    expect(result.error).toMatchObject({ name: 'AuiConnectionError', closeCode: 1006 });
    expect((result.error as Error).message).not.toContain('network_api_key');
  });

  it('an error frame not followed by a close → the frame alone after the wait, and the socket is closed', async () => {
    h.server.failNextTurn({ type: 'error-frame', frame: FRAME_ERROR });
    const pool = h.pool();
    const result = await outcome(pool.turn({ task_id: h.task(), text: 'hi' }));
    expect(result.error).toMatchObject({ name: 'AuiValidationError', status: 422 });
    expect((result.error as { closeCode?: number }).closeCode).toBeUndefined();
    expect(pool.stats.sockets).toBe(1); // closing; it goes once the server acknowledges
  });

  it('an oversize frame → AuiProtocolError (1009), the limit in the message', async () => {
    h.server.failNextTurn({ type: 'oversize', bytes: 9 * 1024 * 1024 });
    const result = await outcome(h.pool().turn({ task_id: h.task(), text: 'hi' }));
    expect(result.error).toMatchObject({ name: 'AuiProtocolError', closeCode: 1009, message: expect.stringContaining('8388608') });
  });
});

import { inspect } from 'node:util';
import { AuiProtocolError, AuiServerError, AuiTimeoutError, isRetryable, type AuiError } from '../lib/errors.js';
import { failureError, type SocketCloseEvent } from '../lib/failure-error.js';
import { createAuiError, inContext, isAuthFailure, isServerFailure, kindForCloseCode, kindForStatus } from '../lib/failure-policy.js';
import { ERROR_400_MODERATION, ERROR_500, FRAME_ERROR } from './helpers/fixtures.js';
import { CLOSE_ROWS, STATUS_ROWS, expectedForClose, expectedForFrame, expectedForStatus } from './helpers/wire-classification.js';

const closed = (code: number, extra: Partial<SocketCloseEvent> = {}): SocketCloseEvent => ({ code, reason: '', opened: true, ...extra });
const socket = (close?: SocketCloseEvent, errorFrame?: { status_code: number } & Record<string, unknown>, taskId = 't1'): AuiError =>
  failureError({ source: 'socket', close, errorFrame }, { taskId });
const http = (status: number, body: unknown = {}): AuiError =>
  failureError({ source: 'http', status, statusText: '', body, request: 'GET /api/v1/external/tasks' }, { taskId: 't1' });
const handshake = (status: number): AuiError => socket(closed(1006, { opened: false, handshakeStatus: status }));

/** Every status the table must place: the named rows, each class's edges, and what is not an error status. */
const STATUSES = [...Object.keys(STATUS_ROWS).map(Number), 0, 99, 100, 101, 199, 200, 204, 299, 300, 301, 302, 304, 399, 406, 418, 451, 499, 501, 511, 599, 600, 999, 401.5];

describe('the one status table (wire reference §5), identical for HTTP, handshake and error frames', () => {
  it.each(STATUSES)('status %p', (status) => {
    const expected = expectedForStatus(status);
    expect(kindForStatus(status)).toBe(expected.kind);
    const viaHttp = http(status);
    const viaHandshake = handshake(status);
    const viaFrame = socket(undefined, { status_code: status, message: 'x' });
    const viaFrame1011 = socket(closed(1011), { status_code: status, message: 'x' });
    const viaFrame1008 = socket(closed(1008), { status_code: status, message: 'x' });
    for (const error of [viaHttp, viaHandshake, viaFrame, viaFrame1011]) {
      expect({ name: error.name, kind: error.kind, retryable: error.retryable, status: error.status }).toEqual({
        name: expected.name,
        kind: expected.kind,
        retryable: expected.retryable,
        status,
      });
    }
    const with1008 = expectedForFrame(status, 1008);
    expect([viaFrame1008.name, viaFrame1008.retryable, viaFrame1008.closeCode]).toEqual([with1008.name, false, 1008]);
  });

  it.each(Object.keys(CLOSE_ROWS).map(Number))('close %p without an error frame', (code) => {
    const expected = expectedForClose(code);
    const error = socket(closed(code));
    expect(kindForCloseCode(code)).toBe(expected.kind);
    expect([error.name, error.kind, error.retryable, error.closeCode]).toEqual([expected.name, expected.kind, expected.retryable, code]);
  });

  it('err.retryable === isRetryable(err) for every outcome the policy can produce', () => {
    const all: AuiError[] = [];
    for (const status of STATUSES) all.push(http(status), handshake(status));
    for (const code of [...Object.keys(CLOSE_ROWS).map(Number), 3000, 4500]) {
      all.push(socket(closed(code)), socket(closed(code, { opened: false })));
      for (const status of STATUSES) all.push(socket(closed(code), { status_code: status }));
    }
    all.push(socket(closed(1006, { opened: false, connectTimeoutMs: 10 })), socket(undefined, undefined));
    for (const error of all) expect([error.name, error.retryable]).toEqual([error.name, isRetryable(error)]);
    expect(all.length).toBeGreaterThan(700);
  });

  it('an error frame with null members still classifies by its status and keeps the close code', () => {
    const frame = { status_code: 401, message: null, description: null, extra_data: null } as unknown as { status_code: number };
    expect(socket(closed(1008), frame)).toMatchObject({ name: 'AuiAuthenticationError', status: 401, closeCode: 1008, retryable: false });
  });
});

describe('the key never survives, in any form or rendering', () => {
  const renderings = (error: AuiError): string[] => {
    const cause = (error as { cause?: unknown }).cause;
    return [error.message, String(error), String(error.stack), JSON.stringify(error), inspect(error, { depth: 10 }), inspect(cause, { depth: 10 }), String(cause)];
  };
  const expectClean = (error: AuiError, key: string): void => {
    for (const text of renderings(error)) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(encodeURIComponent(key));
      expect(text.toLowerCase()).not.toContain(key.toLowerCase());
    }
  };

  it.each(['k3y!/+', 'API_KEY_01SECRET/+=ÄÖ', 'abc123'])('key %p: frame, close reason, body, issues, cause, reason phrase', (key) => {
    const echo = `bad ${key} and ${encodeURIComponent(key)} and ${new URLSearchParams({ k: key }).toString().slice(2)}`;
    const ctx = { taskId: 't1', secret: key };
    expectClean(failureError({ source: 'socket', close: closed(1008, { reason: echo }), errorFrame: { status_code: 401, message: echo } }, ctx), key);
    expectClean(failureError({ source: 'socket', close: closed(1011, { reason: echo, error: new Error(echo) }) }, ctx), key);
    expectClean(failureError({ source: 'http', status: 500, statusText: echo, body: { detail: echo, [key]: [echo] }, request: 'GET /x' }, ctx), key);
    let parseError: unknown;
    try {
      JSON.parse(`{"k": ${key}}`);
    } catch (e) {
      parseError = e;
    }
    expectClean(createAuiError('protocol', `body ${echo}`, { cause: parseError, issues: [{ path: [key], message: echo }] }, ctx), key);
    expectClean(createAuiError('connection', 'wrapped', { cause: Object.assign(new Error('outer'), { cause: new Error(echo) }) }, ctx), key);
  });

  it('inContext re-makes a parser error with the task and without the key', () => {
    const key = 'API_KEY_SHORTX';
    const raw = new AuiProtocolError(`Frame ${key} is not valid JSON`, { body: key, cause: new SyntaxError(`"${key}" is not valid JSON`) });
    const error = inContext(raw, { taskId: 't9', secret: key });
    expect(error).toMatchObject({ name: 'AuiProtocolError', taskId: 't9', retryable: false });
    expectClean(error, key);
    const timeout = inContext(new AuiTimeoutError('late', 'idle'), { taskId: 't9' }) as AuiTimeoutError;
    expect([timeout.phase, timeout.retryable]).toEqual(['idle', true]);
    expect(inContext(new Error('foreign'), { taskId: 't9' })).toMatchObject({ name: 'AuiConnectionError', taskId: 't9' });
  });
});

describe('operator predicates', () => {
  it('isServerFailure: close 1011 or (http) 5xx, and only when retryable', () => {
    expect(isServerFailure(socket(closed(1011)))).toBe(true);
    expect(isServerFailure(socket(closed(1011), ERROR_400_MODERATION))).toBe(false);
    expect(isServerFailure(socket(closed(1011), FRAME_ERROR))).toBe(false);
    expect(isServerFailure(socket(closed(1008), ERROR_500))).toBe(false);
    expect(isServerFailure(http(503))).toBe(false);
    expect(isServerFailure(http(503), true)).toBe(true);
    expect(isServerFailure(new AuiServerError('x', { closeCode: 1011, retryable: false }))).toBe(false);
    expect(isServerFailure(Object.assign(new Error('x'), { closeCode: 1011 }))).toBe(false);
  });

  it('isAuthFailure: any 1008, any authentication kind', () => {
    expect(isAuthFailure(socket(closed(1008), ERROR_500))).toBe(true);
    expect(isAuthFailure(socket(closed(4001)))).toBe(true);
    expect(isAuthFailure(http(401))).toBe(true);
    expect(isAuthFailure(socket(closed(1011)))).toBe(false);
    expect(isAuthFailure(Object.assign(new Error('foreign'), { closeCode: 1008 }))).toBe(false);
  });
});


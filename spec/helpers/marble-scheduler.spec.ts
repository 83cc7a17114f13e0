/**
 * The marble helper compares error notifications by class and fields, not by message (jest's own
 * `toEqual` does the opposite for Error objects: message only).
 */
import type { Observable } from 'rxjs';
import {
  AuiAuthenticationError,
  AuiConnectionError,
  AuiProtocolError,
  AuiServerError,
  AuiTimeoutError,
  AuiValidationError,
} from '../../lib/errors';
import { createTestScheduler, errorMatching, errorRecord } from './marble-scheduler';
import { anError } from './ws-marbles';

/** Runs one marble expectation: `actual` errors at frame 1; the expectation is '-#' with `expected`. */
function expectErrorMarble(actual: unknown, expected: unknown): void {
  const scheduler = createTestScheduler();
  scheduler.run(({ cold, expectObservable }) => {
    expectObservable(cold('-#', undefined, actual) as Observable<never>).toBe('-#', undefined, expected);
  });
}

/** Whether the marble expectation of {@link expectErrorMarble} passes. */
function marblePasses(actual: unknown, expected: unknown): boolean {
  try {
    expectErrorMarble(actual, expected);
    return true;
  } catch {
    return false;
  }
}

describe("jest 30's toEqual on Error objects (why the helper exists)", () => {
  it('compares two Errors by message only: class and fields are ignored', () => {
    expect(new AuiServerError('x', { closeCode: 1011 })).toEqual(new AuiAuthenticationError('x', { closeCode: 1008 }));
    expect(new AuiServerError('x', { closeCode: 1011 })).not.toEqual(new AuiServerError('y', { closeCode: 1011 }));
  });
});

describe('errorRecord', () => {
  it('keeps the class name, kind, retryable and the own fields; drops message, stack, cause and body', () => {
    const err = new AuiServerError('boom', { closeCode: 1011, status: 500, reason: 'r', taskId: 't1', body: { a: 1 }, cause: new Error('c') });
    expect(errorRecord(err, false)).toEqual({ name: 'AuiServerError', kind: 'server', retryable: true, closeCode: 1011, status: 500, reason: 'r', taskId: 't1' });
    expect(errorRecord(err, false)).not.toHaveProperty('message');
    expect(errorRecord(err, true)).toEqual(expect.objectContaining({ body: { a: 1 } }));
  });

  it('reduces issues to path and code, and keeps phase and retryAfterMs', () => {
    const err = new AuiValidationError('bad', { issues: [{ path: ['task_id'], message: 'Required', code: 'invalid_type' }, { path: [], message: 'x' }] });
    expect(errorRecord(err, false)['issues']).toEqual([{ path: ['task_id'], code: 'invalid_type' }, { path: [] }]);
    expect(errorRecord(new AuiTimeoutError('late', 'idle', { retryAfterMs: 5 }), false)).toEqual(
      expect.objectContaining({ name: 'AuiTimeoutError', phase: 'idle', retryAfterMs: 5 }),
    );
  });

  it('keeps the message of an error that is not an aui-rx error (it has nothing else)', () => {
    expect(errorRecord(new TypeError('nope'), false)).toEqual({ name: 'TypeError', message: 'nope' });
  });
});

describe('createTestScheduler: error notifications', () => {
  it('an expected error matches an actual one of the same class and fields, whatever its message', () => {
    expectErrorMarble(new AuiServerError('the socket closed (1011)', { closeCode: 1011, taskId: 't1' }), new AuiServerError('anything', { closeCode: 1011, taskId: 't1' }));
  });

  it('a different class fails, even with the same message and fields', () => {
    expect(marblePasses(new AuiConnectionError('x', { closeCode: 1011 }), new AuiServerError('x', { closeCode: 1011 }))).toBe(false);
  });

  it('a different closeCode, status, taskId, reason or phase fails', () => {
    expect(marblePasses(new AuiServerError('x', { closeCode: 1006 }), new AuiServerError('x', { closeCode: 1011 }))).toBe(false);
    expect(marblePasses(new AuiServerError('x', { status: 502 }), new AuiServerError('x', { status: 500 }))).toBe(false);
    expect(marblePasses(new AuiServerError('x', { taskId: 'a' }), new AuiServerError('x', { taskId: 'b' }))).toBe(false);
    expect(marblePasses(new AuiServerError('x', { reason: 'a' }), new AuiServerError('x', { reason: 'b' }))).toBe(false);
    expect(marblePasses(new AuiServerError('x', { closeCode: 1011 }), new AuiServerError('x'))).toBe(false);
    expect(marblePasses(new AuiTimeoutError('x', 'connect'), new AuiTimeoutError('x', 'idle'))).toBe(false);
  });

  it('a different retryable fails (an error marked final is not the retryable one)', () => {
    expect(marblePasses(new AuiConnectionError('x', { retryable: false }), new AuiConnectionError('x'))).toBe(false);
  });

  it('issues compare by path and code, not by message', () => {
    const actual = new AuiValidationError('a', { issues: [{ path: ['text'], message: 'Too small', code: 'too_small' }] });
    expectErrorMarble(actual, new AuiValidationError('b', { issues: [{ path: ['text'], message: 'other words', code: 'too_small' }] }));
    expect(marblePasses(actual, new AuiValidationError('a', { issues: [{ path: ['task_id'], message: 'Too small', code: 'too_small' }] }))).toBe(false);
    expect(marblePasses(actual, new AuiValidationError('a', { issues: [{ path: ['text'], message: 'Too small', code: 'invalid_type' }] }))).toBe(false);
  });

  it('body is compared only when the expected error has one', () => {
    const actual = new AuiProtocolError('bad frame', { body: '<html>' });
    expectErrorMarble(actual, new AuiProtocolError('x'));
    expectErrorMarble(actual, new AuiProtocolError('x', { body: '<html>' }));
    expect(marblePasses(actual, new AuiProtocolError('x', { body: 'other' }))).toBe(false);
  });

  it('plain Errors still need the same class and message', () => {
    expectErrorMarble(new Error('boom'), new Error('boom'));
    expect(marblePasses(new Error('boom'), new Error('bang'))).toBe(false);
    expect(marblePasses(new TypeError('boom'), new Error('boom'))).toBe(false);
  });

  it('an asymmetric matcher as the expected error sees the raw error', () => {
    expectErrorMarble(new AuiServerError('boom', { closeCode: 1011 }), expect.objectContaining({ name: 'AuiServerError', message: 'boom' }));
    expect(marblePasses(new AuiServerError('boom'), expect.objectContaining({ name: 'AuiAuthenticationError' }))).toBe(false);
  });

  it('non-error values, frames and subscriptions compare as before', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-(b|)', { a: { x: 1 }, b: 'two' });
      expectObservable(source).toBe('-a-(b|)', { a: { x: 1 }, b: 'two' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectObservable(cold('--#', undefined, 'a string')).toBe('--#', undefined, 'a string');
    });
    expect(marblePasses('one string', 'another')).toBe(false);
    expect(() =>
      createTestScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('-#', undefined, new AuiServerError('x'))).toBe('--#', undefined, new AuiServerError('x'));
      }),
    ).toThrow();
  });

  it('expectObservable(a).toEqual(b) compares both sides by class and fields', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-#', undefined, new AuiServerError('one', { closeCode: 1011 }))).toEqual(cold('-#', undefined, new AuiServerError('two', { closeCode: 1011 })));
    });
    expect(() =>
      createTestScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('-#', undefined, new AuiServerError('x', { closeCode: 1011 }))).toEqual(cold('-#', undefined, new AuiServerError('x', { closeCode: 1006 })));
      }),
    ).toThrow();
  });
});

describe('anError / errorMatching', () => {
  const err = new AuiValidationError('Invalid', { status: 422, closeCode: 1008, reason: 'Invalid', taskId: 't1', body: { a: 1 }, issues: [{ path: ['x'], message: 'm', code: 'c' }] });

  it('matches the class and the listed fields, leaving the others free', () => {
    expectErrorMarble(err, anError('AuiValidationError'));
    expectErrorMarble(err, anError('AuiValidationError', { status: 422, closeCode: 1008 }));
    expectErrorMarble(err, anError('AuiValidationError', { kind: 'validation', retryable: false, issues: [{ path: ['x'], message: 'other', code: 'c' }] }));
    expectErrorMarble(err, anError('AuiValidationError', { issues: expect.any(Array) }));
  });

  it('fails on another class or another value of a listed field', () => {
    expect(marblePasses(err, anError('AuiApplicationError', { status: 422 }))).toBe(false);
    expect(marblePasses(err, anError('AuiValidationError', { closeCode: 1011 }))).toBe(false);
    expect(marblePasses(err, anError('AuiValidationError', { issues: [{ path: ['y'], code: 'c' }] }))).toBe(false);
    expect(marblePasses('not an error', anError('AuiValidationError'))).toBe(false);
  });

  it('a field listed as undefined must be absent', () => {
    expectErrorMarble(new AuiServerError('x', { status: 500 }), anError('AuiServerError', { closeCode: undefined }));
    expect(marblePasses(err, anError('AuiValidationError', { closeCode: undefined }))).toBe(false);
  });

  it('compares body and message only when listed', () => {
    expectErrorMarble(err, anError('AuiValidationError', { body: { a: 1 } }));
    expect(marblePasses(err, anError('AuiValidationError', { body: { a: 2 } }))).toBe(false);
    expectErrorMarble(err, anError('AuiValidationError', { message: 'Invalid' }));
    expect(marblePasses(err, anError('AuiValidationError', { message: 'other' }))).toBe(false);
  });

  it('works outside a marble too, and prints what it wants', () => {
    expect(err).toEqual(errorMatching('AuiValidationError', { taskId: 't1' }));
    expect(err).not.toEqual(errorMatching('AuiValidationError', { taskId: 't2' }));
    expect(() => expect(err).toEqual(errorMatching('AuiServerError', { closeCode: 1011 }))).toThrow(/anError\(AuiServerError, \{ closeCode: 1011 \}\)/);
  });
});

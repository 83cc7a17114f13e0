import {
  AuiApplicationError,
  AuiAuthenticationError,
  AuiConnectionError,
  AuiError,
  AuiProtocolError,
  AuiRateLimitError,
  AuiServerError,
  AuiTimeoutError,
  AuiValidationError,
  isAuiError,
  isRetryable,
  retryableFor,
} from '../lib/errors';

describe('error family', () => {
  it.each([
    [AuiAuthenticationError, 'AuiAuthenticationError', 'authentication', false],
    [AuiValidationError, 'AuiValidationError', 'validation', false],
    [AuiApplicationError, 'AuiApplicationError', 'application', false],
    [AuiServerError, 'AuiServerError', 'server', true],
    [AuiRateLimitError, 'AuiRateLimitError', 'rate-limit', true],
    [AuiConnectionError, 'AuiConnectionError', 'connection', true],
    [AuiProtocolError, 'AuiProtocolError', 'protocol', false],
  ] as const)('%p has name %s, kind %s, retryable %s', (Class, name, kind, retryable) => {
    const error = new Class('something failed');
    expect(error).toBeInstanceOf(AuiError);
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.kind, error.retryable, error.message]).toEqual([name, kind, retryable, 'something failed']);
    expect(String(error)).toBe(`${name}: something failed`);
    expect(error.stack).toContain('something failed');
    expect(isAuiError(error)).toBe(true);
    expect(isRetryable(error)).toBe(retryable);
  });

  it('AuiTimeoutError carries its phase, also in JSON', () => {
    const error = new AuiTimeoutError('late', 'idle', { taskId: 't1' });
    expect([error.kind, error.retryable, error.phase, error.taskId]).toEqual(['timeout', true, 'idle', 't1']);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'AuiTimeoutError', kind: 'timeout', message: 'late', retryable: true, taskId: 't1', phase: 'idle' });
  });

  it('copies every init field it is given and leaves the others unset', () => {
    const error = new AuiServerError('boom', {
      status: 500,
      closeCode: 1011,
      reason: 'internal',
      body: { status_code: 500 },
      taskId: 't1',
      retryAfterMs: 250,
      issues: [{ path: ['a'], message: 'bad' }],
    });
    expect(error).toMatchObject({ status: 500, closeCode: 1011, reason: 'internal', body: { status_code: 500 }, taskId: 't1', retryAfterMs: 250 });
    const bare = new AuiServerError('bare');
    expect(Object.keys(bare).sort()).toEqual(['kind', 'name', 'retryable']);
    expect('status' in bare).toBe(false);
    expect(bare.toJSON()).toEqual({ name: 'AuiServerError', kind: 'server', message: 'bare', retryable: true });
  });

  it('keeps `cause` reachable but out of JSON and enumeration', () => {
    const cause = new Error('API_KEY_SECRET inside a cause');
    const error = new AuiConnectionError('network down', { cause, status: 0 });
    expect((error as { cause?: unknown }).cause).toBe(cause);
    expect(Object.keys(error)).not.toContain('cause');
    expect(JSON.stringify(error)).not.toContain('API_KEY_SECRET');
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'AuiConnectionError', kind: 'connection', message: 'network down', retryable: true, status: 0 });
  });

  it('isAuiError checks the global brand, so it holds across two copies of the package', () => {
    const fromOtherCopy = Object.assign(new Error('x'), { [Symbol.for('aui-rx.error')]: true, kind: 'server' });
    expect(isAuiError(fromOtherCopy)).toBe(true);
    expect(isAuiError(new Error('x'))).toBe(false);
    expect(isAuiError({ kind: 'server' })).toBe(false);
    expect(isAuiError(null)).toBe(false);
    expect(isAuiError('AuiServerError')).toBe(false);
  });

  it('retryable is computed once by retryableFor, so err.retryable === isRetryable(err) always', () => {
    const cases = [
      new AuiServerError('frame 500, close 1008', { status: 500, closeCode: 1008 }),
      new AuiConnectionError('client closed', { retryable: false }),
      new AuiConnectionError('lost', { closeCode: 1006 }),
      new AuiProtocolError('bad', { closeCode: 1011 }),
      new AuiRateLimitError('slow down', { retryAfterMs: 10 }),
      new AuiTimeoutError('late', 'idle', { closeCode: 1008 }),
    ];
    expect(cases.map((e) => e.retryable)).toEqual([false, false, true, false, true, false]);
    for (const error of cases) expect(error.retryable).toBe(isRetryable(error));
    expect(retryableFor('server', {})).toBe(true);
    expect(retryableFor('validation', {})).toBe(false);
    expect(new AuiConnectionError('x', { retryable: false }).toJSON()).toMatchObject({ retryable: false });
    expect(Object.keys(new AuiConnectionError('x', { retryable: false }))).not.toContain('retryable: false');
  });

  it('each class has its kind as a static, read by the constructor', () => {
    expect([AuiServerError.kind, AuiTimeoutError.kind, new AuiTimeoutError('x', 'connect').kind]).toEqual(['server', 'timeout', 'timeout']);
  });

  it('isRetryable: never for a 1008 close, never for non-aui values', () => {
    expect(isRetryable(new AuiServerError('x', { closeCode: 1011 }))).toBe(true);
    expect(isRetryable(new AuiConnectionError('x', { closeCode: 1008 }))).toBe(false);
    expect(isRetryable(new AuiServerError('x', { closeCode: 1008 }))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });
});

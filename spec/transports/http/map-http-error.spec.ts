import {
  AuiApplicationError,
  AuiAuthenticationError,
  AuiConnectionError,
  AuiProtocolError,
  AuiRateLimitError,
  AuiServerError,
  AuiTimeoutError,
  AuiValidationError,
  isAuiError,
} from '../../../lib/errors';
import { TaskSchema } from '../../../lib/protocol/rest';
import {
  decodeHttpBody,
  mapHttpError,
  mapNetworkError,
  MAX_RAW_BODY_CHARS,
  redirectRefusedError,
  requestTimeoutError,
  type HttpErrorContext,
} from '../../../lib/transports/http/map-http-error';
import * as F from '../../helpers/fixtures';
import { expectNoSecret, randomApiKey } from '../../helpers/rest-helpers';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function facts(status: number, body: unknown, headers: Record<string, string> = {}, statusText = '') {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { status, statusText, headers: new Headers(headers), text };
}

describe('mapHttpError', () => {
  const ctx: HttpErrorContext = { method: 'GET', path: '/api/v1/external/tasks', now: () => NOW };

  it.each([
    [401, F.ERROR_401_DETAIL, AuiAuthenticationError, 'HTTP 401: Not authenticated (GET /api/v1/external/tasks)'],
    [401, F.ERROR_401_ERRORS, AuiAuthenticationError, 'HTTP 401: Unauthorized (GET /api/v1/external/tasks)'],
    [403, F.ERROR_403_FORBIDDEN, AuiAuthenticationError, 'HTTP 403: Forbidden (GET /api/v1/external/tasks)'],
    [403, F.ERROR_401_DETAIL, AuiAuthenticationError, 'HTTP 403: Not authenticated (GET /api/v1/external/tasks)'],
    [422, F.ERROR_422_DETAIL, AuiValidationError, 'HTTP 422: body.task_id: field required (GET /api/v1/external/tasks)'],
    [
      422,
      F.ERROR_422_ERRORS,
      AuiValidationError,
      'HTTP 422: query.user_id: field required; query.size.0: value is not a valid integer (GET /api/v1/external/tasks)',
    ],
    [
      400,
      F.ERROR_400_MODERATION,
      AuiApplicationError,
      'HTTP 400: Content moderation triggered: The message was flagged by content moderation. (GET /api/v1/external/tasks)',
    ],
    [500, F.ERROR_500, AuiServerError, 'HTTP 500: Internal server error: An unexpected error occurred. (GET /api/v1/external/tasks)'],
    [502, F.ERROR_502_HTML, AuiServerError, 'HTTP 502 (GET /api/v1/external/tasks)'],
    [503, undefined, AuiServerError, 'HTTP 503 (GET /api/v1/external/tasks)'],
    [599, 'oops', AuiServerError, 'HTTP 599 (GET /api/v1/external/tasks)'],
    [404, { detail: 'Task not found' }, AuiApplicationError, 'HTTP 404: Task not found (GET /api/v1/external/tasks)'],
    [409, {}, AuiApplicationError, 'HTTP 409 (GET /api/v1/external/tasks)'],
    [408, undefined, AuiTimeoutError, 'HTTP 408 (GET /api/v1/external/tasks)'],
    [429, { detail: 'Too many requests' }, AuiRateLimitError, 'HTTP 429: Too many requests (GET /api/v1/external/tasks)'],
    [304, undefined, AuiProtocolError, 'HTTP 304: unexpected status (GET /api/v1/external/tasks)'],
  ] as const)('%d %j → %p', (status, body, Class, message) => {
    const error = mapHttpError(facts(status, body), ctx);
    expect(error).toBeInstanceOf(Class);
    expect(isAuiError(error)).toBe(true);
    expect(error.message).toBe(message);
    expect(error.status).toBe(status);
    expect(error.body).toEqual(body === undefined ? '' : body);
  });

  it('uses the server reason phrase when there is one (HTTP/2 responses have none: status alone)', () => {
    expect(mapHttpError(facts(418, {}, {}, "I'm a teapot"), ctx).message).toBe("HTTP 418 I'm a teapot (GET /api/v1/external/tasks)");
  });

  it('gives 422 issues from detail[] and errors[] in the library shape', () => {
    expect(mapHttpError(facts(422, F.ERROR_422_DETAIL), ctx).issues).toEqual([
      { path: ['body', 'task_id'], message: 'field required', code: 'value_error.missing' },
    ]);
    expect(mapHttpError(facts(422, F.ERROR_422_ERRORS), ctx).issues).toEqual([
      { path: ['query', 'user_id'], message: 'field required', code: 'value_error.missing' },
      { path: ['query', 'size', 0], message: 'value is not a valid integer', code: 'type_error.integer' },
    ]);
    expect(mapHttpError(facts(422, 'not json'), ctx).issues).toEqual([]);
  });

  it('keeps moderation details on the body', () => {
    const error = mapHttpError(facts(400, F.ERROR_400_MODERATION), ctx);
    expect((error.body as typeof F.ERROR_400_MODERATION).extra_data.moderation_category).toBe('harmful_content');
    expect(error.retryable).toBe(false);
  });

  it('reads Retry-After (seconds or date, against ctx.now) on 429 and 5xx', () => {
    expect(mapHttpError(facts(429, {}, { 'retry-after': '7' }), ctx).retryAfterMs).toBe(7000);
    const date = new Date(NOW + 30_000).toUTCString();
    expect(mapHttpError(facts(429, {}, { 'retry-after': date }), ctx).retryAfterMs).toBe(30_000);
    expect(mapHttpError(facts(503, F.ERROR_500, { 'retry-after': '2' }), ctx).retryAfterMs).toBe(2000);
    expect(mapHttpError(facts(429, {}), ctx).retryAfterMs).toBeUndefined();
    expect(mapHttpError(facts(401, {}, { 'retry-after': '2' }), ctx).retryAfterMs).toBeUndefined();
  });

  it('sets retryable by class: 429/5xx/408 yes, auth/validation/application no', () => {
    const retryable = [401, 403, 422, 400, 404, 429, 500, 503, 408].map((s) => mapHttpError(facts(s, {}), ctx).retryable);
    expect(retryable).toEqual([false, false, false, false, false, true, true, true, true]);
    expect((mapHttpError(facts(408, {}), ctx) as AuiTimeoutError).phase).toBe('request');
  });

  it('copies taskId and keeps long raw bodies clipped', () => {
    const error = mapHttpError(facts(500, 'x'.repeat(MAX_RAW_BODY_CHARS * 2)), { ...ctx, taskId: 'task-1' });
    expect(error.taskId).toBe('task-1');
    expect((error.body as string).length).toBe(MAX_RAW_BODY_CHARS + 1);
  });

  it('removes the key from message, body and JSON when a server echoes it', () => {
    const key = randomApiKey();
    const error = mapHttpError(facts(401, { detail: `Invalid key ${key}` }), { ...ctx, secret: key });
    expect(error.message).toBe('HTTP 401: Invalid key [redacted] (GET /api/v1/external/tasks)');
    expectNoSecret(error, key);
    const html = mapHttpError(facts(502, `<p>${key}</p>`), { ...ctx, secret: key });
    expectNoSecret(html, key);
  });
});

describe('decodeHttpBody', () => {
  const ctx: HttpErrorContext = { method: 'GET', path: '/api/v1/external/tasks/t1', taskId: 't1', now: () => NOW };

  it('parses a valid body and keeps unknown fields', () => {
    expect(decodeHttpBody(facts(200, F.TASK_ABSENT_OPTIONALS), TaskSchema, ctx)).toEqual(F.TASK_ABSENT_OPTIONALS);
  });

  it('turns a non-JSON 2xx body into AuiProtocolError with the raw text', () => {
    const run = (): unknown => decodeHttpBody(facts(200, '<html>hi</html>', {}, 'OK'), TaskSchema, ctx);
    expect(run).toThrow(AuiProtocolError);
    expect(run).toThrow('HTTP 200 OK: response body is not JSON (GET /api/v1/external/tasks/t1)');
    try {
      run();
    } catch (error) {
      expect(error).toMatchObject({ status: 200, body: '<html>hi</html>', taskId: 't1' });
    }
  });

  it('turns an empty 2xx body into AuiProtocolError', () => {
    expect(() => decodeHttpBody(facts(200, undefined), TaskSchema, ctx)).toThrow('HTTP 200: response body is empty (GET /api/v1/external/tasks/t1)');
  });

  it('turns a schema mismatch into AuiProtocolError with zod issues', () => {
    let caught: unknown;
    try {
      decodeHttpBody(facts(200, { id: 5, user_id: 'u' }), TaskSchema, ctx);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AuiProtocolError);
    const error = caught as AuiProtocolError;
    expect(error.message).toMatch(/^HTTP 200: unexpected response body, id: .+ \(GET \/api\/v1\/external\/tasks\/t1\)$/);
    expect(error.issues?.map((i) => i.path)).toEqual([['id'], ['title']]);
    expect(error.issues?.[0]?.code).toBe('invalid_type');
    expect(error.body).toEqual({ id: 5, user_id: 'u' });
  });
});

describe('other HTTP failures', () => {
  const key = randomApiKey();
  const ctx: HttpErrorContext = { method: 'POST', path: '/api/v1/external/message', taskId: 't9', secret: key, now: () => NOW };

  it('maps a network failure with its code, keeps the cause unserialised', () => {
    const cause = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const error = mapNetworkError(cause, ctx);
    expect(error).toBeInstanceOf(AuiConnectionError);
    expect(error.message).toBe('Network error: fetch failed (ECONNREFUSED) (POST /api/v1/external/message)');
    expect(error).toMatchObject({ taskId: 't9', retryable: true, cause });
    expect(JSON.stringify(error)).not.toContain('connect ECONNREFUSED');
  });

  it('never copies the key from a failure text', () => {
    const error = mapNetworkError(new TypeError(`Headers.append: "${key}\n" is an invalid header value.`), ctx);
    expectNoSecret(error, key);
  });

  it('passes an aui-rx error through', () => {
    const original = new AuiServerError('boom');
    expect(mapNetworkError(original, ctx)).toBe(original);
  });

  it('describes refused redirects', () => {
    expect(redirectRefusedError(ctx, { status: 307, targetOrigin: 'http://127.0.0.1:9' }).message).toBe(
      'HTTP 307 redirect to another origin (http://127.0.0.1:9) refused: the API key is never sent to another origin (POST /api/v1/external/message)',
    );
    expect(redirectRefusedError(ctx, { status: 0 }).message).toBe(
      'Redirect refused: its target is hidden (opaque redirect) and may be another origin (POST /api/v1/external/message)',
    );
    expect(redirectRefusedError(ctx, { status: 302, tooMany: true })).toMatchObject({ status: 302, kind: 'connection' });
  });

  it('describes a request timeout', () => {
    const error = requestTimeoutError(ctx, 1500);
    expect(error).toBeInstanceOf(AuiTimeoutError);
    expect(error).toMatchObject({ phase: 'request', taskId: 't9', message: 'No response within 1500 ms (POST /api/v1/external/message)' });
  });
});

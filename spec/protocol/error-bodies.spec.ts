import {
  ApplicationErrorBodySchema,
  DetailErrorBodySchema,
  ErrorBodySchema,
  ErrorsListBodySchema,
  summarizeErrorBody,
  type ApplicationErrorBody,
  type DetailErrorBody,
  type ErrorBody,
  type ErrorsListBody,
  type ValidationItem,
} from '../../lib/protocol/error-bodies';
import * as F from '../helpers/fixtures';
import type { Equal } from '../helpers/type-equal';

describe('error body schemas', () => {
  it.each([
    ['401 detail', F.ERROR_401_DETAIL, DetailErrorBodySchema],
    ['401 errors', F.ERROR_401_ERRORS, ErrorsListBodySchema],
    ['403 errors', F.ERROR_403_FORBIDDEN, ErrorsListBodySchema],
    ['422 detail[]', F.ERROR_422_DETAIL, DetailErrorBodySchema],
    ['422 errors[]', F.ERROR_422_ERRORS, ErrorsListBodySchema],
    ['400 moderation', F.ERROR_400_MODERATION, ApplicationErrorBodySchema],
    ['500', F.ERROR_500, ApplicationErrorBodySchema],
    ['error frame', F.FRAME_ERROR, ApplicationErrorBodySchema],
  ] as const)('%s parses with its own schema and with ErrorBodySchema', (_name, body, schema) => {
    expect(schema.parse(body)).toEqual(body);
    expect(ErrorBodySchema.safeParse(body).success).toBe(true);
  });

  it('reads an optional member sent as null as absent (FastAPI style)', () => {
    expect(ApplicationErrorBodySchema.parse({ status_code: 401, message: null, description: null, extra_data: null })).toStrictEqual({ status_code: 401 });
    expect(ErrorsListBodySchema.parse({ status_code: null, errors: [{ loc: null, msg: 'm', type: null }] })).toStrictEqual({ errors: [{ loc: [], msg: 'm' }] });
    expect(DetailErrorBodySchema.parse({ detail: [{ loc: ['body'], msg: 'm', type: null }] })).toStrictEqual({ detail: [{ loc: ['body'], msg: 'm' }] });
  });

  it('rejects bodies of no documented shape', () => {
    for (const body of ['<html/>', null, [], { message: 'x' }, { detail: 5 }]) expect(ErrorBodySchema.safeParse(body).success).toBe(false);
  });
});

describe('summarizeErrorBody', () => {
  it.each([
    ['401 detail', F.ERROR_401_DETAIL, { message: 'Not authenticated' }],
    ['401 errors', F.ERROR_401_ERRORS, { message: 'Unauthorized', statusCode: 401 }],
    ['403 errors', F.ERROR_403_FORBIDDEN, { message: 'Forbidden', statusCode: 403 }],
    [
      '422 detail[]',
      F.ERROR_422_DETAIL,
      { message: 'body.task_id: field required', issues: [{ path: ['body', 'task_id'], message: 'field required', code: 'value_error.missing' }] },
    ],
    [
      '422 errors[]',
      F.ERROR_422_ERRORS,
      {
        message: 'query.user_id: field required; query.size.0: value is not a valid integer',
        issues: [
          { path: ['query', 'user_id'], message: 'field required', code: 'value_error.missing' },
          { path: ['query', 'size', 0], message: 'value is not a valid integer', code: 'type_error.integer' },
        ],
      },
    ],
    ['400 moderation', F.ERROR_400_MODERATION, { message: 'Content moderation triggered: The message was flagged by content moderation.', statusCode: 400 }],
    ['500', F.ERROR_500, { message: 'Internal server error: An unexpected error occurred.', statusCode: 500 }],
    ['error frame 401 (Fern)', F.FRAME_ERROR_401, { message: 'Authentication failed: Invalid API key', statusCode: 401 }],
    ['status_code only', { status_code: 502 }, { statusCode: 502 }],
    ['description only', { status_code: 500, description: 'Oops' }, { message: 'Oops', statusCode: 500 }],
    ['mixed errors list', { errors: ['Bad', { loc: [], msg: 'whole body', type: 't' }] }, { message: 'Bad; whole body', issues: [{ path: [], message: 'whole body', code: 't' }] }],
    ['a 422 item without type', { detail: [{ loc: ['body'], msg: 'm' }] }, { message: 'body: m', issues: [{ path: ['body'], message: 'm' }] }],
    ['HTML', F.ERROR_502_HTML, {}],
    ['empty', '', {}],
    ['null', null, {}],
    ['401 with message and description null', { status_code: 401, message: null, description: null }, { statusCode: 401 }],
    ['400 with message null', { status_code: 400, description: 'Blocked', message: null, extra_data: null }, { message: 'Blocked', statusCode: 400 }],
    ['422 item with loc and type null', { detail: [{ loc: null, msg: 'field required', type: null }] }, { message: 'field required', issues: [{ path: [], message: 'field required' }] }],
    ['errors list with status_code null', { status_code: null, errors: ['Unauthorized'] }, { message: 'Unauthorized' }],
  ])('%s', (_name, body, summary) => {
    expect(summarizeErrorBody(body)).toEqual(summary);
  });
});

type PinnedItem = { loc: Array<string | number>; msg: string; type?: string | undefined; [key: string]: unknown };
type PinnedDetail = { detail: string | PinnedItem[]; [key: string]: unknown };
type PinnedErrorsList = { status_code?: number | undefined; errors: Array<string | PinnedItem>; [key: string]: unknown };
type PinnedApplication = { status_code: number; description?: string | undefined; message?: string | undefined; extra_data?: Record<string, unknown> | null | undefined; [key: string]: unknown };

describe('inferred types (pinned)', () => {
  it('stay exactly as written out above (checked by the compiler)', () => {
    const pinned: Array<true> = [
      true satisfies Equal<ValidationItem, PinnedItem>,
      true satisfies Equal<DetailErrorBody, PinnedDetail>,
      true satisfies Equal<ErrorsListBody, PinnedErrorsList>,
      true satisfies Equal<ApplicationErrorBody, PinnedApplication>,
      true satisfies Equal<ErrorBody, PinnedDetail | PinnedErrorsList | PinnedApplication>,
    ];
    expect(pinned).toHaveLength(5);
  });
});

/**
 * zod schemas for every documented error body (wire reference §5, §3.3, §4.3 C) and a summariser
 * that turns any of them into a human message plus validation issues. An optional member sent as
 * `null` is read as absent, so a body like `{status_code: 401, message: null}` still gives its status.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { AuiIssue } from '../errors.js';
import { nullAsAbsent, wireObject } from '../internal/null-as-absent.js';
import { describeIssue } from '../internal/zod-issues.js';

/** One item of a 422 body (`ValidationError`): `loc` path, `msg` text, `type` code. */
export const ValidationItemSchema = wireObject({
  /** Path to the failing field, e.g. `["body", "task_id"]`; `[]` when absent. */
  loc: nullAsAbsent(z._default(z.array(z.union([z.string(), z.number()])), [])),
  /** Human-readable problem, e.g. `field required`. */
  msg: z.string(),
  /** Machine-readable error code, e.g. `value_error.missing`. */
  type: nullAsAbsent(z.optional(z.string())),
});
/** One item of a 422 body. */
export type ValidationItem = z.infer<typeof ValidationItemSchema>;

/** FastAPI style: `{"detail": "Not authenticated"}` (401/403) or `{"detail": [ValidationItem…]}` (422). */
export const DetailErrorBodySchema = wireObject({
  /** A message such as `Not authenticated` (401/403), or the list of validation problems (422). */
  detail: z.union([z.string(), z.array(ValidationItemSchema)]),
});
/** FastAPI-style error body. */
export type DetailErrorBody = z.infer<typeof DetailErrorBodySchema>;

/** OpenAPI `HTTPValidationError` `{"errors": [ValidationItem…]}` and G0 `{"status_code": 401, "errors": ["Unauthorized"]}`. */
export const ErrorsListBodySchema = wireObject({
  /** The HTTP status repeated in the body (G0 form), e.g. `401`. */
  status_code: nullAsAbsent(z.optional(z.number().check(z.int()))),
  /** Error words such as `Unauthorized`, or validation problems (OpenAPI `HTTPValidationError`). */
  errors: z.array(z.union([z.string(), ValidationItemSchema])),
});
/** `errors`-list error body. */
export type ErrorsListBody = z.infer<typeof ErrorsListBodySchema>;

/**
 * The application error body `{status_code, description, message, extra_data?}` used by HTTP 400/5xx
 * and by the WebSocket error frame (`ErrorMessagePayload`).
 */
export const ApplicationErrorBodySchema = wireObject({
  /** The HTTP status the error stands for, e.g. `400`, `422` or `500`. */
  status_code: z.number().check(z.int()),
  /** Short summary, e.g. `Content moderation triggered`. */
  description: nullAsAbsent(z.optional(z.string())),
  /** Detailed explanation, e.g. `The message was flagged by content moderation.` */
  message: nullAsAbsent(z.optional(z.string())),
  /** Error-specific context whose structure depends on the error type (e.g. `moderation_category`). */
  extra_data: nullAsAbsent(z.nullish(z.record(z.string(), z.unknown()))),
});
/** The application error body / WebSocket error frame. */
export type ApplicationErrorBody = z.infer<typeof ApplicationErrorBodySchema>;

/** Any documented error body. */
export const ErrorBodySchema = /* @__PURE__ */ z.union([DetailErrorBodySchema, ErrorsListBodySchema, ApplicationErrorBodySchema]);
/** Any documented error body. */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** What an error body says, in a form the error classes take. */
export interface ErrorBodySummary {
  /** A one-line human summary, when the body had one. */
  readonly message?: string;
  /** Validation problems listed by the body. */
  readonly issues?: readonly AuiIssue[];
  /** The body's own `status_code`, when present. */
  readonly statusCode?: number;
}

function toIssue(item: ValidationItem): AuiIssue {
  const issue = { path: item.loc, message: item.msg };
  return item.type === undefined ? issue : { ...issue, code: item.type };
}

function listIssues(items: ReadonlyArray<string | ValidationItem>): { issues: AuiIssue[]; words: string[] } {
  const issues: AuiIssue[] = [];
  const words: string[] = [];
  for (const item of items) {
    if (typeof item === 'string') words.push(item);
    else issues.push(toIssue(item));
  }
  return { issues, words };
}

function describeIssues(issues: readonly AuiIssue[]): string {
  return issues.map(describeIssue).join('; ');
}

/**
 * Summarises any documented error body (or anything else) into a message and issues.
 * Unknown shapes give an empty summary; this function never throws.
 *
 * @example
 * summarizeErrorBody({ detail: 'Not authenticated' }).message; // 'Not authenticated'
 */
export function summarizeErrorBody(body: unknown): ErrorBodySummary {
  const app = ApplicationErrorBodySchema.safeParse(body);
  if (app.success && (app.data.message !== undefined || app.data.description !== undefined)) {
    const text = [app.data.description, app.data.message].filter((s): s is string => !!s).join(': ');
    return { message: text, statusCode: app.data.status_code };
  }
  const detail = DetailErrorBodySchema.safeParse(body);
  if (detail.success) {
    if (typeof detail.data.detail === 'string') return { message: detail.data.detail };
    const issues = detail.data.detail.map(toIssue);
    return { message: describeIssues(issues), issues };
  }
  const list = ErrorsListBodySchema.safeParse(body);
  if (list.success) {
    const { issues, words } = listIssues(list.data.errors);
    const message = [...words, describeIssues(issues)].filter(Boolean).join('; ');
    const base = issues.length ? { message, issues } : { message };
    return list.data.status_code === undefined ? base : { ...base, statusCode: list.data.status_code };
  }
  return app.success ? { statusCode: app.data.status_code } : {};
}

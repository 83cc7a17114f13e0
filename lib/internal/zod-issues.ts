import type { z } from 'zod';
import type { AuiIssue } from '../errors.js';

/** Converts zod issues to the library's plain issue shape (no zod types leak into errors). */
export function toAuiIssues(error: z.ZodError): AuiIssue[] {
  return error.issues.map((i) => ({ path: i.path, message: i.message, code: i.code }));
}

/** One issue as text: `path.to.field: message`, or just the message for the value itself. */
export function describeIssue(issue: AuiIssue): string {
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}

/**
 * The one client → server WebSocket frame (wire reference §4.2): `{task_id, text, context?}`,
 * the same structure as the REST send-message body.
 *
 * @packageDocumentation
 */
import type { z } from 'zod';
import { AuiValidationError } from '../errors.js';
import { describeIssue, toAuiIssues } from '../internal/zod-issues.js';
import { acceptSendMessage, type AcceptedSendMessage } from './fast-accept.js';
import { SendMessageRequestSchema } from './rest.js';

/** The user-message frame a client sends on the session socket. */
export const UserMessageFrameSchema = SendMessageRequestSchema;
/** The user-message frame a client sends on the session socket. */
export type UserMessageFrame = z.infer<typeof UserMessageFrameSchema>;

/**
 * Encodes a validated user message as the JSON text of a client frame. Absent and `undefined`
 * members are left out; `context: null` is sent as null (the server accepts both).
 *
 * @example
 * encodeUserMessageFrame({ task_id: 't1', text: 'hi' }); // '{"task_id":"t1","text":"hi"}'
 */
export function encodeUserMessageFrame(frame: UserMessageFrame): string {
  return JSON.stringify(frame);
}

/**
 * Validates a user message (anything a caller passed) and encodes it: the task id (trimmed) and the
 * frame's JSON. A message the schema rejects throws {@link AuiValidationError} with the issues.
 * Common messages take a fast path that agrees with the schema; the rest go through zod.
 *
 * @example
 * encodeUserMessage({ task_id: ' t1 ', text: 'hi' }); // { taskId: 't1', json: '{"task_id":"t1","text":"hi"}' }
 * @internal
 */
export function encodeUserMessage(request: unknown): AcceptedSendMessage {
  const fast = acceptSendMessage(request);
  if (fast !== undefined) return fast;
  const parsed = SendMessageRequestSchema.safeParse(request);
  if (parsed.success) return { taskId: parsed.data.task_id, json: encodeUserMessageFrame(parsed.data) };
  const issues = toAuiIssues(parsed.error);
  const first = issues[0];
  throw new AuiValidationError(`Invalid message: ${first ? describeIssue(first) : 'invalid'}`, { issues });
}

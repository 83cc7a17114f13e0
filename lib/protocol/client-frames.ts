/**
 * The one client → server WebSocket frame (wire reference §4.2): `{task_id, text, context?}`,
 * the same structure as the REST send-message body.
 *
 * @packageDocumentation
 */
import type { z } from 'zod';
import { encodeArgs, guardArgs } from '../internal/validate-args.js';
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
 * frame's JSON. Goes through the one validation path (`lib/internal/validate-args.ts`): a message the
 * schema rejects, or one that cannot be read or encoded, throws `AuiValidationError`
 * (`Invalid arguments for <method>: …; no request was sent`, `taskId` where known). Common messages
 * take a fast path that agrees with the schema; the rest go through zod.
 *
 * @example
 * encodeUserMessage({ task_id: ' t1 ', text: 'hi' }); // { taskId: 't1', json: '{"task_id":"t1","text":"hi"}' }
 * @internal
 */
export function encodeUserMessage(request: unknown, method = 'streamMessage'): AcceptedSendMessage {
  return guardArgs(method, request, 'task_id', () => {
    const fast = acceptSendMessage(request);
    if (fast !== undefined) return fast;
    const { value, json } = encodeArgs(UserMessageFrameSchema, request, method, 'task_id');
    return { taskId: value.task_id, json };
  });
}

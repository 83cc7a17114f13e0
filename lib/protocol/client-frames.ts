/**
 * The one client → server WebSocket frame (wire reference §4.2): `{task_id, text, context?}`,
 * the same structure as the REST send-message body.
 *
 * @packageDocumentation
 */
import type * as z from 'zod/mini';
import { encodeArgs } from '../internal/validate-args.js';
import { SendMessageFieldsSchema, SendMessageRequestSchema } from './rest.js';

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

/** A validated user message, ready to send. */
export interface EncodedUserMessage {
  /** The task id, free of surrounding white space. */
  readonly taskId: string;
  /** The JSON text to send: the message as the schema outputs it. */
  readonly json: string;
}

/**
 * Validates a user message (anything a caller passed) and encodes it: the task id (trimmed) and the
 * frame's JSON. Goes through the one validation path (`lib/internal/validate-args.ts`, the zod
 * schema): a message the schema rejects, or one that cannot be read or encoded, throws
 * `AuiValidationError` (`Invalid arguments for <method>: …; no request was sent`, `taskId` where known).
 *
 * @example
 * encodeUserMessage({ task_id: ' t1 ', text: 'hi' }); // { taskId: 't1', json: '{"task_id":"t1","text":"hi"}' }
 * @internal
 */
export function encodeUserMessage(request: unknown, method = 'streamMessage'): EncodedUserMessage {
  // The members' schema: encodeArgs stringifies the output once and refuses what JSON cannot encode,
  // with the message of UserMessageFrameSchema's encodability rule.
  const { value, json } = encodeArgs(SendMessageFieldsSchema, request, method, 'task_id');
  return { taskId: value.task_id, json };
}

/**
 * The one client → server WebSocket frame (wire reference §4.2): `{task_id, text, context?}`,
 * the same structure as the REST send-message body.
 *
 * @packageDocumentation
 */
import type { z } from 'zod';
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

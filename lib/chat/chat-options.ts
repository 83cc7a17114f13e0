/**
 * The options of `createAuiChat`, checked on the one validation path, the refusal of a chat command, and
 * the retry each turn runs.
 *
 * @packageDocumentation
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import * as z from 'zod/mini';
import type { AuiError } from '../errors.js';
import { createAuiError } from '../failure-policy.js';
import { guardArgs, validateArgs } from '../internal/validate-args.js';
import { retryOn1011 } from '../operators/retry-on-1011.js';
import { looseObject } from '../internal/jit-object.js';
import { CreateTaskRequestSchema, MessageContextSchema, TaskIdSchema } from '../protocol/rest.js';
import type { StreamEvent } from '../stream-event.js';
import type { AuiChatClient, AuiChatOptions } from './chat-types.js';

/** The checked options: exactly one of `taskId` and `userId`. */
export interface ChatTarget {
  /** The task to continue (validated, trimmed). */
  readonly taskId: string | undefined;
  /** The user a task is created for (validated, trimmed). */
  readonly userId: string | undefined;
}

/** The common options' shapes (`retry`'s own members are `retryOn1011`'s to check). */
const CommonOptionsSchema = looseObject({
  retry: z.optional(z.union([z.literal(false), looseObject({})])),
  history: z.optional(z.boolean()),
  context: z.nullish(MessageContextSchema),
});

/**
 * The refusal of a chat command (an `AuiValidationError`): `Invalid call of <method>: <why>; nothing was sent`.
 *
 * @example
 * chatRefusal('AuiChat.send', 'the chat is closed', taskId);
 */
export function chatRefusal(method: string, why: string, taskId: string | undefined): AuiError {
  return createAuiError('validation', `Invalid call of ${method}: ${why}; nothing was sent`, { issues: [{ path: [], message: why }] }, { taskId });
}

/**
 * Reads and checks `createAuiChat`'s options on the one validation path; throws `AuiValidationError`
 * (neither or both of `taskId` and `userId`, an invalid id, a `retry`, `history` or `context` of the
 * wrong type, options that cannot be read).
 *
 * @example
 * checkChatOptions({ userId: ' alice ' }); // { taskId: undefined, userId: 'alice' }
 */
export function checkChatOptions(options: AuiChatOptions): ChatTarget {
  const { taskId, userId, retry, history, context } = guardArgs('createAuiChat', options, undefined, () => ({
    taskId: options.taskId,
    userId: options.userId,
    retry: options.retry,
    history: options.history,
    context: options.context,
  }));
  validateArgs(CommonOptionsSchema, { retry, history, context }, 'createAuiChat');
  if ((taskId === undefined) === (userId === undefined)) {
    throw chatRefusal('createAuiChat', 'give either taskId (an existing task) or userId (a new task), not both', undefined);
  }
  return taskId !== undefined
    ? { taskId: validateArgs(TaskIdSchema, taskId, 'createAuiChat', 'value'), userId: undefined }
    : { taskId: undefined, userId: validateArgs(CreateTaskRequestSchema.shape.user_id, userId, 'createAuiChat') };
}

/**
 * The retry of each turn: `retryOn1011(options.retry)` waiting on the client's scheduler unless the
 * options name one, or no retry for `retry: false`.
 *
 * @example
 * client.streamMessage(message).pipe(turnRetry(client, { retry: { count: 2 } }));
 */
export function turnRetry(client: AuiChatClient, options: Pick<AuiChatOptions, 'retry'>): MonoTypeOperatorFunction<StreamEvent> {
  const retry = options.retry ?? {};
  if (retry === false) return (source) => source;
  const scheduler = retry.scheduler ?? client.scheduler;
  return retryOn1011<StreamEvent>(scheduler === undefined ? retry : { ...retry, scheduler });
}

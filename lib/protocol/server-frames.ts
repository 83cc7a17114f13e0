/**
 * Server → client WebSocket frames (wire reference §4.3): text updates in shapes A1
 * (`channel.event_name`) and A2 (`event`), the final message, the error frame, and the early
 * `{type, data}` envelope (§10.16). Frames are told apart structurally; a frame of no known kind is
 * `unknown` (skipped by the client, never fatal). An optional member sent as `null` is read as absent.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { looseObject } from '../internal/jit-object.js';
import { AuiProtocolError } from '../errors.js';
import { ApplicationErrorBodySchema, type ApplicationErrorBody } from './error-bodies.js';
import { AgentMessageSchema, type AgentMessage } from './rest.js';
import { nullAsAbsent, wireObject } from '../internal/null-as-absent.js';
import { safeParseWire } from '../internal/zod-issues.js';

/** The event name of a streaming text update. */
export const TEXT_UPDATE_EVENT = 'thread-message-text-content-updated';

/** Execution details of an A1 update's scope. */
const ScopeDataSchema = wireObject({
  /** Execution status: `SUCCESS`, `FAILED` or `PENDING`. */
  status: nullAsAbsent(z.optional(z.string())),
});

/** Ids of an A1 update's scope that correlate the update with its message and task. */
const ScopeContextSchema = wireObject({
  /** Id of the agent message being streamed. */
  message_id: nullAsAbsent(z.optional(z.string())),
  /** Id of the task (conversation) the turn belongs to. */
  task_id: nullAsAbsent(z.optional(z.string())),
  /** Id of the interaction (turn) on the server. */
  interaction_id: nullAsAbsent(z.optional(z.string())),
  /** Server pillar that handled the turn (value not documented; starts with `WORK`). */
  pillar: nullAsAbsent(z.optional(z.string())),
});

/** What produced an A1 update and for which message and task. */
const ScopeSchema = wireObject({
  /** Kind of execution that produced the text: `LLM_ACTIVATION_EXECUTION`. */
  type: nullAsAbsent(z.optional(z.string())),
  /** Execution details. */
  data: nullAsAbsent(z.optional(ScopeDataSchema)),
  /** Ids that correlate the update with its message and task. */
  context: nullAsAbsent(z.optional(ScopeContextSchema)),
});

/** Text update, shape A1 (G0 / AsyncAPI `StreamingUpdatePayload`). */
export const TextUpdateA1Schema = wireObject({
  /** The channel the event was published on. */
  channel: wireObject({
    /** Transport of the channel: `WEBSOCKET`. */
    type: nullAsAbsent(z.optional(z.string())),
    /** Unique channel identifier (a UUID in the examples). */
    channel_name: nullAsAbsent(z.optional(z.string())),
    /** Always `thread-message-text-content-updated` ({@link TEXT_UPDATE_EVENT}). */
    event_name: z.literal(TEXT_UPDATE_EVENT),
  }),
  /** What produced the update and for which message and task; optional. */
  scope: nullAsAbsent(z.optional(ScopeSchema)),
  /** The update's payload. */
  data: looseObject({
    /** Streamed reply text: the whole text so far or only the new part, depending on the server. */
    text: z.string(),
  }),
  /** When the update was sent (date-time string); optional. */
  timestamp: nullAsAbsent(z.optional(z.string())),
});
/** Text update, shape A1. */
export type TextUpdateA1 = z.infer<typeof TextUpdateA1Schema>;

/** Text update, shape A2 (G1 `/messaging-api/websocket`). */
export const TextUpdateA2Schema = looseObject({
  /** Always `thread-message-text-content-updated` ({@link TEXT_UPDATE_EVENT}). */
  event: z.literal(TEXT_UPDATE_EVENT),
  /** The update's payload. */
  data: looseObject({
    /** Streamed reply text: the whole text so far (G1) or only the new part, depending on the server. */
    text: z.string(),
  }),
});
/** Text update, shape A2. */
export type TextUpdateA2 = z.infer<typeof TextUpdateA2Schema>;

/** The final-message frame: a complete {@link AgentMessage} (legacy `options` or current `cards`). */
export const FinalMessageFrameSchema = AgentMessageSchema;

/** The error frame `{status_code, description, message, extra_data?}` sent before the server closes. */
export const ErrorFrameSchema = ApplicationErrorBodySchema;
/** The error frame. */
export type ErrorFrame = ApplicationErrorBody;

/** A classified server frame. */
export type ServerFrame =
  /** A streaming text update (shape A1, A2 or the `streaming_update` envelope). */
  | {
      /** Selects this kind: a text update. */
      readonly type: 'text';
      /** The frame's `data.text`, as sent (cumulative or delta). */
      readonly text: string;
      /** `scope.context.task_id` of an A1 frame; undefined when the frame does not carry it. */
      readonly taskId: string | undefined;
    }
  /** The final message that ends a turn. */
  | {
      /** Selects this kind: the final message. */
      readonly type: 'final';
      /** The agent's complete reply. */
      readonly message: AgentMessage;
    }
  /** An error frame, usually followed by a close (1008 or 1011). */
  | {
      /** Selects this kind: an error frame. */
      readonly type: 'error';
      /** The parsed error frame. */
      readonly frame: ErrorFrame;
    }
  /** A frame of no known kind (skipped by the client, never fatal). */
  | {
      /** Selects this kind: an unrecognised frame. */
      readonly type: 'unknown';
      /** The frame as parsed from JSON. */
      readonly raw: unknown;
    };

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `schema` applied to `value`; a mismatch is an {@link AuiProtocolError} naming the frame (`raw` as its body). */
function parsed<S extends z.core.$ZodType>(schema: S, value: unknown, raw: unknown, what: string): z.output<S> {
  const result = safeParseWire(schema, value);
  if (result.success) return result.data;
  throw new AuiProtocolError(`Invalid ${what} frame: ${result.issues[0]?.message ?? 'schema mismatch'}`, {
    body: raw,
    issues: result.issues,
  });
}

/** The final message in `value` (part of the frame `raw`), as the schema reads it. */
function finalMessage(value: unknown, raw: unknown): AgentMessage {
  return parsed(FinalMessageFrameSchema, value, raw, 'final message');
}

/** `scope.context.task_id` of an A1 text update (`channel.event_name`, no `event`), else undefined. */
function a1TaskId(raw: Obj): string | undefined {
  const channel = raw['channel'];
  if (raw['event'] === TEXT_UPDATE_EVENT || !isObject(channel) || channel['event_name'] !== TEXT_UPDATE_EVENT) return undefined;
  const scope = raw['scope'];
  const ctx = isObject(scope) ? scope['context'] : undefined;
  const id = isObject(ctx) ? ctx['task_id'] : undefined;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Classifies a parsed frame. Throws {@link AuiProtocolError} when a frame recognised as a text
 * update, final message or error frame fails its schema; returns `unknown` for anything else.
 *
 * @example
 * classifyServerFrame({ event: TEXT_UPDATE_EVENT, data: { text: 'Hi' } }); // { type: 'text', text: 'Hi', … }
 */
export function classifyServerFrame(raw: unknown): ServerFrame {
  // Fast path: a well-formed text update needs no schema work.
  const text = textUpdateText(raw);
  if (text !== undefined) return { type: 'text', text, taskId: a1TaskId(raw as Obj) };
  if (!isObject(raw)) return { type: 'unknown', raw };
  const channel = raw['channel'];
  const a1 = raw['event'] !== TEXT_UPDATE_EVENT && isObject(channel) && channel['event_name'] === TEXT_UPDATE_EVENT;
  if (a1 || raw['event'] === TEXT_UPDATE_EVENT) {
    // Recognised as a text update but not well-formed: the schema says what is wrong.
    return { type: 'text', text: parsed(a1 ? TextUpdateA1Schema : TextUpdateA2Schema, raw, raw, 'text update').data.text, taskId: undefined };
  }
  if ('status_code' in raw) return { type: 'error', frame: parsed(ErrorFrameSchema, raw, raw, 'error') };
  if ('id' in raw && 'text' in raw) return { type: 'final', message: finalMessage(raw, raw) };
  return classifyEnvelope(raw);
}

/** The early `{type: 'streaming_update' | 'final_message' | 'error', data}` envelope (§10.16). */
function classifyEnvelope(raw: Obj): ServerFrame {
  const data = raw['data'];
  switch (raw['type']) {
    case 'streaming_update':
      // A well-formed one took the fast path (textUpdateText).
      throw new AuiProtocolError('Invalid text update frame: data.text must be a string', {
        body: raw,
        issues: [{ path: ['data', 'text'], message: 'must be a string' }],
      });
    case 'final_message':
      return { type: 'final', message: finalMessage(data, raw) };
    case 'error':
      return { type: 'error', frame: parsed(ErrorFrameSchema, data, raw, 'error') };
    default:
      return { type: 'unknown', raw };
  }
}

/**
 * `JSON.parse` for a frame's text: non-JSON text throws {@link AuiProtocolError} (with the start of
 * the text as `body`).
 *
 * @example
 * parseFrameJson('{"a":1}'); // { a: 1 }
 */
export function parseFrameJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new AuiProtocolError('Frame is not valid JSON', { body: text.length > 512 ? `${text.slice(0, 512)}…` : text, cause });
  }
}

/**
 * The hot path of streaming: the text of a text update (A1, A2 or the envelope), or `undefined` for
 * any other frame (which then goes through the schemas in {@link classifyServerFrame}). A structural
 * check of the two things the client reads, not a mirror of a schema: the frame's kind (`event`,
 * `channel.event_name`, or `type: 'streaming_update'` on a frame that is neither an error frame nor a
 * final message, in {@link classifyServerFrame}'s order) and `data.text`. No allocation, no schema work.
 *
 * It agrees with {@link TextUpdateA1Schema} and {@link TextUpdateA2Schema} (`spec/protocol/server-frames.spec.ts`
 * checks it on generated frames): every frame either schema accepts, it reads, with the same text; an
 * A2 frame it reads, the A2 schema accepts. Of an A1 frame it does not check the optional metadata
 * (`channel.type`, `channel.channel_name`, `scope`, `timestamp`, never read but for
 * `scope.context.task_id`, which is taken only when a string), so an A1 frame whose metadata is
 * malformed still streams its text. A frame of a text kind it does not read (no string `data.text`)
 * goes to the schema, which throws {@link AuiProtocolError} naming what is wrong.
 *
 * @example
 * textUpdateText({ event: TEXT_UPDATE_EVENT, data: { text: 'Hi' } }); // 'Hi'
 */
export function textUpdateText(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const frame = raw as Obj;
  const data = frame['data'];
  if (typeof data !== 'object' || data === null) return undefined;
  const text = (data as Obj)['text'];
  if (typeof text !== 'string' || Array.isArray(raw) || Array.isArray(data)) return undefined;
  if (frame['event'] === TEXT_UPDATE_EVENT) return text;
  const channel = frame['channel'];
  if (typeof channel === 'object' && channel !== null && (channel as Obj)['event_name'] === TEXT_UPDATE_EVENT) return text;
  if (frame['type'] === 'streaming_update' && !('status_code' in frame) && !('id' in frame && 'text' in frame)) return text;
  return undefined;
}

/**
 * Parses the text of a server frame: `JSON.parse`, then {@link classifyServerFrame}. Non-JSON text
 * throws {@link AuiProtocolError}.
 *
 * @example
 * parseServerFrame('{"event":"thread-message-text-content-updated","data":{"text":"Hi"}}');
 */
export function parseServerFrame(text: string): ServerFrame {
  return classifyServerFrame(parseFrameJson(text));
}

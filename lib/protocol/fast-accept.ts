/**
 * Fast paths for the two schemas every streamed turn runs: the user message going out
 * ({@link SendMessageRequestSchema}) and the agent's final message coming in
 * ({@link AgentMessageSchema}). zod costs several microseconds and dozens of allocations per turn
 * on these; the checks here cost a fraction of that.
 *
 * They only ever say yes: a value they accept is one the zod schema accepts, with the same result;
 * anything else (a value they reject, or one they are unsure of) returns `undefined`, and the caller
 * then runs the zod schema, which gives the verdict and the issues. `spec/protocol/fast-accept.spec.ts`
 * checks that agreement on generated values, and fails when one of the schemas gains a member these
 * checks do not know: change a schema in `rest.ts`, change this file with it.
 *
 * A response member sent as `null` (FastAPI's "unset") is read as absent by the schema, which then
 * outputs a copy without it; the fast path returns its input as it is, so it declines any message
 * with a `null` member it checks and lets the schema do that work.
 *
 * @packageDocumentation
 */
import { CONTROL_CHARACTER, isWellFormed, MAX_ID_LENGTH, type AgentMessage } from './rest.js';

type Obj = Record<string, unknown>;

/**
 * A plain object (prototype `Object.prototype` or null, not an array), as `JSON.parse` makes them.
 * Two cases zod handles its own way are left to zod: other objects (zod copies what it reads) and
 * an own `__proto__` key (`JSON.parse` can create one; zod drops it from its output).
 */
function isRecord(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.hasOwn(v, '__proto__')) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const optString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const nullishString = (v: unknown): boolean => v == null || typeof v === 'string';
const optRecord = (v: unknown): boolean => v === undefined || isRecord(v);
const optBoolean = (v: unknown): boolean => v === undefined || typeof v === 'boolean';

/** An array whose items all pass `check` (a hole fails: zod would see `undefined` there). */
function isArray(v: unknown, check: (item: unknown) => boolean): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!check(v[i])) return false;
  return true;
}

/** An optional array (`undefined` allowed) of items that pass `check`. */
const optArray = (v: unknown, check: (item: unknown) => boolean): boolean => v === undefined || isArray(v, check);

/** An optional array (`undefined` allowed, `null` not: the schema drops it) of strings. */
const optStrings = (v: unknown): boolean => v === undefined || isArray(v, isString);

const isContactParty = (v: unknown): boolean => isRecord(v) && isString(v['id']) && isString(v['type']) && nullishString(v['email']);

/** The party as the schema outputs it: a copy without `email` when the server sent `email: null`. */
function partyOut(party: Obj): Obj {
  if (party['email'] !== null) return party;
  const { email: _absent, ...rest } = party;
  return rest;
}

const isOptionParameter = (v: unknown): boolean => isRecord(v) && isString(v['title']) && isString(v['type']);

const isProductOption = (v: unknown): boolean =>
  isRecord(v) && optBoolean(v['is_recommended']) && isArray(v['widget_parameters'], isOptionParameter);

const isCardParameter = (v: unknown): boolean =>
  isRecord(v) && optString(v['param']) && isString(v['title']) && optString(v['type']);

const isProductCard = (v: unknown): boolean =>
  isRecord(v) &&
  isString(v['id']) &&
  isString(v['name']) &&
  optString(v['category']) &&
  isArray(v['parameters'], isCardParameter) &&
  optBoolean(v['is_recommended']);

/**
 * The fast path of {@link AgentMessageSchema}: a well-formed message that needs none of the
 * schema's defaults (its cards carry `parameters` and its options `widget_parameters`, as the API
 * documents) and has no `null` member (the schema drops those) is returned as it is (the schema
 * would output an equal copy). The one `null` every FastAPI server sends, a party's `email`, is
 * handled here: the message is then copied with that party copied without it, as the schema does.
 * Otherwise `undefined`: run the schema. `raw` is never changed.
 *
 * @example
 * const raw = JSON.parse(frameText);
 * const message = acceptAgentMessage(raw) ?? AgentMessageSchema.parse(raw);
 */
export function acceptAgentMessage(raw: unknown): AgentMessage | undefined {
  if (!isRecord(raw)) return undefined;
  const ok =
    isString(raw['id']) &&
    isString(raw['created_at']) &&
    isString(raw['text']) &&
    isContactParty(raw['sender']) &&
    isContactParty(raw['receiver']) &&
    optArray(raw['options'], isProductOption) &&
    optArray(raw['variants_options'], isProductOption) &&
    optArray(raw['cards'], isProductCard) &&
    optStrings(raw['followup_suggestions']) &&
    optString(raw['welcome_message']) &&
    optStrings(raw['executed_workflows']) &&
    optString(raw['url']) &&
    optRecord(raw['trace_info']);
  if (!ok) return undefined;
  const sender = raw['sender'] as Obj;
  const receiver = raw['receiver'] as Obj;
  if (sender['email'] !== null && receiver['email'] !== null) return raw as AgentMessage;
  return { ...raw, sender: partyOut(sender), receiver: partyOut(receiver) } as AgentMessage;
}

const isMessageContext = (v: unknown): boolean =>
  v == null ||
  (isRecord(v) &&
    nullishString(v['url']) &&
    (v['lead_details'] == null || isRecord(v['lead_details'])) &&
    nullishString(v['welcome_message']));

/**
 * A task id the schema takes as it is: no surrounding white space, not empty, not `.`/`..`, at most
 * {@link MAX_ID_LENGTH} characters, well-formed, no control character.
 */
const isPlainTaskId = (id: string): boolean =>
  id !== '' &&
  id.length <= MAX_ID_LENGTH &&
  id !== '.' &&
  id !== '..' &&
  id.trim() === id &&
  !CONTROL_CHARACTER.test(id) &&
  isWellFormed(id);

/** A user message accepted by the fast path, with its wire JSON. */
export interface AcceptedSendMessage {
  /** The task id (already free of surrounding white space). */
  readonly taskId: string;
  /** The JSON text to send: the message as the schema would output it (same members, same values). */
  readonly json: string;
}

/**
 * The fast path of {@link SendMessageRequestSchema} for the common user message: a plain `task_id`
 * (no surrounding white space, not `.`/`..`, no control character), non-blank `text`, optional well-formed `context` and `agent_variables`,
 * and JSON-encodable. Returns the task id and the encoded message, or `undefined` (run the schema,
 * which also trims a padded `task_id`).
 *
 * @example
 * acceptSendMessage({ task_id: 't1', text: 'hi' }); // { taskId: 't1', json: '{"task_id":"t1","text":"hi"}' }
 */
export function acceptSendMessage(request: unknown): AcceptedSendMessage | undefined {
  if (!isRecord(request)) return undefined;
  const taskId = request['task_id'];
  const text = request['text'];
  const context = request['context'];
  const variables = request['agent_variables'];
  if (!isString(taskId) || !isPlainTaskId(taskId)) return undefined;
  if (!isString(text) || text.trim() === '' || !isMessageContext(context)) return undefined;
  if (variables !== undefined && !isRecord(variables)) return undefined;
  // The most common message, `{task_id, text}` and nothing else, is written directly (the same JSON
  // as JSON.stringify of the object, in half the time).
  const plain =
    context === undefined &&
    variables === undefined &&
    Object.keys(request).length === 2 &&
    Object.hasOwn(request, 'task_id') &&
    Object.hasOwn(request, 'text');
  if (plain) {
    return { taskId, json: `{"task_id":${JSON.stringify(taskId)},"text":${JSON.stringify(text)}}` };
  }
  // The values checked above are the values sent. (Members set to `undefined` would make
  // JSON.stringify leave its fast path: the checked ones are only set when defined.)
  const message: Obj = { ...request, task_id: taskId, text };
  if (context !== undefined) message['context'] = context;
  if (variables !== undefined) message['agent_variables'] = variables;
  let json: string;
  try {
    json = JSON.stringify(message);
  } catch {
    return undefined; // not JSON-encodable: the schema says so
  }
  return { taskId, json };
}

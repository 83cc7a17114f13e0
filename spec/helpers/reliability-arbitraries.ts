/**
 * fast-check arbitraries for the fuzz suite: server frames and REST bodies that are valid, near-valid
 * (a valid shape with one or more mutations: a field dropped, a wrong type, extra fields, a huge string,
 * deep nesting, odd unicode) or garbage (not JSON, truncated JSON, non-object JSON, absurd nesting),
 * plus the reference classifier that says what the client must make of each frame.
 */
import fc from 'fast-check';
import { ErrorFrameSchema, FinalMessageFrameSchema, TEXT_UPDATE_EVENT } from '../../lib/protocol/server-frames.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Characters that break naive string handling: white space of every kind, zero-width, surrogates, quotes, NUL. */
export const ODD_CHARS = [' ', '\t', '\n', '\r', '\u00a0', '\u2028', '\u2029', '\ufeff', '\u3000', '\u200b', '\u0000', '"', '\\', 'é', 'e\u0301', '🙂', '👩‍👩‍👧', '\ud800', '\udfff', 'a', 'Z', '1'];

/** Strings made of {@link ODD_CHARS} and of arbitrary graphemes. */
export const oddString = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ODD_CHARS), maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ maxLength: 12 }),
);

/** A huge string (64 KiB – 1 MiB), built once per size. */
const HUGE = [64 * 1024, 256 * 1024, 1024 * 1024].map((n) => 'x'.repeat(n - 1) + '🙂');
export const hugeString = fc.constantFrom(...HUGE);

/** A value nested `depth` levels deep (arrays or objects). */
export function deepValue(depth: number, objects: boolean): Json {
  let v: Json = 'bottom';
  for (let i = 0; i < depth; i++) v = objects ? { a: v } : [v];
  return v;
}
const deep = fc.tuple(fc.integer({ min: 20, max: 800 }), fc.boolean()).map(([d, o]) => deepValue(d, o));

/** Any JSON value, sometimes odd strings, occasionally huge or deep. */
export const anyJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 20, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 10, arbitrary: oddString },
  { weight: 2, arbitrary: deep },
  { weight: 1, arbitrary: hugeString },
);

const shortText = fc.oneof(fc.string({ maxLength: 40 }), oddString);
const id = fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 24, maxLength: 24 }), fc.uuid(), fc.string({ minLength: 1, maxLength: 10 }));
const party = fc.record({ id: fc.string({ maxLength: 10 }), type: fc.constantFrom('agent', 'user'), email: fc.option(fc.emailAddress(), { nil: null }) }, { requiredKeys: ['id', 'type'] });
const param = fc.record({ title: fc.string({ maxLength: 10 }), value: fc.jsonValue({ maxDepth: 2 }), type: fc.constantFrom('string', 'numeric', 'array', 'object') });
const card = fc.record({ id: fc.string({ maxLength: 8 }), name: fc.string({ maxLength: 20 }), is_recommended: fc.boolean(), parameters: fc.array(param, { maxLength: 3 }) }, { requiredKeys: ['id', 'name'] });
const option = fc.record({ is_recommended: fc.boolean(), widget_parameters: fc.array(param, { maxLength: 3 }) }, { requiredKeys: [] });

/** A valid agent message (final frame / REST reply), current or legacy shape. */
export const agentMessage = fc.record(
  {
    id,
    created_at: fc.constantFrom('2025-10-19 13:48:13.764000', '2026-03-09T14:22:01.000Z', '2025-11-12T14:03:46.984000'),
    text: shortText,
    sender: party,
    receiver: party,
    cards: fc.array(card, { maxLength: 2 }),
    options: fc.array(option, { maxLength: 2 }),
    variants_options: fc.array(option, { maxLength: 1 }),
    followup_suggestions: fc.option(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), { nil: null }),
  },
  { requiredKeys: ['id', 'created_at', 'text', 'sender', 'receiver'] },
);

/** A valid error frame / application error body. */
export const errorFrame = fc.record(
  {
    status_code: fc.oneof(fc.constantFrom(400, 401, 403, 422, 429, 500, 502, 503), fc.integer({ min: 100, max: 599 })),
    description: fc.string({ maxLength: 20 }),
    message: shortText,
    extra_data: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['status_code'] },
);

const textA2 = shortText.map((text) => ({ event: TEXT_UPDATE_EVENT, data: { text } }));
const textA1 = fc.tuple(shortText, id).map(([text, task]) => ({
  channel: { type: 'WEBSOCKET', channel_name: 'c-1', event_name: TEXT_UPDATE_EVENT },
  scope: { type: 'LLM_ACTIVATION_EXECUTION', data: { status: 'SUCCESS' }, context: { message_id: 'm', task_id: task, pillar: 'WORK' } },
  data: { text },
  timestamp: '2025-10-19T13:48:12.101Z',
}));
const textEnvelope = shortText.map((text) => ({ type: 'streaming_update', data: { text } }));
const finalEnvelope = agentMessage.map((data) => ({ type: 'final_message', data }));
const errorEnvelope = errorFrame.map((data) => ({ type: 'error', data }));
const unknownFrame = fc.oneof(
  fc.constant({ event: 'thread-message-thinking', data: { status: 'THINKING' } }),
  fc.record({ type: fc.constantFrom('ping', 'typing', 'completed'), data: fc.jsonValue({ maxDepth: 1 }) }),
  fc.dictionary(fc.constantFrom('foo', 'bar', 'event', 'channel', 'kind'), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** The kind of frame a valid generated frame was made as. */
export type MadeAs = 'text' | 'final' | 'error' | 'unknown';
const tag = (made: MadeAs) => (value: object) => ({ made, value: value as Obj });

/** Every valid server frame shape, tagged with the kind it was made as. */
export const taggedValidFrame: fc.Arbitrary<{ made: MadeAs; value: Obj }> = fc.oneof(
  textA1.map(tag('text')),
  textA2.map(tag('text')),
  textEnvelope.map(tag('text')),
  agentMessage.map(tag('final')),
  finalEnvelope.map(tag('final')),
  errorFrame.map(tag('error')),
  errorEnvelope.map(tag('error')),
  unknownFrame.map(tag('unknown')),
);

/** Every valid server frame shape. */
export const validFrame: fc.Arbitrary<Obj> = taggedValidFrame.map((t) => t.value);

/** Every path (list of keys / indexes) inside a JSON value, the root included. */
export function paths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = [], budget = { n: 200 }): Array<Array<string | number>> {
  out.push(prefix);
  if (--budget.n <= 0) return out;
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out, budget));
  else if (isObj(value)) for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out, budget);
  return out;
}

type Mutation = { op: 'drop' } | { op: 'replace'; value: unknown } | { op: 'extra'; key: string; value: unknown } | { op: 'wrap' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ op: 'drop' }),
  anyJson.map((value): Mutation => ({ op: 'replace', value })),
  fc.tuple(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'status_code', 'id', 'text', 'event', 'type')), anyJson).map(
    ([key, value]): Mutation => ({ op: 'extra', key, value }),
  ),
  fc.constant<Mutation>({ op: 'wrap' }),
);

/** Applies `m` at `path` of a deep copy of `value`. */
function applyMutation(value: unknown, path: ReadonlyArray<string | number>, m: Mutation): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  if (path.length === 0) {
    if (m.op === 'replace') return m.value;
    if (m.op === 'wrap') return [copy];
    if (m.op === 'extra' && isObj(copy)) Object.defineProperty(copy, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    return copy;
  }
  editAt(copy, path, (target, last) => {
    switch (m.op) {
      case 'drop':
        if (Array.isArray(target)) target.splice(Number(last), 1);
        else delete target[last];
        break;
      case 'replace':
        target[last] = m.value;
        break;
      case 'wrap':
        target[last] = [target[last]];
        break;
      case 'extra': {
        const inner = target[last];
        if (isObj(inner)) Object.defineProperty(inner, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        else target[last] = { [m.key]: m.value };
        break;
      }
    }
  });
  return copy;
}

/**
 * Calls `edit` with the parent of the member at `path` (not empty) inside `root` and that member's
 * key or index; changes `root` in place (give it a copy).
 */
export function editAt(root: unknown, path: ReadonlyArray<string | number>, edit: (parent: Record<string | number, unknown>, key: string | number) => void): void {
  let parent: unknown = root;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[key];
  edit(parent as Record<string | number, unknown>, path[path.length - 1] as string | number);
}

/** A valid frame with 1–3 mutations at random places. */
export const nearValidFrame: fc.Arbitrary<unknown> = validFrame.chain((frame) =>
  fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }).map((ops) => {
    let current: unknown = frame;
    for (const [pick, m] of ops) {
      const all = paths(current);
      current = applyMutation(current, all[pick % all.length] ?? [], m);
    }
    return current;
  }),
);

/** Absurdly nested JSON text (arrays or objects, 1,000 – 200,000 levels): JSON.parse may overflow its stack. */
export const absurdNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1000, max: 200_000 }), fc.boolean())
  .map(([n, arrays]) => (arrays ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`));

/** Text that is not a JSON object: not JSON at all, truncated, trailing garbage, BOM, scalars, (rarely) absurd nesting. */
export const garbageText: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 10, arbitrary: oddString },
  {
    weight: 10,
    arbitrary: validFrame.chain((f) => {
      const text = JSON.stringify(f);
      return fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n));
    }),
  },
  { weight: 5, arbitrary: validFrame.map((f) => `${JSON.stringify(f)}}`) },
  { weight: 5, arbitrary: validFrame.map((f) => `\ufeff${JSON.stringify(f)}`) },
  { weight: 5, arbitrary: validFrame.map((f) => `${JSON.stringify(f)}\n${JSON.stringify(f)}`) },
  { weight: 10, arbitrary: fc.jsonValue({ maxDepth: 2 }).filter((v) => !isObj(v)).map((v) => JSON.stringify(v)) },
  { weight: 10, arbitrary: fc.constantFrom('', ' ', 'null', 'NaN', 'undefined', '{', '}', '[]', '{}', '"text"', '{"a":1,}', "{'a':1}", '\u0000') },
  // Rare: each costs ~0.1 s (a stack overflow inside JSON.parse); spec/reliability/fuzz.spec.ts also runs fixed cases.
  { weight: 1, arbitrary: absurdNesting },
);

/** A server frame as text, tagged with how it was made. */
export interface FuzzFrame {
  readonly kind: 'valid' | 'near-valid' | 'garbage';
  readonly text: string;
  /** For `valid` frames: the kind it was made as. */
  readonly made?: MadeAs;
}

/** Valid, near-valid and garbage frames in a 3 : 5 : 2 mix. */
export const fuzzFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  { weight: 3, arbitrary: taggedValidFrame.map(({ made, value }): FuzzFrame => ({ kind: 'valid', text: JSON.stringify(value), made })) },
  { weight: 5, arbitrary: nearValidFrame.map((value): FuzzFrame => ({ kind: 'near-valid', text: JSON.stringify(value) ?? 'undefined' })) },
  { weight: 2, arbitrary: garbageText.map((text): FuzzFrame => ({ kind: 'garbage', text })) },
);

/** What the client must make of a frame (wire reference §4.3; design.md §3 "Frames"). */
export type FrameExpectation =
  | { readonly type: 'protocol' }
  /** `task`: the task an A1 frame names in `scope.context.task_id` (wire reference §4.3 A1), if any. */
  | { readonly type: 'text'; readonly text: string; readonly task?: string }
  | { readonly type: 'final'; readonly id: string; readonly text: string }
  | { readonly type: 'error'; readonly status: number }
  | { readonly type: 'unknown' };

const PROTOCOL: FrameExpectation = { type: 'protocol' };

function textUpdate(raw: Obj, a1 = false): FrameExpectation {
  const data = raw['data'];
  if (!isObj(data) || typeof data['text'] !== 'string') return PROTOCOL;
  const scope = raw['scope'];
  const context = a1 && isObj(scope) ? scope['context'] : undefined;
  const task = isObj(context) ? context['task_id'] : undefined;
  return typeof task === 'string' ? { type: 'text', text: data['text'], task } : { type: 'text', text: data['text'] };
}

function finalOf(value: unknown): FrameExpectation {
  if (!FinalMessageFrameSchema.safeParse(value).success) return PROTOCOL;
  const v = value as { id: string; text: string };
  return { type: 'final', id: v.id, text: v.text };
}

function errorOf(value: unknown): FrameExpectation {
  return ErrorFrameSchema.safeParse(value).success ? { type: 'error', status: (value as { status_code: number }).status_code } : PROTOCOL;
}

/**
 * The reference classifier: non-JSON → protocol error; not an object → unknown (skipped); a text update
 * (A2 `event`, A1 `channel.event_name`) → text when `data.text` is a string, else protocol error; an
 * object with `status_code` → error frame when it fits the error-frame schema, else protocol error; an
 * object with `id` and `text` → final when it fits the message schema, else protocol error; the
 * `{type, data}` envelope likewise; anything else → unknown (skipped).
 */
export function expectFrame(text: string): FrameExpectation {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return PROTOCOL;
  }
  if (!isObj(raw)) return { type: 'unknown' };
  if (raw['event'] === TEXT_UPDATE_EVENT) return textUpdate(raw);
  const channel = raw['channel'];
  if (isObj(channel) && channel['event_name'] === TEXT_UPDATE_EVENT) return textUpdate(raw, true);
  if ('status_code' in raw) return errorOf(raw);
  if ('id' in raw && 'text' in raw) return finalOf(raw);
  switch (raw['type']) {
    case 'streaming_update':
      return textUpdate(raw);
    case 'final_message':
      return finalOf(raw['data']);
    case 'error':
      return errorOf(raw['data']);
    default:
      return { type: 'unknown' };
  }
}

// ---- REST bodies ------------------------------------------------------------------------------

const task = fc.record(
  {
    id,
    user_id: fc.string({ maxLength: 10 }),
    title: fc.string({ maxLength: 20 }),
    welcome_message: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
    followup_suggestions: fc.option(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), { nil: null }),
  },
  { requiredKeys: ['id', 'user_id', 'title'] },
);
const taskPage = fc.record({ tasks: fc.array(task, { maxLength: 3 }), total: fc.nat(100), page: fc.integer({ min: 1, max: 9 }), size: fc.integer({ min: 1, max: 50 }) }, { requiredKeys: ['total', 'page', 'size'] });
const validationItem = fc.record({ loc: fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.nat(5)), { maxLength: 3 }), msg: fc.string({ maxLength: 20 }), type: fc.string({ maxLength: 10 }) });
const errorBody = fc.oneof(
  fc.record({ detail: fc.oneof(fc.string({ maxLength: 20 }), fc.array(validationItem, { maxLength: 3 })) }),
  fc.record({ status_code: fc.integer({ min: 400, max: 599 }), errors: fc.array(fc.oneof(fc.string({ maxLength: 10 }), validationItem), { maxLength: 3 }) }),
  errorFrame,
);

/** A valid REST body of any resource or error kind. */
export const validRestBody: fc.Arbitrary<unknown> = fc.oneof(task, taskPage, agentMessage, fc.array(agentMessage, { maxLength: 3 }), errorBody);

/** A REST body as text: valid, near-valid (mutated) or garbage. */
export const restBodyText: fc.Arbitrary<{ kind: FuzzFrame['kind']; text: string }> = fc.oneof(
  { weight: 3, arbitrary: validRestBody.map((v) => ({ kind: 'valid' as const, text: JSON.stringify(v) })) },
  {
    weight: 5,
    arbitrary: validRestBody.chain((body) =>
      fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }).map((ops) => {
        let current: unknown = body;
        for (const [pick, m] of ops) {
          const all = paths(current);
          current = applyMutation(current, all[pick % all.length] ?? [], m);
        }
        return { kind: 'near-valid' as const, text: JSON.stringify(current) ?? '' };
      }),
    ),
  },
  { weight: 2, arbitrary: fc.oneof(garbageText, fc.constantFrom('<html><body>502 Bad Gateway</body></html>', 'Internal Server Error', '')).map((text) => ({ kind: 'garbage' as const, text })) },
);

/** Puts `secret` into some strings of a JSON text (a server that echoes the key back). */
export function withSecret(text: string, secret: string, every: number): string {
  let n = 0;
  return text.replace(/"([^"\\]{0,40})"/g, (match, inner: string) => (++n % every === 0 ? `"${inner} ${secret}"` : match));
}

/** The deepest nesting of arrays/objects in a JSON text (strings skipped); a cheap scan, no parse. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

import {
  AgentMessageListSchema,
  AgentMessageSchema,
  CreateTaskRequestSchema,
  ListAllTasksRequestSchema,
  ListTasksRequestSchema,
  MAX_ID_LENGTH,
  SendMessageRequestSchema,
  TaskIdSchema,
  TaskPageSchema,
  TaskSchema,
} from '../../lib/protocol/rest';
import fc from 'fast-check';
import type * as z from 'zod/mini';
import type { AgentMessage, CreateTaskRequest, ListTasksRequest, MessageContext, SendMessageFieldsSchema, SendMessageRequest, Task, TaskPage } from '../../lib/protocol/rest';
import * as F from '../helpers/fixtures';
import type { Equal } from '../helpers/type-equal';

/**
 * What the schemas output for a server value: every member sent as `null` left out (FastAPI writes
 * null for unset optional fields), except a parameter's `value`, where null is a value; array items
 * are kept as they are.
 */
function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => (item === null ? item : withoutNulls(item))) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === null && key !== 'value') continue;
    out[key] = key === 'value' ? member : withoutNulls(member);
  }
  return out as T;
}

describe('REST resource schemas', () => {
  it.each([
    ['G0', F.TASK_G0],
    ['G1', F.TASK_G1],
    ['null optionals', F.TASK_NULL_OPTIONALS],
    ['absent optionals + unknown field', F.TASK_ABSENT_OPTIONALS],
  ])('Task parses the %s variant unchanged (unknown fields kept)', (_name, task) => {
    expect(TaskSchema.parse(task)).toStrictEqual(withoutNulls(task));
  });

  it('Task rejects a task without id or title', () => {
    const { id: _id, ...noId } = F.TASK_G1;
    expect(TaskSchema.safeParse(noId).success).toBe(false);
    expect(TaskSchema.safeParse({ ...F.TASK_G1, title: null }).success).toBe(false);
  });

  it('TaskPage parses with tasks, and defaults absent `tasks` to []', () => {
    expect(TaskPageSchema.parse(F.TASK_PAGE)).toStrictEqual(withoutNulls(F.TASK_PAGE));
    expect(TaskPageSchema.parse(F.TASK_PAGE_WITHOUT_TASKS)).toEqual({ ...F.TASK_PAGE_WITHOUT_TASKS, tasks: [] });
    expect(TaskPageSchema.safeParse({ tasks: [], page: 1, size: 10 }).success).toBe(false);
    expect(TaskPageSchema.safeParse({ tasks: [], total: -1, page: 1, size: 10 }).success).toBe(false);
  });

  it.each([
    ['legacy options, G0 created_at, email null, null values', F.AGENT_MESSAGE_LEGACY],
    ['G1 complete, ISO …Z, empty options', F.AGENT_MESSAGE_G1],
    ['cards, ISO without zone, 0.6.0 fields', F.AGENT_MESSAGE_CARDS],
    ['user message', F.USER_MESSAGE],
    ['AsyncAPI final frame (cards, space created_at, email absent)', F.FRAME_FINAL_CARDS],
  ])('AgentMessage parses %s unchanged (null members left out)', (_name, message) => {
    expect(AgentMessageSchema.parse(message)).toStrictEqual(withoutNulls(message));
  });

  it('AgentMessage keeps created_at exactly as sent', () => {
    expect(AgentMessageSchema.parse(F.AGENT_MESSAGE_LEGACY).created_at).toBe('2025-10-09 12:26:07.576000');
    expect(AgentMessageSchema.parse(F.AGENT_MESSAGE_G1).created_at).toBe('2026-03-09T14:22:01.000Z');
  });

  it('AgentMessage defaults missing option/card parameter arrays to []', () => {
    const parsed = AgentMessageSchema.parse({
      ...F.AGENT_MESSAGE_G1,
      options: [{ is_recommended: true }],
      cards: [{ id: 'c', name: 'n' }],
    });
    expect(parsed.options?.[0]?.widget_parameters).toEqual([]);
    expect(parsed.cards?.[0]?.parameters).toEqual([]);
  });

  it('AgentMessage rejects a message without sender, or with a card lacking a name', () => {
    const { sender: _sender, ...noSender } = F.AGENT_MESSAGE_G1;
    expect(AgentMessageSchema.safeParse(noSender).success).toBe(false);
    expect(AgentMessageSchema.safeParse({ ...F.AGENT_MESSAGE_CARDS, cards: [{ id: 'x', parameters: [] }] }).success).toBe(false);
  });

  it('every optional member sent as null reads as absent (FastAPI style); defaults apply', () => {
    const message = AgentMessageSchema.parse({
      ...F.AGENT_MESSAGE_G1,
      sender: { id: 'a', type: 'agent', email: null },
      options: [{ is_recommended: null, widget_parameters: null }, { widget_parameters: [{ title: 't', type: 'string', value: null }] }],
      variants_options: null,
      cards: [{ id: 'c', name: 'n', category: null, parameters: [{ title: 'p', param: null, type: null, value: null }], is_recommended: null }],
      followup_suggestions: null,
      welcome_message: null,
      executed_workflows: null,
      url: null,
      trace_info: null,
    });
    expect(message.sender).toStrictEqual({ id: 'a', type: 'agent' });
    expect(message.options).toStrictEqual([{ widget_parameters: [] }, { widget_parameters: [{ title: 't', type: 'string', value: null }] }]);
    expect(message.cards).toStrictEqual([{ id: 'c', name: 'n', parameters: [{ title: 'p', value: null }] }]);
    for (const key of ['variants_options', 'followup_suggestions', 'welcome_message', 'executed_workflows', 'url', 'trace_info']) {
      expect(key in message).toBe(false);
    }
    expect(AgentMessageSchema.parse({ ...F.AGENT_MESSAGE_G1, cards: null, options: null })).not.toHaveProperty('cards');
    expect(TaskPageSchema.parse({ tasks: null, total: 0, page: 1, size: 10 })).toStrictEqual({ tasks: [], total: 0, page: 1, size: 10 });
    expect(TaskSchema.parse(F.TASK_NULL_OPTIONALS)).toStrictEqual({ id: F.TASK_NULL_OPTIONALS.id, user_id: 'user_123', title: 'New Conversation' });
  });

  it('a required member sent as null is still refused', () => {
    expect(TaskSchema.safeParse({ ...F.TASK_G1, id: null }).success).toBe(false);
    expect(TaskPageSchema.safeParse({ tasks: [], total: null, page: 1, size: 10 }).success).toBe(false);
    expect(AgentMessageSchema.safeParse({ ...F.AGENT_MESSAGE_G1, cards: [{ id: 'c', name: null }] }).success).toBe(false);
  });

  it('AgentMessageList parses a bare array of messages', () => {
    expect(AgentMessageListSchema.parse(F.TASK_MESSAGES)).toStrictEqual(withoutNulls(F.TASK_MESSAGES));
    expect(AgentMessageListSchema.safeParse({ messages: F.TASK_MESSAGES }).success).toBe(false);
  });
});

/** `arb`, or null (FastAPI's unset); absent when the record leaves the key out. */
const orNull = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null, freq: 3 });
const word = fc.string({ maxLength: 6 });
const plain = fc.oneof(word, fc.integer(), fc.boolean()); // unknown members and trace values: never null
const party = fc.record({ id: word, type: fc.constantFrom('agent', 'user'), email: orNull(fc.constantFrom('a@b.c', '')), extra: plain }, { requiredKeys: ['id', 'type'] });
const optionParameter = fc.record({ title: word, value: fc.jsonValue({ maxDepth: 1 }), type: fc.constantFrom('string', 'numeric') }, { requiredKeys: ['title', 'type'] });
const cardParameter = fc.record(
  { param: orNull(word), title: word, value: fc.jsonValue({ maxDepth: 1 }), type: orNull(fc.constantFrom('string', 'array')) },
  { requiredKeys: ['title'] },
);
const card = fc.record(
  { id: word, name: word, category: orNull(word), parameters: orNull(fc.array(cardParameter, { maxLength: 2 })), is_recommended: orNull(fc.boolean()), extra: plain },
  { requiredKeys: ['id', 'name'] },
);
const option = fc.record({ is_recommended: orNull(fc.boolean()), widget_parameters: orNull(fc.array(optionParameter, { maxLength: 2 })) }, { requiredKeys: [] });
const words = fc.array(word, { maxLength: 2 });
/** An agent message as servers send it (as JSON.parse makes it): any optional member present, null or absent. */
const serverMessage = fc.record(
  {
    id: word,
    created_at: fc.constantFrom('2025-10-09 12:26:07.576000', '2026-03-09T14:22:01.000Z'),
    text: word,
    sender: party,
    receiver: party,
    options: orNull(fc.array(option, { maxLength: 2 })),
    variants_options: orNull(fc.array(option, { maxLength: 1 })),
    cards: orNull(fc.array(card, { maxLength: 2 })),
    followup_suggestions: orNull(words),
    welcome_message: orNull(word),
    executed_workflows: orNull(words),
    url: orNull(word),
    trace_info: orNull(fc.dictionary(word, plain, { maxKeys: 2 })),
    server_extra: plain,
  },
  { requiredKeys: ['id', 'created_at', 'text', 'sender', 'receiver'] },
).map((m) => JSON.parse(JSON.stringify(m)) as Record<string, unknown>);

/** What AgentMessageSchema outputs for `message`: nulls left out ({@link withoutNulls}), absent parameter arrays `[]`. */
function expectedMessage(message: Record<string, unknown>): Record<string, unknown> {
  const out = withoutNulls(message);
  const fill = (items: unknown, key: string): void => {
    if (Array.isArray(items)) for (const item of items as Array<Record<string, unknown>>) item[key] ??= [];
  };
  fill(out['cards'], 'parameters');
  fill(out['options'], 'widget_parameters');
  fill(out['variants_options'], 'widget_parameters');
  return out;
}

describe('AgentMessageSchema on generated server messages', () => {
  it('outputs the message with every null member left out and the defaults applied; never changes its input', () => {
    let withNull = 0;
    fc.assert(
      fc.property(serverMessage, (message) => {
        const before = structuredClone(message);
        if (JSON.stringify(message).includes('null')) withNull++;
        expect(AgentMessageSchema.parse(message)).toStrictEqual(expectedMessage(message));
        expect(message).toStrictEqual(before);
      }),
      { numRuns: 1_000 },
    );
    expect(withNull).toBeGreaterThan(100); // the null paths were exercised
  });
});

describe('REST request schemas', () => {
  it('CreateTaskRequest needs a non-blank user_id, accepts origin and agent', () => {
    expect(CreateTaskRequestSchema.safeParse({ user_id: 'u', task_origin_type: 'web-widget', agent: { agent_id: 'a', bundle_mode: true } }).success).toBe(true);
    expect(CreateTaskRequestSchema.safeParse({}).success).toBe(false);
    expect(CreateTaskRequestSchema.safeParse({ user_id: ' ' }).success).toBe(false);
    expect(CreateTaskRequestSchema.safeParse({ user_id: 'u', task_origin_type: '' }).success).toBe(false);
  });

  it('ListTasksRequest: page ≥ 1, size 1..1000, integers', () => {
    expect(ListTasksRequestSchema.safeParse({ user_id: 'u', page: 1, size: 1000 }).success).toBe(true);
    for (const bad of [{ page: 0 }, { page: 1.5 }, { size: 0 }, { size: 1001 }]) {
      expect(ListTasksRequestSchema.safeParse({ user_id: 'u', ...bad }).success).toBe(false);
    }
  });

  it('ListAllTasksRequest has no page', () => {
    expect(ListAllTasksRequestSchema.parse({ user_id: 'u', size: 5, page: 3 })).toEqual({ user_id: 'u', size: 5 });
  });

  it('TaskId is a non-blank string', () => {
    expect(TaskIdSchema.safeParse('68e78d0dc5a4b19a030d03d6').success).toBe(true);
    for (const bad of ['', '  ', 5, undefined, null]) expect(TaskIdSchema.safeParse(bad).success).toBe(false);
  });

  it('TaskId is one path segment: no . or .. (after trimming), no control character, at most MAX_ID_LENGTH', () => {
    for (const good of ['a.b', '...', '.a', 'a/b', 'a?b#c', 'é 🙂', ' t1 ', 'x'.repeat(MAX_ID_LENGTH)]) {
      expect(TaskIdSchema.safeParse(good).success).toBe(true);
    }
    const bad = ['.', '..', ' .. ', '\t.\n', '\u0000', 'a\nb', 'a\rb', 'a\u001fb', 'a\u007fb', 'a\u0080b', 'a\u009fb', 'x'.repeat(MAX_ID_LENGTH + 1)];
    for (const id of bad) {
      expect(TaskIdSchema.safeParse(id).success).toBe(false);
      expect(SendMessageRequestSchema.safeParse({ task_id: id, text: 'hi' }).success).toBe(false);
    }
  });

  it('a user id has the same rules but for dots (it is a query / body value, not a path segment)', () => {
    for (const good of ['.', '..', 'user_123', 'a@b.c']) expect(ListTasksRequestSchema.safeParse({ user_id: good }).success).toBe(true);
    for (const bad of ['u\u0000', 'u\nv', 'u\u0085', 'x'.repeat(MAX_ID_LENGTH + 1)]) {
      expect(ListTasksRequestSchema.safeParse({ user_id: bad }).success).toBe(false);
      expect(CreateTaskRequestSchema.safeParse({ user_id: bad }).success).toBe(false);
    }
  });

  it('SendMessageRequest: the docs example passes; blank text, missing task_id and a bad context fail', () => {
    expect(SendMessageRequestSchema.parse(F.SEND_MESSAGE_REQUEST)).toEqual(F.SEND_MESSAGE_REQUEST);
    expect(SendMessageRequestSchema.safeParse({ task_id: 't', text: 'hi', context: null }).success).toBe(true);
    expect(SendMessageRequestSchema.safeParse({ task_id: 't', text: 'hi', agent_variables: { plan: 'pro' } }).success).toBe(true);
    expect(SendMessageRequestSchema.safeParse({ task_id: 't', text: ' \t\n' }).success).toBe(false);
    expect(SendMessageRequestSchema.safeParse({ text: 'hi' }).success).toBe(false);
    expect(SendMessageRequestSchema.safeParse({ task_id: 't', text: 'hi', context: { lead_details: 'x' } }).success).toBe(false);
  });
});

/**
 * The inferred types, written out: a schema change that alters one of them fails to compile (`npm test`
 * and `tsc` type-check the specs). Responses read `null` as absent, so no `null` in their optional
 * members except where the declared schema is `.nullish()` (null never reaches the output there either).
 */
type PinnedParty = { id: string; type: string; email?: string | null | undefined; [key: string]: unknown };
type PinnedCardParameter = { param?: string | undefined; title: string; value?: unknown; type?: string | undefined; [key: string]: unknown };
type PinnedCard = { id: string; name: string; category?: string | undefined; parameters: PinnedCardParameter[]; is_recommended?: boolean | undefined; [key: string]: unknown };
type PinnedOptionParameter = { title: string; value?: unknown; type: string; [key: string]: unknown };
type PinnedOption = { is_recommended?: boolean | undefined; widget_parameters: PinnedOptionParameter[]; [key: string]: unknown };
type PinnedMessage = {
  id: string;
  created_at: string;
  text: string;
  sender: PinnedParty;
  receiver: PinnedParty;
  options?: PinnedOption[] | undefined;
  variants_options?: PinnedOption[] | undefined;
  cards?: PinnedCard[] | undefined;
  followup_suggestions?: string[] | null | undefined;
  welcome_message?: string | null | undefined;
  executed_workflows?: string[] | null | undefined;
  url?: string | null | undefined;
  trace_info?: Record<string, unknown> | null | undefined;
  [key: string]: unknown;
};
type PinnedTask = { id: string; user_id: string; title: string; welcome_message?: string | null | undefined; followup_suggestions?: string[] | null | undefined; [key: string]: unknown };
type PinnedTaskPage = { tasks: PinnedTask[]; total: number; page: number; size: number; [key: string]: unknown };
type PinnedContext = { url?: string | null | undefined; lead_details?: Record<string, unknown> | null | undefined; welcome_message?: string | null | undefined; [key: string]: unknown };
type PinnedSend = { task_id: string; text: string; context?: PinnedContext | null | undefined; agent_variables?: Record<string, unknown> | undefined; [key: string]: unknown };
type PinnedAgent = { agent_id?: string | undefined; version_id?: string | undefined; version_tag?: string | undefined; bundle_mode?: boolean | undefined; [key: string]: unknown };
type PinnedCreate = { user_id: string; task_origin_type?: string | undefined; agent?: PinnedAgent | undefined; [key: string]: unknown };
type PinnedList = { user_id: string; page?: number | undefined; size?: number | undefined };

describe('inferred types (pinned)', () => {
  it('stay exactly as written out above (checked by the compiler)', () => {
    const pinned: Array<true> = [
      true satisfies Equal<AgentMessage, PinnedMessage>,
      true satisfies Equal<Task, PinnedTask>,
      true satisfies Equal<TaskPage, PinnedTaskPage>,
      true satisfies Equal<MessageContext, PinnedContext>,
      true satisfies Equal<SendMessageRequest, PinnedSend>,
      true satisfies Equal<z.output<typeof SendMessageFieldsSchema>, PinnedSend>,
      true satisfies Equal<CreateTaskRequest, PinnedCreate>,
      true satisfies Equal<ListTasksRequest, PinnedList>,
    ];
    expect(pinned).toHaveLength(8);
  });
});

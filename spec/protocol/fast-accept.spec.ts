import fc from 'fast-check';
import { acceptAgentMessage, acceptSendMessage } from '../../lib/protocol/fast-accept';
import {
  AgentMessageSchema,
  CardParameterSchema,
  ContactPartySchema,
  MessageContextSchema,
  OptionParameterSchema,
  ProductCardSchema,
  ProductOptionSchema,
  SendMessageRequestSchema,
} from '../../lib/protocol/rest';
import { FRAME_USER_MESSAGE } from '../helpers/fixtures';
import { editAt, paths } from '../helpers/reliability-arbitraries';

type Obj = Record<string, unknown>;
type Path = ReadonlyArray<string | number>;

/** What a mutation puts in place: the values that sit next to valid ones in each check. */
const ODD_VALUES: unknown[] = [null, 1, 0, '', 'x', true, false, [], {}, ['x'], [null], [1], { id: 'x' }, { title: 't', type: 's' }];

type Mutation = { op: 'drop' } | { op: 'set'; value: unknown } | { op: 'proto' } | { op: 'hole' } | { op: 'null-proto' };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Mutation>({ op: 'drop' }) },
  { weight: 8, arbitrary: fc.constantFrom(...ODD_VALUES).map((value): Mutation => ({ op: 'set', value })) },
  { weight: 1, arbitrary: fc.constant<Mutation>({ op: 'proto' }) },
  { weight: 1, arbitrary: fc.constant<Mutation>({ op: 'hole' }) },
  { weight: 1, arbitrary: fc.constant<Mutation>({ op: 'null-proto' }) },
);

/** `m` applied at `path` of a deep copy of `value` (a JSON value). */
function mutate(value: Obj, path: Path, m: Mutation): Obj {
  const copy = JSON.parse(JSON.stringify(value)) as Obj;
  editAt(copy, path, (parent, key) => {
    const member = parent[key];
    const isObject = typeof member === 'object' && member !== null && !Array.isArray(member);
    switch (m.op) {
      case 'drop':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'set':
        parent[key] = structuredClone(m.value);
        break;
      case 'proto':
        // What JSON.parse makes of a "__proto__" member: an own key, not the prototype (objects only:
        // JSON cannot give an array a named member).
        if (isObject) Object.defineProperty(member, '__proto__', { value: { x: 1 }, enumerable: true, configurable: true, writable: true });
        break;
      case 'hole':
        if (Array.isArray(member)) member.length += 1;
        break;
      case 'null-proto':
        if (isObject) parent[key] = Object.assign(Object.create(null) as Obj, member);
        break;
    }
  });
  return copy;
}

const str = fc.string({ maxLength: 8 });
const party = fc.record({ id: str, type: fc.constantFrom('agent', 'user'), email: fc.constantFrom('a@b.c', '') }, { requiredKeys: ['id', 'type'] });
const optionParameter = fc.record({ title: str, value: fc.jsonValue({ maxDepth: 1 }), type: fc.constantFrom('string', 'numeric') }, { requiredKeys: ['title', 'type'] });
const cardParameter = fc.record({ param: str, title: str, value: fc.jsonValue({ maxDepth: 1 }), type: fc.constantFrom('string', 'array') }, { requiredKeys: ['title'] });
const card = fc.record(
  { id: str, name: str, category: str, parameters: fc.array(cardParameter, { maxLength: 2 }), is_recommended: fc.boolean(), extra: str },
  { requiredKeys: ['id', 'name', 'parameters'] },
);
const option = fc.record({ is_recommended: fc.boolean(), widget_parameters: fc.array(optionParameter, { maxLength: 2 }) }, { requiredKeys: ['widget_parameters'] });
const strings = fc.array(str, { maxLength: 2 });

/**
 * A well-formed agent message with the members the API documents as required (so no schema default
 * applies) and no null member (the schema drops those, so its output is not the input).
 */
const message: fc.Arbitrary<Obj> = fc.record(
  {
    id: str,
    created_at: fc.constantFrom('2025-10-09 12:26:07.576000', '2026-03-09T14:22:01.000Z'),
    text: str,
    sender: party,
    receiver: party,
    options: fc.array(option, { maxLength: 2 }),
    variants_options: fc.array(option, { maxLength: 1 }),
    cards: fc.array(card, { maxLength: 2 }),
    followup_suggestions: strings,
    welcome_message: str,
    executed_workflows: strings,
    url: str,
    trace_info: fc.dictionary(str, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
    server_extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ['id', 'created_at', 'text', 'sender', 'receiver'] },
);

/** A message with 1–3 mutations (most of them invalid, some still valid). */
const mutatedMessage: fc.Arbitrary<Obj> = message.chain((m) =>
  fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }).map((ops) => {
    let current = m;
    for (const [pick, op] of ops) {
      const all = paths(current).filter((p) => p.length > 0);
      if (all.length) current = mutate(current, all[pick % all.length] as Path, op);
    }
    return current;
  }),
);

describe('acceptAgentMessage (fast path of AgentMessageSchema)', () => {
  it('accepts every well-formed message as it is, and the schema outputs an equal value', () => {
    fc.assert(
      fc.property(message, (m) => {
        const before = structuredClone(m);
        expect(acceptAgentMessage(m)).toBe(m);
        expect(AgentMessageSchema.parse(m)).toEqual(m);
        expect(m).toEqual(before);
      }),
      { numRuns: 1_000 },
    );
  });

  it('never accepts what the schema rejects, never changes its input, and agrees with the schema on what it accepts', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(mutatedMessage, (m) => {
        const before = structuredClone(m);
        const fast = acceptAgentMessage(m);
        const zod = AgentMessageSchema.safeParse(m);
        if (fast === undefined) {
          rejected++;
        } else {
          accepted++;
          // The input itself, or (for a party's `email: null`) a copy without that member.
          const nullEmail = [m.sender, m.receiver].some((p) => (p as { email?: unknown } | undefined)?.email === null);
          if (nullEmail) expect(fast).not.toBe(m);
          else expect(fast).toBe(m);
          expect(zod.success).toBe(true);
          expect(zod.data).toEqual(fast);
        }
        expect(m).toEqual(before);
      }),
      { numRuns: 3_000 },
    );
    // Both outcomes were exercised often (the property above is not vacuous).
    expect(accepted).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(300);
  });

  it('leaves to the schema a card without parameters and an option without widget_parameters (the schema fills [])', () => {
    const base = { id: 'm', created_at: 'now', text: 'hi', sender: { id: 'a', type: 'agent' }, receiver: { id: 'u', type: 'user' } };
    const withCard = { ...base, cards: [{ id: 'p', name: 'P' }] };
    expect(acceptAgentMessage(withCard)).toBeUndefined();
    expect(AgentMessageSchema.parse(withCard).cards?.[0]?.parameters).toEqual([]);
    const withOption = { ...base, options: [{ is_recommended: true }] };
    expect(acceptAgentMessage(withOption)).toBeUndefined();
    expect(AgentMessageSchema.parse(withOption).options?.[0]?.widget_parameters).toEqual([]);
    expect(withCard.cards[0]).toEqual({ id: 'p', name: 'P' });
  });

  it('takes a party email: null (every FastAPI server sends it) as the schema does: a copy without it', () => {
    const base = { id: 'm', created_at: 'now', text: 'hi', sender: { id: 'a', type: 'agent', email: null }, receiver: { id: 'u', type: 'user', email: 'u@x' } };
    const fast = acceptAgentMessage(base);
    expect(fast).toEqual(AgentMessageSchema.parse(base));
    expect(fast?.sender).toEqual({ id: 'a', type: 'agent' });
    expect(fast?.receiver).toBe(base.receiver);
    expect(base.sender).toEqual({ id: 'a', type: 'agent', email: null });
  });

  it('leaves to the schema a message with any other null member (FastAPI style): the schema drops it', () => {
    const base = { id: 'm', created_at: 'now', text: 'hi', sender: { id: 'a', type: 'agent' }, receiver: { id: 'u', type: 'user' } };
    const withNulls = [
      { ...base, cards: null },
      { ...base, options: null, variants_options: null },
      { ...base, followup_suggestions: null },
      { ...base, welcome_message: null },
      { ...base, executed_workflows: null },
      { ...base, url: null },
      { ...base, trace_info: null },
      { ...base, cards: [{ id: 'p', name: 'P', parameters: [], category: null }] },
      { ...base, cards: [{ id: 'p', name: 'P', parameters: [{ title: 't', param: null, type: null }] }] },
      { ...base, options: [{ is_recommended: null, widget_parameters: [] }] },
    ];
    for (const m of withNulls) {
      expect(acceptAgentMessage(m)).toBeUndefined();
      expect(JSON.stringify(AgentMessageSchema.parse(m))).not.toContain('null');
    }
  });

  it('leaves to the schema an own __proto__ member, a class instance and a non-object', () => {
    const m = JSON.parse('{"id":"m","created_at":"now","text":"hi","sender":{"id":"a","type":"agent"},"receiver":{"id":"u","type":"user"},"__proto__":{"x":1}}') as unknown;
    expect(acceptAgentMessage(m)).toBeUndefined();
    class Message {
      id = 'm';
      created_at = 'now';
      text = 'hi';
      sender = { id: 'a', type: 'agent' };
      receiver = { id: 'u', type: 'user' };
    }
    expect(acceptAgentMessage(new Message())).toBeUndefined();
    for (const v of [null, undefined, 'm', 1, [], [{ id: 'm' }]]) expect(acceptAgentMessage(v)).toBeUndefined();
  });
});

const taskId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.constantFrom('6710f6f6a1b2c3d4e5f60718', ' padded ', '\ud800', 'a\udfffb', '🙂', '.', '..', ' .. ', 'a..b', 'a\nb', '\u0000', 'a\u0085', 'x'.repeat(513), 'x'.repeat(512)),
);
const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('   ', '\n\t', 'hi', '\ud800'));
const context = fc.oneof(
  fc.constantFrom(undefined, null, 'x', 1, [], {}),
  fc.record(
    {
      url: fc.constantFrom('https://shop.example/p/1', null, 1),
      lead_details: fc.constantFrom({ customer_type: 'residential' }, null, [], 'x'),
      welcome_message: fc.constantFrom('Hello', null, false),
      extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
);
const agentVariables = fc.constantFrom(undefined, {}, { tier: 'gold', n: 1 }, null, [], 'x', { nested: { deep: [1, 2] } });
const sendRequest = fc.record(
  { task_id: taskId, text, context, agent_variables: agentVariables, extra: fc.jsonValue({ maxDepth: 1 }) },
  { requiredKeys: ['task_id', 'text'] },
);

describe('acceptSendMessage (fast path of SendMessageRequestSchema)', () => {
  it('agrees with the schema on every message it accepts: same task id, same JSON members and values', () => {
    let accepted = 0;
    fc.assert(
      fc.property(sendRequest, (request) => {
        const fast = acceptSendMessage(request);
        const zod = SendMessageRequestSchema.safeParse(request);
        if (fast === undefined) return;
        accepted++;
        expect(zod.success).toBe(true);
        expect(fast.taskId).toBe(zod.data?.task_id);
        expect(JSON.parse(fast.json)).toEqual(JSON.parse(JSON.stringify(zod.data)));
      }),
      { numRuns: 5_000 },
    );
    expect(accepted).toBeGreaterThan(500);
  });

  it('accepts the common messages, the documented one with context included', () => {
    expect(acceptSendMessage({ task_id: 't1', text: 'hi' })).toEqual({ taskId: 't1', json: '{"task_id":"t1","text":"hi"}' });
    expect(JSON.parse(acceptSendMessage(FRAME_USER_MESSAGE)?.json ?? 'null')).toEqual(FRAME_USER_MESSAGE);
    expect(acceptSendMessage({ task_id: 't1', text: 'hi', context: null })?.json).toBe('{"task_id":"t1","text":"hi","context":null}');
  });

  it('leaves to the schema a padded task id (the schema trims it), bad members, cycles, BigInt and class instances', () => {
    expect(acceptSendMessage({ task_id: ' t1 ', text: 'hi' })).toBeUndefined();
    expect(acceptSendMessage({ task_id: '', text: 'hi' })).toBeUndefined();
    expect(acceptSendMessage({ task_id: 't\ud800', text: 'hi' })).toBeUndefined();
    for (const task_id of ['.', '..', 'a\nb', '\u0000', 'a\u007f', 'a\u009f', 'x'.repeat(513)]) {
      expect(acceptSendMessage({ task_id, text: 'hi' })).toBeUndefined();
      expect(SendMessageRequestSchema.safeParse({ task_id, text: 'hi' }).success).toBe(false);
    }
    expect(acceptSendMessage({ task_id: 't', text: ' \n' })).toBeUndefined();
    expect(acceptSendMessage({ task_id: 't', text: 'hi', context: 'x' })).toBeUndefined();
    expect(acceptSendMessage({ task_id: 't', text: 'hi', agent_variables: [] })).toBeUndefined();
    const cyclic: Obj = { task_id: 't', text: 'hi' };
    cyclic['self'] = cyclic;
    expect(acceptSendMessage(cyclic)).toBeUndefined();
    expect(acceptSendMessage({ task_id: 't', text: 'hi', agent_variables: { n: 1n } })).toBeUndefined();
    class Request {
      task_id = 't';
      text = 'hi';
    }
    expect(acceptSendMessage(new Request())).toBeUndefined();
    for (const v of [null, undefined, 't', 1, [], [{ task_id: 't', text: 'hi' }]]) expect(acceptSendMessage(v)).toBeUndefined();
  });

  it('sends the values it checked, even when a getter changes its answer', () => {
    let reads = 0;
    const request = {
      task_id: 't1',
      get text(): string {
        reads++;
        return reads === 1 ? 'checked' : '   ';
      },
    };
    expect(JSON.parse(acceptSendMessage(request)?.json ?? 'null')).toEqual({ task_id: 't1', text: 'checked' });
  });
});

describe('the members the fast paths check', () => {
  // A member added to one of these schemas must be checked by fast-accept.ts too, or the fast path
  // would accept a value the schema rejects. These lists are what fast-accept.ts checks: change
  // both together.
  it.each([
    ['AgentMessageSchema', AgentMessageSchema.shape, ['id', 'created_at', 'text', 'sender', 'receiver', 'options', 'variants_options', 'cards', 'followup_suggestions', 'welcome_message', 'executed_workflows', 'url', 'trace_info']],
    ['ContactPartySchema', ContactPartySchema.shape, ['id', 'type', 'email']],
    ['ProductOptionSchema', ProductOptionSchema.shape, ['is_recommended', 'widget_parameters']],
    ['OptionParameterSchema', OptionParameterSchema.shape, ['title', 'value', 'type']],
    ['ProductCardSchema', ProductCardSchema.shape, ['id', 'name', 'category', 'parameters', 'is_recommended']],
    ['CardParameterSchema', CardParameterSchema.shape, ['param', 'title', 'value', 'type']],
    ['MessageContextSchema', MessageContextSchema.shape, ['url', 'lead_details', 'welcome_message']],
    ['SendMessageRequestSchema', SendMessageRequestSchema.shape, ['task_id', 'text', 'context', 'agent_variables']],
  ] as const)('%s has exactly the members fast-accept.ts checks', (_name, shape, members) => {
    expect(Object.keys(shape).sort()).toEqual([...members].sort());
  });
});

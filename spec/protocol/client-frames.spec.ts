import fc from 'fast-check';
import { AuiValidationError } from '../../lib/errors';
import { refusal } from '../helpers/refusal';
import { encodeUserMessage, encodeUserMessageFrame, UserMessageFrameSchema } from '../../lib/protocol/client-frames';
import { FRAME_USER_MESSAGE } from '../helpers/fixtures';
import { safeParseWire } from '../../lib/internal/zod-issues';

describe('user message frame', () => {
  it('parses the documented frame (with context) unchanged', () => {
    expect(UserMessageFrameSchema.parse(FRAME_USER_MESSAGE)).toEqual(FRAME_USER_MESSAGE);
  });

  it('requires task_id and non-blank text', () => {
    expect(UserMessageFrameSchema.safeParse({ text: 'hi' }).success).toBe(false);
    expect(UserMessageFrameSchema.safeParse({ task_id: 't', text: '  ' }).success).toBe(false);
  });

  it('encodes exactly the members given, in order, leaving undefined ones out', () => {
    expect(encodeUserMessageFrame({ task_id: 't1', text: 'hi' })).toBe('{"task_id":"t1","text":"hi"}');
    expect(encodeUserMessageFrame({ task_id: 't1', text: 'hi', context: null })).toBe('{"task_id":"t1","text":"hi","context":null}');
    const frame = UserMessageFrameSchema.parse(FRAME_USER_MESSAGE);
    expect(JSON.parse(encodeUserMessageFrame(frame))).toEqual(FRAME_USER_MESSAGE);
  });

  it('round-trips text with quotes, newlines and non-ASCII', () => {
    const text = 'He said "hi"\nthen — 日本語 🎉';
    expect(JSON.parse(encodeUserMessageFrame({ task_id: 't', text }))).toEqual({ task_id: 't', text });
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
const agentVariables = fc.constantFrom(undefined, {}, { tier: 'gold', n: 1 }, null, [], 'x', { nested: { deep: [1, 2] } }, { n: 1n });
const sendRequest = fc.record(
  { task_id: taskId, text, context, agent_variables: agentVariables, extra: fc.jsonValue({ maxDepth: 1 }) },
  { requiredKeys: ['task_id', 'text'] },
);

describe('encodeUserMessage (validated by UserMessageFrameSchema, encoded once)', () => {
  it('encodes the common messages: the task id trimmed, the JSON of the schema output', () => {
    expect(encodeUserMessage({ task_id: 't1', text: 'hi' })).toEqual({ taskId: 't1', json: '{"task_id":"t1","text":"hi"}' });
    expect(encodeUserMessage({ task_id: ' t1 ', text: 'hi' })).toEqual({ taskId: 't1', json: '{"task_id":"t1","text":"hi"}' });
    expect(encodeUserMessage({ task_id: 't1', text: 'hi', context: null }).json).toBe('{"task_id":"t1","text":"hi","context":null}');
    expect(JSON.parse(encodeUserMessage(FRAME_USER_MESSAGE).json)).toEqual(FRAME_USER_MESSAGE);
  });

  it('agrees with UserMessageFrameSchema on every message: accepted iff the schema accepts, the JSON of its output', () => {
    let accepted = 0;
    fc.assert(
      fc.property(sendRequest, (request) => {
        const schema = safeParseWire(UserMessageFrameSchema, request);
        let encoded: ReturnType<typeof encodeUserMessage> | undefined;
        let error: unknown;
        try {
          encoded = encodeUserMessage(request);
        } catch (e) {
          error = e;
        }
        if (!schema.success) {
          expect(error).toBeInstanceOf(AuiValidationError);
          expect((error as AuiValidationError).issues).toEqual(schema.issues);
          return;
        }
        accepted++;
        expect(encoded).toEqual({ taskId: schema.data.task_id, json: JSON.stringify(schema.data) });
      }),
      { numRuns: 3_000 },
    );
    expect(accepted).toBeGreaterThan(300);
  });

  it('refuses what the schema refuses, in the one format, with the task id where known', () => {
    const blank = refusal(() => encodeUserMessage({ task_id: ' t1 ', text: ' \n ' }));
    expect(blank.message).toBe('Invalid arguments for streamMessage: text: must not be empty; no request was sent');
    expect(blank.taskId).toBe('t1');
    const dots = refusal(() => encodeUserMessage({ task_id: '..', text: 'hi' }, 'sendMessage'));
    expect(dots.message).toBe("Invalid arguments for sendMessage: task_id: must not be '.' or '..' (a task id is one URL path segment); no request was sent");
    for (const bad of [null, 't1', [], { task_id: 't', text: 'hi', context: 'x' }, { task_id: 't', text: 'hi', agent_variables: [] }]) {
      expect(refusal(() => encodeUserMessage(bad)).message).toMatch(/^Invalid arguments for streamMessage: .+; no request was sent$/);
    }
  });

  it('refuses a cycle or a BigInt with the issue the schema gives (encoded once, not checked by a second stringify)', () => {
    const cyclic: Record<string, unknown> = { task_id: 't1', text: 'hi' };
    cyclic['self'] = cyclic;
    for (const request of [cyclic, { task_id: 't1', text: 'hi', agent_variables: { n: 10n } }]) {
      const error = refusal(() => encodeUserMessage(request));
      expect(error.message).toBe('Invalid arguments for streamMessage: must be JSON-encodable (no cycles, no BigInt); no request was sent');
      expect(error.taskId).toBe('t1');
      expect(error.cause).toBeInstanceOf(TypeError);
      const schema = UserMessageFrameSchema.safeParse(request);
      expect(error.issues).toEqual(schema.error?.issues.map((i) => ({ path: i.path, message: i.message, code: i.code })));
    }
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
    expect(JSON.parse(encodeUserMessage(request).json)).toEqual({ task_id: 't1', text: 'checked' });
  });
});

import fc from 'fast-check';
import type * as z from 'zod/mini';
import { AuiProtocolError } from '../../lib/errors.js';
import {
  ErrorFrameSchema,
  TEXT_UPDATE_EVENT,
  TextUpdateA1Schema,
  TextUpdateA2Schema,
  classifyServerFrame,
  parseFrameJson,
  parseServerFrame,
  textUpdateText,
  type ErrorFrame,
  type TextUpdateA1,
  type TextUpdateA2,
} from '../../lib/protocol/server-frames.js';
import type { Equal } from '../helpers/type-equal';
import {
  ERROR_400_MODERATION,
  ERROR_500,
  FRAME_ERROR,
  FRAME_ERROR_401,
  FRAME_FINAL_CARDS,
  FRAME_FINAL_LEGACY,
  FRAME_TEXT_A1,
  FRAME_TEXT_A2,
} from '../helpers/fixtures.js';

const envelopeText = { type: 'streaming_update', data: { text: 'Hi there' } };

describe('classifyServerFrame', () => {
  it('A1 text update, with the task id from scope.context', () => {
    expect(classifyServerFrame(FRAME_TEXT_A1)).toEqual({ type: 'text', text: 'I found several built-in', taskId: '68e78d0dc5a4b19a030d03d6' });
  });

  it('A1 with every optional member null (FastAPI style): the schema reads them as absent', () => {
    const raw = {
      channel: { type: null, channel_name: null, event_name: TEXT_UPDATE_EVENT },
      scope: { type: null, data: { status: null }, context: { message_id: null, task_id: 't1', interaction_id: null, pillar: null } },
      data: { text: 'Hi' },
      timestamp: null,
    };
    expect(classifyServerFrame(raw)).toEqual({ type: 'text', text: 'Hi', taskId: 't1' });
    expect(TextUpdateA1Schema.parse(raw)).toStrictEqual({
      channel: { event_name: TEXT_UPDATE_EVENT },
      scope: { data: {}, context: { task_id: 't1' } },
      data: { text: 'Hi' },
    });
    expect(TextUpdateA1Schema.parse({ ...raw, scope: null })).toStrictEqual({ channel: { event_name: TEXT_UPDATE_EVENT }, data: { text: 'Hi' } });
    expect(TextUpdateA1Schema.parse({ ...raw, scope: { data: null, context: null } })).toStrictEqual({
      channel: { event_name: TEXT_UPDATE_EVENT },
      scope: {},
      data: { text: 'Hi' },
    });
    expect(classifyServerFrame({ ...raw, scope: null })).toEqual({ type: 'text', text: 'Hi', taskId: undefined });
  });

  it('an error frame whose message and description are null keeps its status (plain and in the envelope)', () => {
    const frame = { status_code: 401, message: null, description: null, extra_data: null };
    expect(classifyServerFrame(frame)).toEqual({ type: 'error', frame: { status_code: 401 } });
    expect(ErrorFrameSchema.parse(frame)).toStrictEqual({ status_code: 401 });
    expect(classifyServerFrame({ type: 'error', data: frame })).toEqual({ type: 'error', frame: { status_code: 401 } });
  });

  it('a final message with null members parses with them left out', () => {
    const raw = { ...FRAME_FINAL_CARDS, options: null, variants_options: null, url: null, welcome_message: null };
    const classified = classifyServerFrame(raw);
    expect(classified.type).toBe('final');
    const message = classified.type === 'final' ? classified.message : {};
    for (const key of ['options', 'variants_options', 'url', 'welcome_message']) expect(key in message).toBe(false);
  });

  it('A1 without scope', () => {
    const { scope: _scope, ...bare } = FRAME_TEXT_A1;
    expect(classifyServerFrame(bare)).toEqual({ type: 'text', text: 'I found several built-in', taskId: undefined });
  });

  it('A2 text update', () => {
    expect(classifyServerFrame(FRAME_TEXT_A2)).toEqual({ type: 'text', text: 'I found several built-in microwaves', taskId: undefined });
  });

  it('envelope text update', () => {
    expect(classifyServerFrame(envelopeText)).toEqual({ type: 'text', text: 'Hi there', taskId: undefined });
  });

  it.each([
    ['legacy options', FRAME_FINAL_LEGACY],
    ['AsyncAPI cards', FRAME_FINAL_CARDS],
  ])('final message (%s), unknown fields kept', (_label, frame) => {
    const result = classifyServerFrame({ ...frame, extra_field: 1 });
    expect(result).toMatchObject({ type: 'final', message: { id: frame.id, text: frame.text, extra_field: 1 } });
  });

  it('final message in the envelope', () => {
    expect(classifyServerFrame({ type: 'final_message', data: FRAME_FINAL_CARDS })).toMatchObject({ type: 'final', message: { id: FRAME_FINAL_CARDS.id } });
  });

  it.each([
    ['422', FRAME_ERROR],
    ['401', FRAME_ERROR_401],
    ['400', ERROR_400_MODERATION],
    ['500', ERROR_500],
  ])('error frame %s', (_label, frame) => {
    expect(classifyServerFrame(frame)).toEqual({ type: 'error', frame });
  });

  it('error frame in the envelope', () => {
    expect(classifyServerFrame({ type: 'error', data: FRAME_ERROR })).toEqual({ type: 'error', frame: FRAME_ERROR });
  });

  it.each([
    ['a ping', { type: 'ping' }],
    ['another event', { event: 'thread-message-thinking', data: { text: 'hmm' } }],
    ['another A1 event', { channel: { event_name: 'thread-message-completed' }, data: { text: 'x' } }],
    ['an array', [1, 2]],
    ['a number', 42],
    ['null', null],
  ])('unknown: %s', (_label, raw) => {
    expect(classifyServerFrame(raw)).toEqual({ type: 'unknown', raw });
  });

  it.each([
    ['A2 with a numeric text', { event: TEXT_UPDATE_EVENT, data: { text: 1 } }, ['data', 'text']],
    ['A1 without data', { channel: { event_name: TEXT_UPDATE_EVENT } }, ['data']],
    ['final without sender', { id: 'm', text: 't', created_at: 'x', receiver: { id: 'u', type: 'user' } }, ['sender']],
    ['error frame with a string status', { status_code: '500' }, ['status_code']],
    ['envelope text without text', { type: 'streaming_update', data: {} }, ['data', 'text']],
    ['envelope final that fails', { type: 'final_message', data: { id: 1 } }, undefined],
  ])('recognised but schema-invalid → AuiProtocolError with issues: %s', (_label, raw, path) => {
    let error: unknown;
    try {
      classifyServerFrame(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuiProtocolError);
    expect((error as AuiProtocolError).body).toEqual(raw);
    expect((error as AuiProtocolError).issues?.length).toBeGreaterThan(0);
    if (path) expect((error as AuiProtocolError).issues?.map((i) => i.path)).toContainEqual(path);
  });
});

describe('textUpdateText (the hot path)', () => {
  it.each([
    ['A1', FRAME_TEXT_A1, 'I found several built-in'],
    ['A2', FRAME_TEXT_A2, 'I found several built-in microwaves'],
    ['envelope', envelopeText, 'Hi there'],
  ])('%s → its text', (_label, frame, text) => {
    expect(textUpdateText(frame)).toBe(text);
  });

  it.each([
    ['final', FRAME_FINAL_CARDS],
    ['error', FRAME_ERROR],
    ['unknown', { event: 'x', data: { text: 'y' } }],
    ['bad text', { event: TEXT_UPDATE_EVENT, data: { text: 1 } }],
    ['no data', { event: TEXT_UPDATE_EVENT }],
    ['null', null],
    ['string', 'x'],
    ['envelope that is also an error', { type: 'streaming_update', status_code: 500, data: { text: 'x' } }],
  ])('%s → undefined (left to classifyServerFrame)', (_label, frame) => {
    expect(textUpdateText(frame)).toBeUndefined();
  });

  it('agrees with classifyServerFrame on every text frame it accepts', () => {
    for (const frame of [FRAME_TEXT_A1, FRAME_TEXT_A2, envelopeText]) {
      const slow = classifyServerFrame(frame);
      expect(slow.type === 'text' && slow.text).toBe(textUpdateText(frame));
    }
  });
});

/** Mostly `valid`, sometimes a value of another type (what a broken server might send instead). */
const odd = fc.constantFrom<unknown>(null, 1, '', 'x', true, [], {}, ['x'], TEXT_UPDATE_EVENT);
const mostly = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: odd });
const word = fc.string({ maxLength: 6 });
const kind = mostly(fc.constantFrom(TEXT_UPDATE_EVENT, 'thread-message-thinking'));
const data = mostly(fc.record({ text: mostly(word), extra: word }, { requiredKeys: [] }));
const a2Frame = fc.record({ event: kind, data, extra: word }, { requiredKeys: [] });
const a1Frame = fc.record(
  {
    channel: mostly(fc.record({ type: mostly(word), channel_name: mostly(word), event_name: kind }, { requiredKeys: [] })),
    scope: mostly(
      fc.record(
        {
          type: mostly(word),
          data: mostly(fc.record({ status: mostly(word) }, { requiredKeys: [] })),
          context: mostly(fc.record({ message_id: mostly(word), task_id: mostly(word), interaction_id: mostly(word), pillar: mostly(word) }, { requiredKeys: [] })),
        },
        { requiredKeys: [] },
      ),
    ),
    data,
    timestamp: mostly(word),
    event: fc.constantFrom(undefined, 'x', TEXT_UPDATE_EVENT),
  },
  { requiredKeys: [] },
);
/** Text-update frames as JSON.parse makes them, well-formed or not, of both shapes. */
const textFrame = fc.oneof(a1Frame, a2Frame).map((f) => JSON.parse(JSON.stringify(f)) as Record<string, unknown>);

describe('textUpdateText agrees with the text-update schemas', () => {
  it('reads every frame either schema accepts, with its text; an A2 frame it reads, the A2 schema accepts; a text kind it does not read, classifyServerFrame refuses', () => {
    const seen = { a1: 0, a2: 0, refused: 0, lenient: 0 };
    fc.assert(
      fc.property(textFrame, (frame) => {
        const text = textUpdateText(frame);
        const a1 = TextUpdateA1Schema.safeParse(frame);
        const a2 = TextUpdateA2Schema.safeParse(frame);
        if (a1.success) {
          seen.a1++;
          expect(text).toBe(a1.data.data.text);
        }
        if (a2.success) {
          seen.a2++;
          expect(text).toBe(a2.data.data.text);
        }
        if (text !== undefined && frame['event'] === TEXT_UPDATE_EVENT) expect(a2.success).toBe(true);
        if (text !== undefined && !a1.success && !a2.success) seen.lenient++; // an A1 frame with malformed metadata
        const channel = frame['channel'] as { event_name?: unknown } | null | undefined;
        const textKind = frame['event'] === TEXT_UPDATE_EVENT || (typeof channel === 'object' && channel?.event_name === TEXT_UPDATE_EVENT);
        if (text === undefined && textKind) {
          seen.refused++;
          expect(() => classifyServerFrame(frame)).toThrow(AuiProtocolError);
        }
      }),
      { numRuns: 3_000 },
    );
    // Every branch was exercised (the property is not vacuous).
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(50);
  });
});

describe('parseFrameJson / parseServerFrame', () => {
  it('parses JSON text', () => {
    expect(parseFrameJson('{"a":[1]}')).toEqual({ a: [1] });
    expect(parseServerFrame(JSON.stringify(FRAME_TEXT_A2))).toMatchObject({ type: 'text' });
  });

  it('non-JSON → AuiProtocolError with the text (cut at 512 chars) as body', () => {
    expect(() => parseFrameJson('<html>')).toThrow(AuiProtocolError);
    try {
      parseServerFrame(`{${'x'.repeat(2000)}`);
    } catch (e) {
      expect((e as AuiProtocolError).body).toHaveLength(513);
      expect((e as AuiProtocolError).message).toBe('Frame is not valid JSON');
    }
    expect.assertions(3);
  });
});

describe('messages of a frame that fails its schema (zod/mini, no locale: the library writes them)', () => {
  it.each([
    ['final message', { type: 'final_message', data: { id: 1 } }, 'Invalid final message frame: Invalid input: expected string, received number', ['id']],
    ['error frame', { status_code: '500' }, 'Invalid error frame: Invalid input: expected number, received string', ['status_code']],
    ['A2 text update', { event: TEXT_UPDATE_EVENT, data: { text: null } }, 'Invalid text update frame: Invalid input: expected string, received null', ['data', 'text']],
    ['A1 text update', { channel: { event_name: TEXT_UPDATE_EVENT }, data: [] }, 'Invalid text update frame: Invalid input: expected object, received array', ['data']],
  ])('%s: what was expected and what came, with the issue code', (_label, raw, message, path) => {
    let error: unknown;
    try {
      classifyServerFrame(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuiProtocolError);
    expect((error as AuiProtocolError).message).toBe(message);
    expect((error as AuiProtocolError).issues?.[0]).toEqual({ path, message: message.replace(/^Invalid [a-z ]+ frame: /, ''), code: 'invalid_type' });
  });
});

type PinnedChannel = { type?: string | undefined; channel_name?: string | undefined; event_name: typeof TEXT_UPDATE_EVENT; [key: string]: unknown };
type PinnedContext = { message_id?: string | undefined; task_id?: string | undefined; interaction_id?: string | undefined; pillar?: string | undefined; [key: string]: unknown };
type PinnedScope = { type?: string | undefined; data?: { status?: string | undefined; [key: string]: unknown } | undefined; context?: PinnedContext | undefined; [key: string]: unknown };
type PinnedA1 = { channel: PinnedChannel; scope?: PinnedScope | undefined; data: { text: string; [key: string]: unknown }; timestamp?: string | undefined; [key: string]: unknown };
type PinnedA2 = { event: typeof TEXT_UPDATE_EVENT; data: { text: string; [key: string]: unknown }; [key: string]: unknown };
type PinnedErrorFrame = { status_code: number; description?: string | undefined; message?: string | undefined; extra_data?: Record<string, unknown> | null | undefined; [key: string]: unknown };

describe('inferred types (pinned)', () => {
  it('stay exactly as written out above (checked by the compiler)', () => {
    const pinned: Array<true> = [
      true satisfies Equal<TextUpdateA1, PinnedA1>,
      true satisfies Equal<z.input<typeof TextUpdateA1Schema>, PinnedA1>,
      true satisfies Equal<TextUpdateA2, PinnedA2>,
      true satisfies Equal<ErrorFrame, PinnedErrorFrame>,
    ];
    expect(pinned).toHaveLength(4);
  });
});

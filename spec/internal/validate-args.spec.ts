import * as z from 'zod/mini';
import { AuiValidationError } from '../../lib/errors';
import { refusal } from '../helpers/refusal';
import { clipText, encodeArgs, guardArgs, validateArgs } from '../../lib/internal/validate-args';
import { SendMessageRequestSchema, TaskIdSchema } from '../../lib/protocol/rest';

const FORMAT = /^Invalid arguments for [A-Za-z]+: .+; no request was sent$/s;

describe('validateArgs', () => {
  it('returns the schema output when the arguments are valid', () => {
    expect(validateArgs(TaskIdSchema, ' t1 ', 'getTask', 'value')).toBe('t1');
    expect(validateArgs(SendMessageRequestSchema, { task_id: 't1', text: 'hi' }, 'sendMessage', 'task_id')).toEqual({ task_id: 't1', text: 'hi' });
  });

  it('refuses with the one message format, every issue as path: message, and the issues', () => {
    const error = refusal(() => validateArgs(z.object({ a: z.string(), b: z.number() }), { a: 1, b: 'x' }, 'createTask'));
    expect(error.message).toMatch(FORMAT);
    expect(error.message).toBe(
      'Invalid arguments for createTask: a: Invalid input: expected string, received number; b: Invalid input: expected number, received string; no request was sent',
    );
    expect(error.issues?.map((i) => i.path)).toEqual([['a'], ['b']]);
    expect(error.retryable).toBe(false);
    expect(error.taskId).toBeUndefined();
  });

  it('sets taskId from the value or from task_id (trimmed), even when another field failed', () => {
    expect(refusal(() => validateArgs(SendMessageRequestSchema, { task_id: ' t9 ', text: ' ' }, 'sendMessage', 'task_id')).taskId).toBe('t9');
    expect(refusal(() => validateArgs(TaskIdSchema, ' .. ', 'getTask', 'value')).taskId).toBe('..');
    // No task id known: absent, not '' and not a non-string.
    expect(refusal(() => validateArgs(TaskIdSchema, '  ', 'getTask', 'value')).taskId).toBeUndefined();
    expect(refusal(() => validateArgs(SendMessageRequestSchema, { task_id: 5, text: 'x' }, 'sendMessage', 'task_id')).taskId).toBeUndefined();
    // A string that is not a task id argument is not taken for one.
    expect(refusal(() => validateArgs(z.object({}), 'abc', 'createTask')).taskId).toBeUndefined();
  });

  it('turns a throwing getter or Proxy into an AuiValidationError that keeps the cause', () => {
    const boom = new Error('getter boom');
    const getter = { task_id: 't1', get text(): string { throw boom; } };
    const error = refusal(() => validateArgs(SendMessageRequestSchema, getter, 'sendMessage', 'task_id'));
    expect(error.message).toMatch(FORMAT);
    expect(error.cause).toBe(boom);
    expect(error.taskId).toBe('t1');
    const proxy = new Proxy({}, { get: () => { throw boom; }, ownKeys: () => { throw boom; } });
    const fromProxy = refusal(() => validateArgs(SendMessageRequestSchema, proxy, 'streamMessage', 'task_id'));
    expect(fromProxy.message).toMatch(/^Invalid arguments for streamMessage: /);
    expect(fromProxy.cause).toBe(boom);
    expect(fromProxy.taskId).toBeUndefined();
    expect(fromProxy.issues?.length).toBeGreaterThan(0);
  });

  it('clips a huge task id: the message and taskId stay short', () => {
    const huge = 'x'.repeat(1024 * 1024);
    const error = refusal(() => validateArgs(TaskIdSchema, huge, 'getTask', 'value'));
    expect(error.message).toMatch(FORMAT);
    expect(error.message.length).toBeLessThan(2_000);
    expect(error.taskId?.length).toBeLessThanOrEqual(200);
    expect(error.taskId?.endsWith('…')).toBe(true);
    expect(JSON.stringify(error).length).toBeLessThan(5_000);
  });

  it('clips long issue texts too', () => {
    const long = z.object({}).check(z.refine(() => false, 'y'.repeat(50_000)));
    const error = refusal(() => validateArgs(long, {}, 'createTask'));
    expect(error.message.length).toBeLessThan(2_000);
    expect(error.message).toMatch(FORMAT);
  });
});

describe('encodeArgs', () => {
  it('validates and encodes once: the JSON of the output', () => {
    expect(encodeArgs(SendMessageRequestSchema, { task_id: ' t1 ', text: 'hi' }, 'sendMessage', 'task_id')).toEqual({
      value: { task_id: 't1', text: 'hi' },
      json: '{"task_id":"t1","text":"hi"}',
    });
  });

  it('refuses what JSON cannot encode (cycle, BigInt) and a value that throws when encoded', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const agent_variables of [cyclic, { n: 10n }]) {
      const error = refusal(() => encodeArgs(SendMessageRequestSchema, { task_id: 't1', text: 'hi', agent_variables }, 'sendMessage', 'task_id'));
      expect(error.message).toMatch(FORMAT);
      expect(error.taskId).toBe('t1');
    }
    // A value the schema does not look into (z.unknown), whose getter throws when it is encoded.
    const cause = new Error('read when encoded');
    const sly = { get v(): number { throw cause; } };
    const error = refusal(() => encodeArgs(z.looseObject({ a: z.unknown() }), { a: sly }, 'createTask'));
    expect(error.message).toMatch(FORMAT);
    expect(error.cause).toBe(cause);
  });
});

describe('guardArgs', () => {
  it('passes a value through and an AuiValidationError unchanged', () => {
    expect(guardArgs('streamMessage', {}, 'task_id', () => 42)).toBe(42);
    const original = new AuiValidationError('Invalid arguments for streamMessage: x; no request was sent');
    expect(refusal(() => guardArgs('streamMessage', {}, 'task_id', () => { throw original; }))).toBe(original);
  });

  it('turns anything else thrown into an AuiValidationError in the one format, with the task id and cause', () => {
    const cause = new TypeError('nope');
    const error = refusal(() => guardArgs('streamMessage', { task_id: ' t2 ' }, 'task_id', () => { throw cause; }));
    expect(error.message).toMatch(FORMAT);
    expect(error.cause).toBe(cause);
    expect(error.taskId).toBe('t2');
  });
});

describe('clipText', () => {
  it('keeps short text and cuts long text to max characters ending in …, never splitting a surrogate pair', () => {
    expect(clipText('abc', 5)).toBe('abc');
    expect(clipText('abcdefgh', 5)).toBe('abcd…');
    const clipped = clipText(`abc${'🙂'.repeat(10)}`, 5);
    expect(clipped.length).toBeLessThanOrEqual(5);
    expect(() => encodeURIComponent(clipped)).not.toThrow(); // well-formed: no lone surrogate
  });
});

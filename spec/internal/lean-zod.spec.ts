import fc from 'fast-check';
import * as z from 'zod/mini';
import { boolean, int, literal, maxLength, minLength, record, union } from '../../lib/internal/lean-zod';
import { safeParseWire } from '../../lib/internal/zod-issues';

/** Both parses, through the library's parse (output, or issues as path, message, code). */
const both = (lean: z.core.$ZodType, own: z.core.$ZodType, value: unknown) => [safeParseWire(lean, value), safeParseWire(own, value)];

/** Any value a wire or a caller may hand over, nested a little. */
const anyValue = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt()),
  value: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 })),
})).value;

describe('lean-zod: stand-ins that cost less in a bundle, each the same as zod’s own', () => {
  describe('int()', () => {
    const lean = () => z.number().check(int());
    const own = () => z.number().check(z.int());

    it('accepts safe integers; a fraction is invalid_type (expected int), beyond 2^53−1 too_big / too_small', () => {
      expect(safeParseWire(lean(), 3)).toEqual({ success: true, data: 3 });
      expect(safeParseWire(lean(), 1.5)).toEqual({ success: false, issues: [{ path: [], message: 'Invalid input: expected int, received number', code: 'invalid_type' }] });
      expect(safeParseWire(lean(), 2 ** 53)).toEqual({ success: false, issues: [{ path: [], message: 'Too big: expected int to be <=9007199254740991', code: 'too_big' }] });
      expect(safeParseWire(lean(), -(2 ** 53))).toEqual({ success: false, issues: [{ path: [], message: 'Too small: expected int to be >=-9007199254740991', code: 'too_small' }] });
    });

    it('agrees with z.int() on any input, alone and before other checks (a fraction skips them, as in zod)', () => {
      const pairs = [
        [lean(), own()],
        [z.number().check(int(), z.gte(1), z.lte(1000)), z.number().check(z.int(), z.gte(1), z.lte(1000))],
        [z.optional(z.number().check(int(), z.nonnegative())), z.optional(z.number().check(z.int(), z.nonnegative()))],
        [z.looseObject({ n: z.number().check(int()) }), z.looseObject({ n: z.number().check(z.int()) })],
        // a check with `when` runs after an issue unless the issue aborts explicitly, as zod's int does
        [z.number().check(int(), z.refine(() => false, { message: 'after', when: () => true })), z.number().check(z.int(), z.refine(() => false, { message: 'after', when: () => true }))],
      ] as const;
      const input = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 53, -(2 ** 53), 1e300, -1e300, -0.5, 0, -0), anyValue);
      fc.assert(
        fc.property(input, (raw) => {
          for (const [a, b] of pairs) {
            const [x, y] = both(a, b, raw);
            expect(x).toEqual(y);
            expect(b.safeParse(raw).error?.issues.map((i) => i.code)).toEqual(a.safeParse(raw).error?.issues.map((i) => i.code));
          }
          for (const [a, b] of pairs.slice(3, 4)) expect(both(a, b, { n: raw })[0]).toEqual(both(a, b, { n: raw })[1]);
        }),
        { numRuns: 2_000 },
      );
    });
  });

  describe('record()', () => {
    const own = () => z.record(z.string(), z.unknown());

    it('copies a plain object; anything else is invalid_type (expected record)', () => {
      const input = { a: 1, b: { c: [2] } };
      const parsed = safeParseWire(record(), input);
      expect(parsed).toEqual({ success: true, data: input });
      expect(parsed.success && parsed.data).not.toBe(input);
      expect(safeParseWire(record(), [1])).toEqual({ success: false, issues: [{ path: [], message: 'Invalid input: expected record, received array', code: 'invalid_type' }] });
    });

    it('agrees with z.record(z.string(), z.unknown()) on any input (same output, same issues)', () => {
      const pairs = [
        [record(), own()],
        [z.nullish(record()), z.nullish(own())],
        [z.looseObject({ r: z.optional(record()) }), z.looseObject({ r: z.optional(own()) })],
      ] as const;
      fc.assert(
        fc.property(anyValue, (raw) => {
          for (const [a, b] of pairs) {
            for (const value of [raw, { r: raw }]) {
              const [x, y] = both(a, b, value);
              expect(x).toStrictEqual(y);
            }
          }
        }),
        { numRuns: 2_000 },
      );
    });

    it('agrees on the odd objects: no prototype, class instances, own __proto__, symbol and hidden keys, odd constructors', () => {
      class Thing {
        a = 1;
      }
      const bare = Object.assign(Object.create(null) as object, { a: 1 });
      const hidden = Object.defineProperty({ a: 1 }, 'h', { value: 2, enumerable: false });
      const hiddenSymbol = Object.defineProperty({ a: 1 }, Symbol('h'), { value: 2, enumerable: false });
      const odd = [
        bare,
        new Thing(),
        new Date(0),
        new Map(),
        JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as unknown,
        { [Symbol('s')]: 1, a: 2 },
        hidden,
        hiddenSymbol,
        { constructor: 'not a function', a: 1 },
        { constructor: undefined },
        { constructor: Object.assign(() => undefined, { prototype: 5 }) },
        { 2: 'b', 1: 'a', x: undefined },
        Object.create({ inherited: 1 }) as object,
      ];
      for (const value of odd) {
        const [lean, zods] = both(record(), own(), value);
        expect(lean).toStrictEqual(zods);
        if (lean?.success && zods?.success) {
          // toStrictEqual does not see an own `__proto__` key nor the prototype of the copy: compare them
          expect(Reflect.ownKeys(lean.data as object)).toEqual(Reflect.ownKeys(zods.data as object));
          expect(Object.getPrototypeOf(lean.data)).toBe(Object.getPrototypeOf(zods.data));
        }
        expect(record().safeParse(value).error?.issues.map((i) => [i.code, i.path])).toEqual(own().safeParse(value).error?.issues.map((i) => [i.code, i.path]));
      }
    });
  });

  describe('literal()', () => {
    const EVENT = 'thread-message-text-content-updated';

    it('accepts the value only; anything else is invalid_value naming it', () => {
      expect(safeParseWire(literal(EVENT), EVENT)).toEqual({ success: true, data: EVENT });
      expect(safeParseWire(literal(EVENT), 'x')).toEqual({ success: false, issues: [{ path: [], message: `Invalid input: expected "${EVENT}"`, code: 'invalid_value' }] });
    });

    it('agrees with z.literal(value) on any input, in an object too', () => {
      const pairs = [
        [literal(EVENT), z.literal(EVENT)],
        [z.looseObject({ e: literal(EVENT) }), z.looseObject({ e: z.literal(EVENT) })],
      ] as const;
      fc.assert(
        fc.property(fc.oneof(fc.constant(EVENT), fc.constant(`${EVENT} `), anyValue), (raw) => {
          for (const [a, b] of pairs) for (const value of [raw, { e: raw }, {}]) expect(both(a, b, value)[0]).toStrictEqual(both(a, b, value)[1]);
        }),
        { numRuns: 1_000 },
      );
    });
  });

  describe('minLength() / maxLength()', () => {
    const chain = (lean: boolean, min: number, max: number) =>
      z.string().check(
        z.trim(),
        lean ? minLength(min, 'too short') : z.minLength(min, 'too short'),
        lean ? maxLength(max) : z.maxLength(max),
        z.refine((s) => !s.includes('!'), 'no bang'),
      );

    it('count code points, name the bound, and keep the message given', () => {
      expect(safeParseWire(chain(true, 2, 3), '😀')).toEqual({ success: false, issues: [{ path: [], message: 'too short', code: 'too_small' }] });
      expect(safeParseWire(chain(true, 1, 3), '😀😀😀')).toEqual({ success: true, data: '😀😀😀' });
      expect(safeParseWire(chain(true, 1, 3), 'abcd')).toEqual({ success: false, issues: [{ path: [], message: 'Too big: expected string to have <=3 characters', code: 'too_big' }] });
    });

    it('agree with z.minLength / z.maxLength on a string schema, on any input (surrogates; an array or another value with a length fails the type and the bound, as in zod)', () => {
      const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('😀', '\uD83D', '\uDE00x', ' 😀 ', '', '  ', 'a!'));
      const input = fc.oneof(text, anyValue, fc.array(fc.integer(), { maxLength: 6 }), fc.record({ length: fc.oneof(fc.integer(), fc.string()) }));
      fc.assert(
        fc.property(input, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 6 }), (raw, min, max) => {
          const lean = chain(true, min, max);
          const own = chain(false, min, max);
          expect(safeParseWire(lean, raw)).toStrictEqual(safeParseWire(own, raw));
          const bare = [z.string().check(minLength(min), maxLength(max)), z.string().check(z.minLength(min), z.maxLength(max))] as const;
          expect(safeParseWire(bare[0], raw)).toStrictEqual(safeParseWire(bare[1], raw));
        }),
        { numRuns: 2_000 },
      );
    });
  });

  describe('boolean()', () => {
    it('agrees with z.boolean() on any input, alone and in an object', () => {
      const pairs = [
        [boolean(), z.boolean()],
        [z.looseObject({ b: z.optional(boolean()) }), z.looseObject({ b: z.optional(z.boolean()) })],
        [z.looseObject({ b: boolean() }), z.looseObject({ b: z.boolean() })],
      ] as const;
      fc.assert(
        fc.property(anyValue, (raw) => {
          for (const [a, b] of pairs) for (const value of [raw, { b: raw }, {}]) expect(both(a, b, value)[0]).toStrictEqual(both(a, b, value)[1]);
        }),
        { numRuns: 1_000 },
      );
      expect(safeParseWire(boolean(), 'true')).toEqual({ success: false, issues: [{ path: [], message: 'Invalid input: expected boolean, received string', code: 'invalid_type' }] });
    });
  });

  describe('union()', () => {
    const item = () => z.looseObject({ msg: z.string(), loc: z.optional(z.array(z.union([z.string(), z.number()]))) });
    const pairs = () =>
      [
        [union([z.string(), z.number()]), z.union([z.string(), z.number()])],
        [union([z.string(), z.array(item())]), z.union([z.string(), z.array(item())])],
        [z.array(union([z.string(), item()])), z.array(z.union([z.string(), item()]))],
        [union([z.string()]), z.union([z.string()])],
        // an option that fails without stopping short (a refine's issue continues) gives its own issues
        [union([z.string().check(z.refine((s) => s.length > 2, 'too short')), z.number()]), z.union([z.string().check(z.refine((s) => s.length > 2, 'too short')), z.number()])],
        [z.looseObject({ u: union([z.boolean(), z.null()]) }), z.looseObject({ u: z.union([z.boolean(), z.null()]) })],
      ] as const;

    it('takes the first option that accepts; else the issues of the one that did not stop short, else invalid_union', () => {
      const [[plain], , , , [refined]] = pairs();
      expect(safeParseWire(plain, 3)).toEqual({ success: true, data: 3 });
      expect(safeParseWire(plain, null)).toEqual({ success: false, issues: [{ path: [], message: 'Invalid input', code: 'invalid_union' }] });
      expect(safeParseWire(refined, 'ab')).toEqual({ success: false, issues: [{ path: [], message: 'too short', code: 'custom' }] });
    });

    it('agrees with z.union(options) on any input: same output, same issues, same nested errors through zod’s own safeParse (with a per-parse message map too)', () => {
      const input = fc.oneof(anyValue, fc.array(fc.oneof(fc.string(), fc.integer(), fc.record({ msg: anyValue, loc: anyValue }, { requiredKeys: [] })), { maxLength: 3 }));
      const map = { error: (issue: { code?: string }) => `per-parse: ${issue.code}` };
      fc.assert(
        fc.property(input, (raw) => {
          for (const [a, b] of pairs()) {
            for (const value of [raw, { u: raw }]) {
              const [x, y] = both(a, b, value);
              expect(x).toStrictEqual(y);
              expect(JSON.stringify(a.safeParse(value).error?.issues)).toBe(JSON.stringify(b.safeParse(value).error?.issues));
              expect(JSON.stringify(a.safeParse(value, map).error?.issues)).toBe(JSON.stringify(b.safeParse(value, map).error?.issues));
            }
          }
        }),
        { numRuns: 400 },
      );
    });

    it('is a mini union: its type, options and methods', () => {
      const schema = union([z.string(), z.number()]);
      expect(schema).toBeInstanceOf(z.ZodMiniUnion);
      expect(schema._zod.def.options).toHaveLength(2);
      expect(schema.check(z.refine((v) => v !== 'x', 'not x')).safeParse('x').success).toBe(false);
    });
  });
});

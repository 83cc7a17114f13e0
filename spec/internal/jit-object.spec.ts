import fc from 'fast-check';
import * as z from 'zod/mini';
import { looseObject, object } from '../../lib/internal/jit-object';
import { safeParseWire } from '../../lib/internal/zod-issues';

const shape = () => ({
  id: z.string(),
  n: z.optional(z.number().check(z.int(), z.gte(0))),
  tags: z._default(z.array(z.string()), []),
  inner: z.optional(z.looseObject({ a: z.nullable(z.boolean()) })),
  any: z.optional(z.unknown()),
});

describe('object / looseObject (zod/mini objects with the compiled parser)', () => {
  it('parse as z.object (unknown keys stripped) and z.looseObject (kept)', () => {
    const input = { id: 'x', n: 1, extra: null };
    expect(object(shape()).parse(input)).toStrictEqual({ id: 'x', n: 1, tags: [] });
    expect(looseObject(shape()).parse(input)).toStrictEqual({ id: 'x', n: 1, tags: [], extra: null });
  });

  it('are mini objects: instanceof, shape, methods; a clone (check, omit) keeps the compiled parser', () => {
    const schema = looseObject(shape());
    expect(schema).toBeInstanceOf(z.ZodMiniObject);
    expect(schema._zod.traits.has('$ZodObjectJIT')).toBe(true);
    expect(Object.keys(schema.shape)).toEqual(['id', 'n', 'tags', 'inner', 'any']);
    const checked = schema.check(z.refine((v) => v.id !== 'no', 'not no'));
    const omitted = z.omit(object(shape()), { n: true });
    for (const clone of [checked, omitted]) {
      expect(clone._zod.constr).toBe(schema._zod.constr);
      expect(clone).toBeInstanceOf(z.ZodMiniObject);
    }
    expect(safeParseWire(checked, { id: 'no' })).toEqual({ success: false, issues: [{ path: [], message: 'not no', code: 'custom' }] });
    expect(Object.keys(omitted.shape)).toEqual(['id', 'tags', 'inner', 'any']);
  });

  it('agree with mini’s own objects on any input: same output, same issues', () => {
    const pairs = [
      [object(shape()), z.object(shape())],
      [looseObject(shape()), z.looseObject(shape())],
    ] as const;
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.string(), { maxLength: 2 }));
    const input = fc.oneof(
      fc.record(
        { id: value, n: value, tags: fc.oneof(value, fc.array(value, { maxLength: 2 })), inner: fc.oneof(value, fc.record({ a: value }, { requiredKeys: [] })), any: value, extra: value },
        { requiredKeys: [] },
      ),
      value,
    );
    fc.assert(
      fc.property(input, (raw) => {
        for (const [fast, plain] of pairs) expect(safeParseWire(fast, raw)).toEqual(safeParseWire(plain, raw));
      }),
      { numRuns: 1_000 },
    );
  });
});

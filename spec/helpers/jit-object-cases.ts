import fc from 'fast-check';
import * as z from 'zod/mini';
import type * as jit from '../../lib/internal/jit-object';
import { safeParseWire } from '../../lib/internal/zod-issues';

// The cases both object builders are tested with: lib/internal/jit-object.ts (the compiled parser,
// spec/internal/jit-object.spec.ts) and lib/internal/jit-object-browser.ts (zod/mini's own objects,
// spec/internal/jit-object-browser.spec.ts). Written once so both files parse the same fixtures.

/** The `object` / `looseObject` pair of one jit-object file. */
export type ObjectBuilders = Pick<typeof jit, 'object' | 'looseObject'>;

/** The fixture shape: a required string, an optional int check, a default, a nested loose object, an unknown. */
export const jitShape = () => ({
  id: z.string(),
  n: z.optional(z.number().check(z.int(), z.gte(0))),
  tags: z._default(z.array(z.string()), []),
  inner: z.optional(z.looseObject({ a: z.nullable(z.boolean()) })),
  any: z.optional(z.unknown()),
});

/** Any wire value, or a record of any values under the shape's keys and one extra key. */
const jitInput = () => {
  const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.string(), { maxLength: 2 }));
  return fc.oneof(
    fc.record(
      { id: value, n: value, tags: fc.oneof(value, fc.array(value, { maxLength: 2 })), inner: fc.oneof(value, fc.record({ a: value }, { requiredKeys: [] })), any: value, extra: value },
      { requiredKeys: [] },
    ),
    value,
  );
};

/** `object` strips unknown keys, `looseObject` keeps them, both apply defaults. */
export function itParsesAsZodObjects(builders: ObjectBuilders): void {
  it('parse as z.object (unknown keys stripped) and z.looseObject (kept)', () => {
    const input = { id: 'x', n: 1, extra: null };
    expect(builders.object(jitShape()).parse(input)).toStrictEqual({ id: 'x', n: 1, tags: [] });
    expect(builders.looseObject(jitShape()).parse(input)).toStrictEqual({ id: 'x', n: 1, tags: [], extra: null });
  });
}

/**
 * The builders make zod/mini objects: instanceof, shape, `.check` and `z.omit` work; `compiled` says
 * whether the compiled parser ($ZodObjectJIT) is in; `more` adds checks on the schema and its clones.
 */
export function itMakesMiniObjects(
  title: string,
  builders: ObjectBuilders,
  compiled: boolean,
  more?: (schema: z.core.$ZodType, clones: readonly z.core.$ZodType[]) => void,
): void {
  it(title, () => {
    const schema = builders.looseObject(jitShape());
    expect(schema).toBeInstanceOf(z.ZodMiniObject);
    expect(schema._zod.traits.has('$ZodObjectJIT')).toBe(compiled);
    expect(Object.keys(schema.shape)).toEqual(['id', 'n', 'tags', 'inner', 'any']);
    const checked = schema.check(z.refine((v) => v.id !== 'no', 'not no'));
    const omitted = z.omit(builders.object(jitShape()), { n: true });
    more?.(schema, [checked, omitted]);
    expect(safeParseWire(checked, { id: 'no' })).toEqual({ success: false, issues: [{ path: [], message: 'not no', code: 'custom' }] });
    expect(Object.keys(omitted.shape)).toEqual(['id', 'tags', 'inner', 'any']);
  });
}

/** Each pair of schemas gives the same output and the same issues on 1,000 generated inputs. */
export function itAgreesOnAnyInput(title: string, pairs: () => ReadonlyArray<readonly [z.core.$ZodType, z.core.$ZodType]>): void {
  it(title, () => {
    const schemas = pairs();
    fc.assert(
      fc.property(jitInput(), (raw) => {
        for (const [a, b] of schemas) expect(safeParseWire(a, raw)).toEqual(safeParseWire(b, raw));
      }),
      { numRuns: 1_000 },
    );
  });
}

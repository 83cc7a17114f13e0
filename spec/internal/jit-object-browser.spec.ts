import fc from 'fast-check';
import * as z from 'zod/mini';
import * as browser from '../../lib/internal/jit-object-browser';
import * as node from '../../lib/internal/jit-object';
import { safeParseWire } from '../../lib/internal/zod-issues';

// Browser bundles take jit-object-browser.js in place of jit-object.js (the `browser` map of
// scripts/build.mjs; scripts/bundle-size.mjs fails if jit-object.js gets into a browser bundle).
// The same fixtures as spec/internal/jit-object.spec.ts must parse identically with both files.
const shape = () => ({
  id: z.string(),
  n: z.optional(z.number().check(z.int(), z.gte(0))),
  tags: z._default(z.array(z.string()), []),
  inner: z.optional(z.looseObject({ a: z.nullable(z.boolean()) })),
  any: z.optional(z.unknown()),
});

describe('object / looseObject, browser version (zod/mini’s own objects)', () => {
  it('exports the same names as the Node file', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
  });

  it('parse as z.object (unknown keys stripped) and z.looseObject (kept)', () => {
    const input = { id: 'x', n: 1, extra: null };
    expect(browser.object(shape()).parse(input)).toStrictEqual({ id: 'x', n: 1, tags: [] });
    expect(browser.looseObject(shape()).parse(input)).toStrictEqual({ id: 'x', n: 1, tags: [], extra: null });
  });

  it('are mini objects with the interpreted parser (no compiled parser, no eval)', () => {
    const schema = browser.looseObject(shape());
    expect(schema).toBeInstanceOf(z.ZodMiniObject);
    expect(schema._zod.traits.has('$ZodObjectJIT')).toBe(false);
    expect(Object.keys(schema.shape)).toEqual(['id', 'n', 'tags', 'inner', 'any']);
    const checked = schema.check(z.refine((v) => v.id !== 'no', 'not no'));
    expect(safeParseWire(checked, { id: 'no' })).toEqual({ success: false, issues: [{ path: [], message: 'not no', code: 'custom' }] });
    expect(Object.keys(z.omit(browser.object(shape()), { n: true }).shape)).toEqual(['id', 'tags', 'inner', 'any']);
  });

  it('agree with the Node file on any input: same output, same issues', () => {
    const pairs = [
      [browser.object(shape()), node.object(shape())],
      [browser.looseObject(shape()), node.looseObject(shape())],
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
        for (const [mini, jit] of pairs) expect(safeParseWire(mini, raw)).toEqual(safeParseWire(jit, raw));
      }),
      { numRuns: 1_000 },
    );
  });
});

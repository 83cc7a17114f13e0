/**
 * `zod/mini` object schemas that parse as fast as zod's classic ones. Mini's `z.object` and
 * `z.looseObject` build the interpreted object parser (a smaller bundle, ~3× slower per object: the
 * 2 KB final message took 3 µs with classic and 11 µs with mini); classic's objects compile a parser
 * per shape on first use (`$ZodObjectJIT`, zod's own, falling back to the interpreted one where `eval`
 * is forbidden by a CSP). These are mini objects in every other way: same type, same methods, and
 * `z.omit`, `.check()` and the rest keep the fast parser (a clone is made by the same constructor).
 * Browser bundles take `jit-object-browser.ts` instead (mini's own objects, ~1.1 KB gzip less: a page
 * under a strict CSP cannot compile parsers anyway), through the `browser` map of scripts/build.mjs.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { $constructor, $ZodObjectJIT, type $ZodObject } from 'zod/v4/core';

/** zod's object with the compiled parser (typed here: its `init` is an assertion function). */
const ObjectJIT: $constructor<$ZodObject> = $ZodObjectJIT;
/** The mini type's methods (`parse`, `check`, …), typed here for the same reason. */
const MiniType: $constructor<z.ZodMiniType> = z.ZodMiniType;

/** A mini object schema whose parser is zod's compiled one (`$ZodObjectJIT`). */
const ZodMiniObjectJIT: $constructor<z.ZodMiniObject> = $constructor('ZodMiniObjectJIT', (inst, def) => {
  ObjectJIT.init(inst, def);
  MiniType.init(inst, def);
  inst._zod.traits.add('ZodMiniObject'); // so that `schema instanceof z.ZodMiniObject` holds, as for mini's own
});
// `schema.shape`, read from the def when asked (as mini's objects do): one getter on the prototype.
Object.defineProperty(ZodMiniObjectJIT.prototype, 'shape', {
  configurable: true,
  get(this: z.ZodMiniObject) {
    return this._zod.def.shape;
  },
});

/**
 * `z.object(shape)` of `zod/mini` (unknown keys are stripped), with the compiled parser.
 *
 * @example
 * const List = object({ user_id: z.string(), page: z.optional(z.number()) });
 * @internal
 */
export function object<T extends z.core.$ZodLooseShape>(shape: T): z.ZodMiniObject<z.core.util.Writeable<T>, z.core.$strip> {
  return new ZodMiniObjectJIT({ type: 'object', shape }) as z.ZodMiniObject<z.core.util.Writeable<T>, z.core.$strip>;
}

/**
 * `z.looseObject(shape)` of `zod/mini` (unknown keys are kept), with the compiled parser.
 *
 * @example
 * const Data = looseObject({ text: z.string() });
 * @internal
 */
export function looseObject<T extends z.core.$ZodLooseShape>(shape: T): z.ZodMiniObject<z.core.util.Writeable<T>, z.core.$loose> {
  return new ZodMiniObjectJIT({ type: 'object', shape, catchall: z.unknown() }) as z.ZodMiniObject<z.core.util.Writeable<T>, z.core.$loose>;
}

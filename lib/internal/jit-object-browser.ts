/**
 * The browser version of `jit-object.ts`: `object` and `looseObject` are `zod/mini`'s own
 * `z.object` and `z.looseObject` (the interpreted object parser). Browser bundles take this file in
 * place of `jit-object.js` through the `browser` map of `dist/{esm,cjs}/package.json`, which keeps
 * zod's compiled parser (`$ZodObjectJIT`, ~1.1 KB gzip) out of them: a page under a strict CSP
 * (no `eval`, common for Angular apps) runs the interpreted parser anyway. Same names, types, accepted
 * input, output and issues as the Node file; Node never loads this one.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';

/**
 * `z.object(shape)` of `zod/mini` (unknown keys are stripped).
 *
 * @example
 * const List = object({ user_id: z.string(), page: z.optional(z.number()) });
 * @internal
 */
export function object<T extends z.core.$ZodLooseShape>(shape: T): z.ZodMiniObject<z.core.util.Writeable<T>, z.core.$strip> {
  return z.object(shape);
}

/**
 * `z.looseObject(shape)` of `zod/mini` (unknown keys are kept).
 *
 * @example
 * const Data = looseObject({ text: z.string() });
 * @internal
 */
export function looseObject<T extends z.core.$ZodLooseShape>(shape: T): z.ZodMiniObject<z.core.util.Writeable<T>, z.core.$loose> {
  return z.looseObject(shape);
}

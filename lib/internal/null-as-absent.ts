/**
 * FastAPI/pydantic writes `null` for every unset optional field (design.md §7). These two helpers
 * let a response schema read such a `null` as "absent" while its inferred type stays `field?: T`.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { looseObject } from './jit-object.js';

/**
 * The member schemas made by {@link nullAsAbsent}, each with the default its schema applies to an
 * absent value (`undefined` when it has none); {@link wireObject} reads `null` through it.
 */
const NULL_AS_ABSENT = new WeakMap<z.core.$ZodType, () => unknown>();

const NO_DEFAULT = (): unknown => undefined;

/** The default `schema` gives an absent value (a fresh copy each time, as zod's `.default()` does). */
function defaultOf(schema: z.core.$ZodType): () => unknown {
  const def = schema._zod.def;
  return def.type === 'default' ? () => (def as z.core.$ZodDefaultDef).defaultValue : NO_DEFAULT;
}

/**
 * `schema` for an optional member the server may send as `null`: `null` is read as absent (so the
 * member's default applies, and {@link wireObject} leaves the key out). Typed as `schema` itself: the
 * output type does not change, and `null` never reaches the output. Use it inside {@link wireObject}
 * only. (The member is `schema.nullable()` and the object replaces the `null` once, after parsing:
 * no per-member transform, so parsing stays nearly as cheap as the schema without it.)
 *
 * @example
 * const Card = wireObject({ id: z.string(), category: nullAsAbsent(z.optional(z.string())) });
 * Card.parse({ id: 'p', category: null }); // { id: 'p' }
 * @internal
 */
export function nullAsAbsent<T extends z.core.$ZodType>(schema: T): T {
  const member = z.nullable(schema);
  NULL_AS_ABSENT.set(member, defaultOf(schema));
  return member as unknown as T;
}

/**
 * `z.looseObject(shape)` (with the compiled parser of `jit-object.ts`) whose {@link nullAsAbsent}
 * members, when absent or sent as `null`, are left out of the output (the key is missing, never
 * `key: undefined`), or take the member's default. Unknown members are kept as sent, `null` included.
 *
 * @example
 * const Task = wireObject({ id: z.string(), welcome_message: nullAsAbsent(z.nullish(z.string())) });
 * Task.parse({ id: 't', welcome_message: null }); // { id: 't' }
 * @internal
 */
export function wireObject<T extends z.core.$ZodLooseShape>(shape: T): z.ZodMiniObject<z.core.util.Writeable<T>, z.core.$loose> {
  const fallbacks: Record<string, () => unknown> = Object.create(null) as Record<string, () => unknown>;
  let any = false;
  for (const key of Object.keys(shape)) {
    const fallback = NULL_AS_ABSENT.get(shape[key] as z.core.$ZodType);
    if (fallback !== undefined) {
      fallbacks[key] = fallback;
      any = true;
    }
  }
  const schema = looseObject(shape);
  if (!any) return schema;
  // One pass over the output's own keys (zod's copy, never the input). `for…in` over an object as
  // JSON.parse and zod make them reads through V8's enum cache; a loop over a list of member names
  // would read each by a key that differs per object shape, which costs more than the parse of the member.
  return schema.check(
    z.overwrite((value) => {
      const out = value as Record<string, unknown>;
      for (const key in out) {
        if (out[key] != null) continue;
        const fallback = fallbacks[key];
        if (fallback === undefined) continue; // an unknown member, or a plain optional one: kept as sent
        const replacement = fallback();
        if (replacement === undefined) delete out[key];
        else out[key] = replacement;
      }
      return value;
    }),
  );
}

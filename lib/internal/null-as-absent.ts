/**
 * FastAPI/pydantic writes `null` for every unset optional field (design.md §7). These two helpers
 * let a response schema read such a `null` as "absent" while its inferred type stays `field?: T`.
 *
 * @packageDocumentation
 */
import * as z from 'zod';

/**
 * The member schemas made by {@link nullAsAbsent}, each with the default its schema applies to an
 * absent value (`undefined` when it has none); {@link wireObject} reads `null` through it.
 */
const NULL_AS_ABSENT = new WeakMap<z.ZodType, () => unknown>();

const NO_DEFAULT = (): unknown => undefined;

/** The default `schema` gives an absent value (a fresh copy each time, as zod's `.default()` does). */
function defaultOf(schema: z.ZodType): () => unknown {
  return schema instanceof z.ZodDefault ? () => (schema.def as { defaultValue: unknown }).defaultValue : NO_DEFAULT;
}

/**
 * `schema` for an optional member the server may send as `null`: `null` is read as absent (so the
 * member's default applies, and {@link wireObject} leaves the key out). Typed as `schema` itself: the
 * output type does not change, and `null` never reaches the output. Use it inside {@link wireObject}
 * only. (The member is `schema.nullable()` and the object replaces the `null` once, after parsing:
 * no per-member transform, so parsing stays as cheap as the schema without it.)
 *
 * @example
 * const Card = wireObject({ id: z.string(), category: nullAsAbsent(z.string().optional()) });
 * Card.parse({ id: 'p', category: null }); // { id: 'p' }
 * @internal
 */
export function nullAsAbsent<T extends z.ZodType>(schema: T): T {
  const wrapped = schema.nullable();
  NULL_AS_ABSENT.set(wrapped, defaultOf(schema));
  return wrapped as unknown as T;
}

/**
 * `z.looseObject(shape)` whose {@link nullAsAbsent} members, when absent or sent as `null`, are
 * left out of the output (the key is missing, never `key: undefined`), or take the member's default.
 * Unknown members are kept as sent, `null` included.
 *
 * @example
 * const Task = wireObject({ id: z.string(), welcome_message: nullAsAbsent(z.string().nullish()) });
 * Task.parse({ id: 't', welcome_message: null }); // { id: 't' }
 * @internal
 */
export function wireObject<T extends z.core.$ZodLooseShape>(shape: T): z.ZodObject<z.core.util.Writeable<T>, z.core.$loose> {
  const members: Array<readonly [string, () => unknown]> = [];
  for (const key of Object.keys(shape)) {
    const fallback = NULL_AS_ABSENT.get(shape[key] as z.ZodType);
    if (fallback !== undefined) members.push([key, fallback]);
  }
  const schema = z.looseObject(shape);
  if (members.length === 0) return schema;
  return schema.overwrite((value) => {
    const out = value as Record<string, unknown>;
    for (const [key, fallback] of members) {
      const member = out[key];
      if (member === null) {
        const replacement = fallback();
        if (replacement === undefined) delete out[key];
        else out[key] = replacement;
      } else if (member === undefined && key in out) {
        delete out[key];
      }
    }
    return value;
  });
}

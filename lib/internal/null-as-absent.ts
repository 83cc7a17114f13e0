/**
 * FastAPI/pydantic writes `null` for every unset optional field (design.md §7). These two helpers
 * let a response schema read such a `null` as "absent" while its inferred type stays `field?: T`.
 *
 * @packageDocumentation
 */
import * as z from 'zod';

/** The member schemas made by {@link nullAsAbsent}; {@link wireObject} drops their absent members. */
const NULL_AS_ABSENT = new WeakSet<z.ZodType>();

const nullToUndefined = (value: unknown): unknown => (value === null ? undefined : value);

/**
 * `schema` for an optional member the server may send as `null`: `null` is read as absent (so a
 * `.default()` applies, and {@link wireObject} leaves the key out). Typed as `schema` itself: the
 * output type does not change, and `null` never reaches the output. Use it inside
 * {@link wireObject} only.
 *
 * @example
 * const Card = wireObject({ id: z.string(), category: nullAsAbsent(z.string().optional()) });
 * Card.parse({ id: 'p', category: null }); // { id: 'p' }
 * @internal
 */
export function nullAsAbsent<T extends z.ZodType>(schema: T): T {
  const wrapped = z.preprocess(nullToUndefined, schema);
  NULL_AS_ABSENT.add(wrapped);
  return wrapped as unknown as T;
}

/**
 * `z.looseObject(shape)` whose {@link nullAsAbsent} members, when absent or sent as `null`, are
 * left out of the output (the key is missing, never `key: undefined`). Unknown members are kept
 * as sent, `null` included.
 *
 * @example
 * const Task = wireObject({ id: z.string(), welcome_message: nullAsAbsent(z.string().nullish()) });
 * Task.parse({ id: 't', welcome_message: null }); // { id: 't' }
 * @internal
 */
export function wireObject<T extends z.core.$ZodLooseShape>(shape: T): z.ZodObject<z.core.util.Writeable<T>, z.core.$loose> {
  const optional = Object.keys(shape).filter((key) => NULL_AS_ABSENT.has(shape[key] as z.ZodType));
  const schema = z.looseObject(shape);
  if (optional.length === 0) return schema;
  return schema.overwrite((value) => {
    const out = value as Record<string, unknown>;
    for (const key of optional) if (out[key] === undefined) delete out[key];
    return value;
  });
}

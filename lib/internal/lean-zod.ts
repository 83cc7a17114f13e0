/**
 * Stand-ins for `zod/mini` builders whose zod parts weigh more in a browser bundle than the job
 * needs: `z.int()` as a check (~430 B gzip: zod's number-format schema, its ranges and its regex),
 * `z.record(z.string(), z.unknown())` (~540 B: zod's general record parser), `z.literal(value)`
 * (~180 B), `z.minLength` / `z.maxLength` (~330 B together with their length helpers),
 * `z.boolean()` (~90 B) and `z.union()` (~390 B: zod's union with its lazy pattern, values and
 * optionality). Each accepts the same input, gives the same output and raises the same issues (code,
 * path, fields that make the message) as zod's own, through checks on schemas the bundle has anyway
 * (the union: zod's own union parse on a plain zod type); spec/internal/lean-zod.spec.ts holds them
 * side by side with zod's on any input.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { $constructor, $ZodType, safeParse } from 'zod/v4/core';
import { issueMessage } from './zod-issues.js';

/** A check that raises its issues itself (as zod's own checks do), naming itself as their `inst`. */
function checkWith<T>(
  run: (payload: z.core.ParsePayload<T>, inst: z.core.$ZodCheck<T>) => void,
  params?: z.core.$ZodCustomParams,
): z.core.$ZodCheck<T> {
  const inst: z.core.$ZodCheck<T> = z.check<T>((payload) => run(payload, inst), params);
  return inst;
}

/**
 * `z.int()` used as a check of `z.number()`: a safe integer. A fraction is `invalid_type` (expected
 * `int`; later checks are skipped), an integer beyond ±(2^53−1) is `too_big` / `too_small`.
 *
 * @example
 * const Page = z.number().check(int(), z.gte(1));
 * @internal
 */
export function int(): z.core.$ZodCheck<number> {
  return checkWith<number>((payload, inst) => {
    const input = payload.value;
    if (!Number.isInteger(input)) {
      payload.issues.push({ expected: 'int', format: 'safeint', code: 'invalid_type', continue: false, input, inst } as z.core.$ZodRawIssue);
    } else if (!Number.isSafeInteger(input)) {
      const note = 'Integers must be within the safe integer range.';
      const bound =
        input > 0
          ? { code: 'too_big', maximum: Number.MAX_SAFE_INTEGER, origin: 'int', inclusive: true, note }
          : { code: 'too_small', minimum: Number.MIN_SAFE_INTEGER, origin: 'int', inclusive: true, note };
      payload.issues.push({ input, inst, continue: true, ...bound } as z.core.$ZodRawIssue);
    }
  });
}

/** zod's test for a record: an object, not an array, of `Object`'s kind (or without prototype). */
function isPlainObject(value: unknown): value is Record<PropertyKey, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const ctor = (value as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const proto = (ctor as { prototype?: unknown }).prototype;
  return typeof proto === 'object' && proto !== null && !Array.isArray(proto) && Object.prototype.hasOwnProperty.call(proto, 'isPrototypeOf');
}

/**
 * `z.record(z.string(), z.unknown())`: a plain object of any values, copied (own enumerable keys;
 * `__proto__` left out). Anything else is `invalid_type` (expected `record`); a symbol key is
 * `invalid_key` at that key.
 *
 * @example
 * const Variables = z.optional(record());
 * @internal
 */
export function record(): z.ZodMiniType<Record<string, unknown>, Record<string, unknown>> {
  const check = checkWith<unknown>((payload, inst) => {
    const input = payload.value;
    if (!isPlainObject(input)) {
      payload.issues.push({ expected: 'record', code: 'invalid_type', input, inst } as z.core.$ZodRawIssue);
      return;
    }
    const out: Record<PropertyKey, unknown> = {};
    for (const key of Reflect.ownKeys(input)) {
      if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(input, key)) continue;
      if (typeof key === 'symbol') {
        // the key's own issue, finalized as zod's record gives it
        const message = issueMessage({ expected: 'string', code: 'invalid_type', input: key } as z.core.$ZodRawIssue);
        const keyIssue = { expected: 'string', code: 'invalid_type', path: [], message };
        payload.issues.push({ code: 'invalid_key', origin: 'record', issues: [keyIssue], input: key, path: [key], inst } as z.core.$ZodRawIssue);
        continue;
      }
      out[key] = input[key];
    }
    payload.value = out;
  });
  return z.unknown().check(check) as unknown as z.ZodMiniType<Record<string, unknown>, Record<string, unknown>>;
}

/**
 * `z.literal(value)` for one string: that string, else `invalid_value` (expected `"value"`).
 *
 * @example
 * const EventName = literal('thread-message-text-content-updated');
 * @internal
 */
export function literal<const T extends string>(value: T): z.ZodMiniType<T, T> {
  const check = checkWith<unknown>((payload, inst) => {
    if (payload.value !== value) payload.issues.push({ code: 'invalid_value', values: [value], input: payload.value, inst } as z.core.$ZodRawIssue);
  });
  return z.unknown().check(check) as unknown as z.ZodMiniType<T, T>;
}

/** The issue fields of a length bound that was crossed. */
type LengthBound = { readonly code: 'too_small'; readonly minimum: number } | { readonly code: 'too_big'; readonly maximum: number };

/**
 * zod's length check of a string schema: runs on any value with a `length` (after a failed type
 * check too, as zod's does), counts a string in code points (a surrogate pair is one), raises
 * `too_small` / `too_big` with the origin `string`, `array` or `unknown` and the given message.
 * `within` says whether a length passes; `bound` holds the issue's own fields. (Not for array
 * schemas: zod's arrays check an oversized input before parsing its items.)
 */
function lengthCheck(within: (length: number) => boolean, bound: LengthBound, message: string | undefined): z.core.$ZodCheck<string> {
  const hasLength = (payload: z.core.ParsePayload): boolean => payload.value != null && (payload.value as { length?: unknown }).length !== undefined;
  return checkWith<string>(
    (payload, inst) => {
      // `when` lets a value that failed `z.string()` through if it has a length (an array): zod measures it too
      const input = payload.value as string | readonly unknown[];
      const units = input.length;
      // A string has between units/2 and units code points: count them only when the two ends disagree.
      const ends = typeof input !== 'string' || within(units) === within(Math.ceil(units / 2));
      if (ends ? within(units) : within([...input].length)) return;
      const origin = Array.isArray(input) ? 'array' : typeof input === 'string' ? 'string' : 'unknown';
      payload.issues.push({ origin, ...bound, inclusive: true, input, inst, continue: true } as z.core.$ZodRawIssue);
    },
    message === undefined ? { when: hasLength } : { when: hasLength, message },
  );
}

/**
 * `z.minLength(minimum, message?)` of a string schema: at least `minimum` characters (code points).
 *
 * @example
 * const Name = z.string().check(minLength(1, 'must be a non-empty string'));
 * @internal
 */
export function minLength(minimum: number, message?: string): z.core.$ZodCheck<string> {
  return lengthCheck((length) => length >= minimum, { code: 'too_small', minimum }, message);
}

/**
 * `z.maxLength(maximum, message?)` of a string schema: at most `maximum` characters (code points).
 *
 * @example
 * const Id = z.string().check(maxLength(512, 'must be at most 512 characters'));
 * @internal
 */
export function maxLength(maximum: number, message?: string): z.core.$ZodCheck<string> {
  return lengthCheck((length) => length <= maximum, { code: 'too_big', maximum }, message);
}

/**
 * `z.boolean()`: `true` or `false`, else `invalid_type` (expected `boolean`).
 *
 * @example
 * const Flag = z.optional(boolean());
 * @internal
 */
export function boolean(): z.ZodMiniType<boolean, boolean> {
  const check = checkWith<unknown>((payload, inst) => {
    if (typeof payload.value !== 'boolean') payload.issues.push({ expected: 'boolean', code: 'invalid_type', input: payload.value, inst } as z.core.$ZodRawIssue);
  });
  return z.unknown().check(check) as unknown as z.ZodMiniType<boolean, boolean>;
}

/** The mini type's methods (`parse`, `check`, …), typed here: its `init` is an assertion function. */
const MiniType: $constructor<z.ZodMiniType> = z.ZodMiniType;

/** Whether a failed result stopped short (an issue that does not continue), as zod's `aborted`. */
const aborted = (result: z.core.ParsePayload): boolean => result.aborted === true || result.issues.some((issue) => issue.continue !== true);

/**
 * zod's union parse, on a plain zod type: the first option that accepts gives the value; else the
 * one option whose failure did not stop short gives its issues; else one `invalid_union` issue with
 * every option's issues (finalized as zod's union does: the options are parsed again, through zod's
 * `safeParse`, only on this path). Options are synchronous and never optional (all of ours).
 */
const LeanUnion: $constructor<z.ZodMiniUnion> = /* @__PURE__ */ $constructor('ZodMiniUnion', (inst, def) => {
  $ZodType.init(inst, def);
  const options = def.options;
  const only = options.length === 1 ? options[0] : undefined;
  inst._zod.parse = (payload, ctx) => {
    if (only) return only._zod.run(payload, ctx);
    const results: z.core.ParsePayload[] = [];
    for (const option of options) {
      const result = option._zod.run({ value: payload.value, issues: [] }, ctx) as z.core.ParsePayload;
      if (result.issues.length === 0) return result;
      results.push(result);
    }
    const open = results.filter((result) => !aborted(result));
    if (open.length === 1 && open[0]) {
      payload.value = open[0].value;
      return open[0];
    }
    const errors = options.map((option) => safeParse(option, payload.value, ctx as z.core.ParseContext<z.core.$ZodIssue>).error?.issues ?? []);
    payload.issues.push({ code: 'invalid_union', input: payload.value, inst, errors } as z.core.$ZodRawIssue);
    return payload;
  };
  MiniType.init(inst, def);
});

/**
 * `z.union(options)` for synchronous options none of which is optional: the first option that
 * accepts the value wins; else the issues of the one that failed without stopping short, or one
 * `invalid_union` issue.
 *
 * @example
 * const Loc = z.array(union([z.string(), z.number()]));
 * @internal
 */
export function union<const T extends readonly z.core.SomeType[]>(options: T): z.ZodMiniUnion<T> {
  return new LeanUnion({ type: 'union', options: options as unknown as readonly z.core.$ZodType[] }) as unknown as z.ZodMiniUnion<T>;
}

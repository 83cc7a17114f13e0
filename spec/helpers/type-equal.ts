/**
 * `true` only when A and B are the same type (optional members, `undefined`, index signatures and all).
 * The identity test alone takes `a?: T` for `a?: T | undefined`; assignability both ways (under
 * exactOptionalPropertyTypes) tells them apart. Use as `true satisfies Equal<A, B>` in a spec: a type
 * that drifts fails to compile (`npm test` and `tsc` type-check the specs).
 */
export type Equal<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2)
      ? true
      : false
    : false
  : false;

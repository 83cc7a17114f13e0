/**
 * The fixed bodies and frames of the fake server (the 401 and 403 bodies, the default unknown frame),
 * in a module of their own that imports nothing from Node: both testing entries export them, and a
 * browser spec that compares against them type-checks without `@types/node`.
 *
 * @packageDocumentation
 */

/** The 401 body of the G1 docs (the default); the G0 variant is scripted with a `status` fault. */
export const NOT_AUTHENTICATED_BODY = {
  /** FastAPI's stock message for a missing or invalid `x-network-api-key`. */
  detail: 'Not authenticated',
} as const;
/** The G0 403 body for a task of another network. */
export const FORBIDDEN_BODY = {
  /** The HTTP status repeated in the body. */
  status_code: 403,
  /** Why the request was refused (G0 form: a list of words). */
  errors: ['Forbidden'],
} as const;

/** The frame a fault of type `unknown-frame` sends when it names none. */
export const DEFAULT_UNKNOWN_FRAME = {
  /** An event name no documented frame uses. */
  event: 'thread-message-thinking',
  /** A payload the client must ignore. */
  data: {
    /** A status value of no known meaning. */
    status: 'THINKING',
  },
} as const;

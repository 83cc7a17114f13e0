/**
 * The one reader of the API key, for both transports: the REST header and the WebSocket session
 * (query parameter and header) get the key through it, so a bad key is refused alike on both.
 *
 * @packageDocumentation
 */
import { AsyncSubject, throwError, timeout, type Observable, type SchedulerLike } from 'rxjs';
import type { AuiError, AuiIssue, AuiTimeoutPhase } from '../errors.js';
import { createAuiError } from '../failure-policy.js';

/** An HTTP header value: visible ASCII, with inner spaces and tabs; no line break, no control character. */
const HEADER_VALUE = /^[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?$/;

/** The `apiKey` option: the key, or a function called for every request and (re)connect that may return a Promise. */
export type ApiKeyOption = string | (() => string | PromiseLike<string>);

/**
 * What one read gives: the key, `undefined` when none is configured (a relay adds it), or, when the
 * function returned a Promise, an Observable that emits the checked key once (or errors) and completes.
 */
export type KeyRead = string | undefined | Observable<string>;

/** How long a key function's Promise may take, on which scheduler, and which deadline that is. */
export interface KeyDeadline {
  /** `timeouts.connectMs` (phase `'connect'`) or `timeouts.requestMs` (phase `'request'`). */
  readonly ms: number;
  readonly scheduler: SchedulerLike;
  readonly phase: 'connect' | 'request';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Reads the key from the `apiKey` option, for every request and every (re)connect. A string is
 * checked once and returned as is (no allocation, no microtask); a function is called on every read;
 * when it returns a Promise the read is an Observable of the key to come. Every refusal is an
 * `AuiValidationError` (issues at `['apiKey']`) that never contains the key, with `taskId` when one
 * is given: a function that throws or whose Promise rejects (kept as `cause`, with the keys read so
 * far redacted), no string or a blank one, or characters not allowed in an HTTP header.
 *
 * @example
 * const reader = new ApiKeyReader(() => fetchShortLivedKey());
 * const key = reader.read('task-1'); // an Observable<string> here; a string for a string option
 */
export class ApiKeyReader {
  readonly #source: ApiKeyOption | undefined;
  /** The string option once it passed the checks (the fast path). */
  readonly #fixed: string | undefined;
  #last: string | undefined;

  /** A reader of `source`; `undefined` means no key is sent. */
  constructor(source: ApiKeyOption | undefined) {
    this.#source = source;
    this.#fixed = typeof source === 'string' && HEADER_VALUE.test(source) ? source : undefined;
    this.#last = typeof source === 'string' ? source : undefined;
  }

  /** Whether a key is configured at all (without one, no header and no query parameter is sent). */
  get configured(): boolean {
    return this.#source !== undefined;
  }

  /** The key read last (or the string option), for redaction; `undefined` before any. */
  get lastKey(): string | undefined {
    return this.#last;
  }

  /**
   * Reads the key now: a string (synchronously), `undefined` (none configured), or an Observable of
   * the key when the function returned a Promise (its rejection is handled at once, whoever
   * subscribes; unsubscribing drops the key to come). With `deadline`, that Observable errors with
   * `AuiTimeoutError` when the key has not come in time. Throws the refusal of a bad key.
   */
  read(taskId?: string, deadline?: KeyDeadline): KeyRead {
    if (this.#fixed !== undefined) return this.#fixed;
    const source = this.#source;
    if (typeof source !== 'function') return source === undefined ? undefined : this.#check(source, taskId);
    let value: unknown;
    try {
      value = source();
    } catch (cause) {
      throw this.#refusal('apiKey function threw; no request was sent', 'threw', taskId, cause);
    }
    if (!isThenable(value)) return this.#check(value, taskId);
    const key$ = this.#later(value, taskId);
    if (deadline === undefined) return key$;
    const { ms, scheduler, phase } = deadline;
    return key$.pipe(timeout({ first: ms, scheduler, with: () => throwError(() => keyTimeoutError(ms, phase, taskId)) }));
  }

  #later(promise: PromiseLike<unknown>, taskId: string | undefined): Observable<string> {
    const key = new AsyncSubject<string>();
    const settle = (read: () => string): void => {
      try {
        key.next(read());
        key.complete();
      } catch (error) {
        key.error(error);
      }
    };
    try {
      // Handlers attach now, so a rejection is never unhandled, whoever subscribes and whenever; an
      // unsubscribed reader hears nothing more (a late key is dropped, never used).
      promise.then(
        (value) => settle(() => this.#check(value, taskId)),
        (cause: unknown) => settle(() => {
          throw this.#refusal('apiKey function rejected; no request was sent', 'rejected', taskId, cause);
        }),
      );
    } catch (cause) {
      throw this.#refusal('apiKey function threw; no request was sent', 'threw', taskId, cause);
    }
    return key.asObservable();
  }

  #check(key: unknown, taskId: string | undefined): string {
    if (typeof key !== 'string' || key.trim() === '') {
      throw this.#refusal('apiKey function returned no key; no request was sent', 'must return a non-empty string', taskId);
    }
    if (!HEADER_VALUE.test(key)) {
      throw this.#refusal('apiKey contains characters that are not allowed in an HTTP header; no request was sent', 'invalid header value', taskId);
    }
    this.#last = key;
    return key;
  }

  #refusal(message: string, issue: string, taskId: string | undefined, cause?: unknown): AuiError {
    const issues: AuiIssue[] = [{ path: ['apiKey'], message: issue }];
    return createAuiError('validation', message, { issues, taskId, cause }, { secret: this.#last });
  }
}

/**
 * The error of a key function whose Promise did not settle within the deadline `setting` names
 * (`timeouts.connectMs` for a connection, `timeouts.requestMs` for a request). Retryable, as every timeout.
 *
 * @example
 * keyTimeoutError(10_000, 'connect', 'task-1');
 */
export function keyTimeoutError(ms: number, phase: AuiTimeoutPhase, taskId?: string): AuiError {
  const setting = phase === 'connect' ? 'connectMs' : 'requestMs';
  const what = phase === 'connect' ? 'no connection was opened' : 'no request was sent';
  return createAuiError('timeout', `apiKey function did not return a key within ${ms} ms (timeouts.${setting}); ${what}`, { taskId }, {}, phase);
}

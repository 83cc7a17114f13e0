/**
 * The public types of `createAuiChat`: the chat's state (messages, status, error), its options, and
 * the slice of {@link AuiClient} it needs.
 *
 * @packageDocumentation
 */
import type { Observable } from 'rxjs';
import type { AuiClient } from '../client.js';
import type { AuiError } from '../errors.js';
import type { RetryOn1011Config } from '../operators/retry-on-1011.js';
import type { AgentMessage, MessageContext } from '../protocol/rest.js';

/**
 * Where a chat is:
 * - `'ready'`: nothing in flight; `send` and `regenerate` are accepted.
 * - `'submitted'`: a request is in flight and no reply text has arrived yet (the history loading, the
 *   task being created, the message sent).
 * - `'streaming'`: the reply is arriving (the last message is the assistant's, `streaming: true`).
 * - `'error'`: the last request failed; `error` says why. `send` and `regenerate` are accepted.
 */
export type AuiChatStatus = 'ready' | 'submitted' | 'streaming' | 'error';

/** Who wrote a chat message: the user, or the agent (`assistant`). */
export type AuiChatRole = 'user' | 'assistant';

/**
 * One message of a chat, immutable: every change makes a new object (and a new `messages` array).
 * A reply without `message` that is not `streaming` was cut: by `stop()` (`stopped: true`) or by an
 * error (the chat's `error`).
 */
export interface AuiChatMessage {
  /**
   * Stable for the message's lifetime (safe to track by): the server's id for a message of the
   * task's history, `local-<n>` for a message of this chat (it keeps that id when its reply is final).
   */
  readonly id: string;
  /** `user` for what the user wrote, `assistant` for the agent's reply. */
  readonly role: AuiChatRole;
  /** The user's text, or the reply so far (the whole reply once final; `''` right after a restart). */
  readonly text: string;
  /** Whether this reply is still growing (only the running turn's reply is). */
  readonly streaming: boolean;
  /** Whether `stop()` or `close()` cut this reply before its final message. */
  readonly stopped: boolean;
  /**
   * The server's message: a history entry, or the final reply with its `cards` (or legacy `options`)
   * and `followup_suggestions`. Absent on a user message sent by this chat and on a reply that is not
   * final (still streaming, stopped or failed).
   */
  readonly message?: AgentMessage;
}

/** A snapshot of a chat: a new deeply frozen object on every change (the server's messages in it too), never mutated. */
export interface AuiChatState {
  /** The task the chat talks in; `undefined` in a `{ userId }` chat until its first send created it. */
  readonly taskId: string | undefined;
  /** The task's history (when loaded), then each user message and its reply, oldest first. */
  readonly messages: readonly AuiChatMessage[];
  /** See {@link AuiChatStatus}. */
  readonly status: AuiChatStatus;
  /** The typed error of the last failed request while `status` is `'error'`; `undefined` otherwise. */
  readonly error: AuiError | undefined;
}

/** Options every chat accepts. */
export interface AuiChatCommonOptions {
  /**
   * How each turn retries a close 1011 (`retryOn1011`'s options; its waits run on the client's
   * scheduler unless `scheduler` is given), or `false` for no retry. A retried reply restarts in place.
   * @default {} (3 retries, 500 ms doubling to 8 s, full jitter)
   */
  readonly retry?: RetryOn1011Config | false;
  /**
   * Whether a `{ taskId }` chat loads the task's messages (`getTaskMessages`) when it is created.
   * @default true
   */
  readonly history?: boolean;
  /**
   * The context sent with every user message (page URL, lead details).
   * @default undefined (none)
   */
  readonly context?: MessageContext;
}

/** A chat in an existing task: its history is loaded first. */
export interface AuiChatTaskOptions extends AuiChatCommonOptions {
  /** The task to continue. */
  readonly taskId: string;
  /** Not with `taskId`. */
  readonly userId?: undefined;
}

/** A chat in a new task of a user: the task is created on the first send. */
export interface AuiChatUserOptions extends AuiChatCommonOptions {
  /** The user the new task is created for (`createTask({ user_id })`). */
  readonly userId: string;
  /** Not with `userId`. */
  readonly taskId?: undefined;
}

/** What `createAuiChat` takes: `{ taskId }` or `{ userId }`, plus the common options. */
export type AuiChatOptions = AuiChatTaskOptions | AuiChatUserOptions;

/**
 * What a chat uses of {@link AuiClient} (an `AuiClient`, or a stand-in in tests): three methods, and
 * the client's `scheduler` where it has one (the retries wait on it).
 */
export type AuiChatClient = Pick<AuiClient, 'createTask' | 'getTaskMessages' | 'streamMessage'> & Partial<Pick<AuiClient, 'scheduler'>>;

/**
 * A chat over one task: its state as an Observable and as a synchronous snapshot, and the commands.
 * Commands act at once (they are not cold); the Observable a command returns only reports the
 * outcome, and subscribing to it is optional.
 */
export interface AuiChat {
  /**
   * The chat's state: replays the current snapshot to every new subscriber, then emits each change
   * (a new object each time, never two equal snapshots in a row); completes on `close()` (a
   * subscriber after that gets the last snapshot, then completion). Never errors: failures are in
   * `status`/`error`.
   */
  readonly state$: Observable<AuiChatState>;
  /** The current snapshot (what `state$` replays). */
  readonly state: AuiChatState;
  /**
   * Sends a user message: appends it, then streams the reply into the state. Refused unless the
   * status is `'ready'` or `'error'` (no queue): the returned Observable errors with an
   * `AuiValidationError` and the state is left as it is; so is a text that is empty or not a string,
   * and any call after `close()`. Otherwise the returned Observable emits the reply message once when
   * it is final (or stopped with some text) and completes, or errors with the turn's typed error.
   */
  send(text: string): Observable<AuiChatMessage>;
  /**
   * Cancels the running turn (its socket is closed); a partial reply stays, marked `stopped`, and
   * the status becomes `'ready'`. A no-op when no turn runs.
   */
  stop(): void;
  /**
   * Drops the reply after the last user message and sends that message again; refused (as `send`)
   * while a request is in flight, when there is no user message, and after `close()`.
   */
  regenerate(): Observable<AuiChatMessage>;
  /**
   * Stops the running turn (as `stop()`), cancels a history load, and completes `state$`. Later
   * `send`/`regenerate` are refused; `stop`/`close` are no-ops. The client is not closed.
   */
  close(): void;
}

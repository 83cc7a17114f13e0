/**
 * `createAuiChat`: a chat over one task as framework-free RxJS state (history, the user's messages,
 * the reply as it streams, a status, an error) with `send`, `stop`, `regenerate` and `close`.
 *
 * @packageDocumentation
 */
import { AsyncSubject, ReplaySubject, Subscription, defer, map, of, switchMap, tap, throwError } from 'rxjs';
import type { MonoTypeOperatorFunction, Observable } from 'rxjs';
import { isAuiError, type AuiError } from '../errors.js';
import { createAuiError, inContext } from '../failure-policy.js';
import { validateArgs } from '../internal/validate-args.js';
import { failFastOn1008 } from '../operators/fail-fast-on-1008.js';
import { SendMessageFieldsSchema } from '../protocol/rest.js';
import type { StreamEvent } from '../stream-event.js';
import {
  deepFreeze,
  historyMessage,
  lastUserIndex,
  nextState,
  replyMessage,
  userMessage,
  withMessage,
  withMessagePatched,
  type MessagePatch,
} from './chat-messages.js';
import { chatRefusal, checkChatOptions, turnRetry, type ChatTarget } from './chat-options.js';
import type { AuiChat, AuiChatClient, AuiChatMessage, AuiChatOptions, AuiChatState } from './chat-types.js';

/** The turn in flight: its subscription, the outcome its command returned, and its reply's id once it has one. */
interface RunningTurn {
  readonly subscription: Subscription;
  readonly outcome: AsyncSubject<AuiChatMessage>;
  replyId: string | undefined;
}

/** The chat behind {@link createAuiChat}. */
class ChatSession implements AuiChat {
  readonly state$: Observable<AuiChatState>;
  readonly #client: AuiChatClient;
  readonly #target: ChatTarget;
  readonly #options: AuiChatOptions;
  readonly #states = new ReplaySubject<AuiChatState>(1);
  /** One latch for the chat's every request: an authentication failure of one fails the later ones at once. */
  readonly #authGuard = failFastOn1008<unknown>();
  readonly #retry: MonoTypeOperatorFunction<StreamEvent>;
  #state: AuiChatState;
  #emitted: AuiChatState | undefined;
  #emitting = false;
  #turn: RunningTurn | undefined;
  #history: Subscription | undefined;
  #lastId = 0;
  #closed = false;
  /** Whether `state$` has completed (after `close()`, once the last snapshot went out). */
  #completed = false;

  constructor(client: AuiChatClient, target: ChatTarget, options: AuiChatOptions) {
    this.#client = client;
    this.#target = target;
    this.#options = options;
    this.#retry = turnRetry(client, options);
    this.state$ = this.#states.asObservable();
    const loads = target.taskId !== undefined && options.history !== false;
    this.#state = Object.freeze({ taskId: target.taskId, messages: Object.freeze([]), status: loads ? 'submitted' : 'ready', error: undefined });
    this.#emit();
    if (loads && target.taskId !== undefined) this.#loadHistory(target.taskId);
  }

  get state(): AuiChatState {
    return this.#state;
  }

  send(text: string): Observable<AuiChatMessage> {
    const refused = this.#refusal('AuiChat.send');
    if (refused) return throwError(() => refused);
    let valid: string;
    try {
      valid = validateArgs(SendMessageFieldsSchema.shape.text, text, 'AuiChat.send');
    } catch (error) {
      return throwError(() => error);
    }
    this.#update({ messages: withMessage(this.#state.messages, userMessage(this.#newId(), valid)), status: 'submitted', error: undefined });
    return this.#startTurn(valid);
  }

  regenerate(): Observable<AuiChatMessage> {
    const refused = this.#refusal('AuiChat.regenerate');
    if (refused) return throwError(() => refused);
    const { messages } = this.#state;
    const index = lastUserIndex(messages);
    const last = messages[index];
    if (last === undefined) return throwError(() => chatRefusal('AuiChat.regenerate', 'there is no user message to send again', this.#state.taskId));
    this.#update({ messages: Object.freeze(messages.slice(0, index + 1)), status: 'submitted', error: undefined });
    return this.#startTurn(last.text);
  }

  stop(): void {
    const turn = this.#turn;
    if (turn === undefined) return;
    this.#turn = undefined;
    turn.subscription.unsubscribe();
    this.#update({ ...this.#replyPatched(turn, { streaming: false, stopped: true }), status: 'ready', error: undefined });
    const reply = this.#reply(turn);
    if (reply !== undefined) turn.outcome.next(reply);
    turn.outcome.complete();
  }

  close(): void {
    if (this.#closed) return;
    this.stop();
    if (this.#history !== undefined) {
      this.#history.unsubscribe();
      this.#history = undefined;
      this.#update({ status: 'ready' });
    }
    this.#closed = true;
    if (!this.#emitting) this.#complete(); // else the emit loop under way sends the last snapshot first, then completes
  }

  /** Why `method` is refused now (closed, or a request in flight), or undefined. */
  #refusal(method: string): AuiError | undefined {
    const { taskId, status } = this.#state;
    if (this.#closed) return chatRefusal(method, 'the chat is closed', taskId);
    if (this.#history !== undefined) return chatRefusal(method, 'the history is still loading (status "submitted")', taskId);
    if (this.#turn !== undefined) return chatRefusal(method, `a reply is in flight (status "${status}"): stop() it or wait until the status is "ready"`, taskId);
    return undefined;
  }

  /** A `local-<n>` id no message has: a server id of the history may look like one. */
  #newId(): string {
    const taken = (id: string): boolean => this.#state.messages.some((m) => m.id === id);
    let id: string;
    do {
      this.#lastId += 1;
      id = `local-${this.#lastId}`;
    } while (taken(id));
    return id;
  }

  #loadHistory(taskId: string): void {
    const load = new Subscription();
    this.#history = load;
    const done = (patch: Partial<AuiChatState>): void => {
      if (this.#history !== load) return;
      this.#history = undefined;
      this.#update(patch);
    };
    load.add(
      this.#client.getTaskMessages(taskId).pipe(this.#guarded()).subscribe({
        next: (history) => done({ messages: Object.freeze([...history.map(historyMessage), ...this.#state.messages]), status: 'ready', error: undefined }),
        error: (error: unknown) => done({ status: 'error', error: this.#typed(error) }),
        complete: () => done({ status: 'ready' }),
      }),
    );
  }

  /** The task id: the known one, or a new task of the user (put in the state as soon as it exists). */
  #taskId$(): Observable<string> {
    return defer(() => {
      const known = this.#state.taskId;
      if (known !== undefined) return of(known);
      return this.#client.createTask({ user_id: this.#target.userId ?? '' }).pipe(
        map((task) => task.id),
        tap((taskId) => this.#update({ taskId })),
      );
    });
  }

  #startTurn(text: string): Observable<AuiChatMessage> {
    const turn: RunningTurn = { subscription: new Subscription(), outcome: new AsyncSubject(), replyId: undefined };
    this.#turn = turn;
    const { context } = this.#options;
    const events$ = this.#taskId$().pipe(
      switchMap((taskId) => this.#client.streamMessage(context === undefined ? { task_id: taskId, text } : { task_id: taskId, text, context }).pipe(this.#retry)),
      this.#guarded(),
    );
    turn.subscription.add(
      events$.subscribe({
        next: (event) => this.#onEvent(turn, event),
        error: (error: unknown) => this.#fail(turn, this.#typed(error)),
        complete: () => this.#fail(turn, createAuiError('protocol', 'The turn ended without a final message', {}, { taskId: this.#state.taskId })),
      }),
    );
    return turn.outcome.asObservable();
  }

  #onEvent(turn: RunningTurn, event: StreamEvent): void {
    if (this.#turn !== turn) return;
    if (event.kind === 'text') {
      this.#setReply(turn, { text: event.text }, 'streaming');
    } else if (event.kind === 'restart') {
      this.#setReply(turn, { text: '' }, 'streaming'); // the retried reply starts again in the same message
    } else {
      this.#turn = undefined;
      this.#setReply(turn, { text: event.message.text, streaming: false, message: deepFreeze(event.message) }, 'ready');
      const reply = this.#reply(turn);
      if (reply !== undefined) turn.outcome.next(reply);
      turn.outcome.complete();
    }
  }

  /** Creates or patches the turn's reply and sets `status`. */
  #setReply(turn: RunningTurn, patch: MessagePatch, status: 'streaming' | 'ready'): void {
    if (turn.replyId === undefined) {
      turn.replyId = this.#newId();
      const created = withMessage(this.#state.messages, replyMessage(turn.replyId, patch.text ?? ''));
      this.#update({ messages: withMessagePatched(created, turn.replyId, patch), status });
    } else {
      this.#update({ ...this.#replyPatched(turn, patch), status });
    }
  }

  #fail(turn: RunningTurn, error: AuiError): void {
    if (this.#turn !== turn) return;
    this.#turn = undefined;
    this.#update({ ...this.#replyPatched(turn, { streaming: false }), status: 'error', error });
    turn.outcome.error(error);
  }

  /** `{ messages }` with the turn's reply patched, or `{}` when it has no reply. */
  #replyPatched(turn: RunningTurn, patch: MessagePatch): Partial<AuiChatState> {
    return turn.replyId === undefined ? {} : { messages: withMessagePatched(this.#state.messages, turn.replyId, patch) };
  }

  #reply(turn: RunningTurn): AuiChatMessage | undefined {
    return turn.replyId === undefined ? undefined : this.#state.messages.find((m) => m.id === turn.replyId);
  }

  /** The chat's auth latch for a stream of `T` (the operator never looks at values, so any `T` is fine). */
  #guarded<T>(): MonoTypeOperatorFunction<T> {
    return this.#authGuard as MonoTypeOperatorFunction<unknown> as MonoTypeOperatorFunction<T>;
  }

  /** Any failure as a typed aui-rx error (a foreign value becomes an `AuiConnectionError` with it as `cause`). */
  #typed(error: unknown): AuiError {
    return isAuiError(error) ? error : inContext(error, { taskId: this.#state.taskId });
  }

  #update(patch: Partial<AuiChatState>): void {
    this.#state = nextState(this.#state, patch);
    this.#emit();
  }

  /**
   * Emits the current snapshot if it was not emitted yet. A subscriber that changes the chat while it
   * is told of a change (a send on `ready`, say) only queues: the loop then emits the newest snapshot,
   * so every subscriber sees the snapshots in the same order.
   */
  #emit(): void {
    if (this.#emitting) return;
    this.#emitting = true;
    try {
      while (this.#emitted !== this.#state && !this.#completed) {
        this.#emitted = this.#state;
        this.#states.next(this.#state);
      }
    } finally {
      this.#emitting = false;
      if (this.#closed) this.#complete(); // close() was called by a subscriber during the loop
    }
  }

  #complete(): void {
    if (this.#completed) return;
    this.#completed = true;
    this.#states.complete();
  }
}

/**
 * Creates a chat over one task: `{ taskId }` continues a task (its history is loaded first, status
 * `'submitted'` meanwhile), `{ userId }` creates a task for the user on the first send. Throws
 * `AuiValidationError` at once for bad options (neither or both of `taskId` and `userId`, an invalid id).
 * Every request (history, task creation, turns) passes one `failFastOn1008` latch per chat: after an
 * authentication failure every later send fails at once with the same error, without a request. Each
 * turn runs `retryOn1011` (a retried reply restarts in place). It uses no timer of its own.
 *
 * @example
 * const chat = createAuiChat(client, { userId: 'user_123' });
 * chat.state$.subscribe(({ messages, status }) => render(messages, status));
 * chat.send('I need a built-in microwave');
 */
export function createAuiChat(client: AuiChatClient, options: AuiChatOptions): AuiChat {
  return new ChatSession(client, checkChatOptions(options), options);
}

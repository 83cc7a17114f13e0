/**
 * The AuiClient facade: every method returns a cold Observable; arguments are checked before any
 * request; every failure arrives as one typed aui-rx error.
 *
 * @packageDocumentation
 */
import { defer, type Observable, type SchedulerLike } from 'rxjs';
import type * as z from 'zod/mini';
import { encodeArgs, validateArgs, type TaskIdSource } from './internal/validate-args.js';
import { walkPages } from './internal/walk-pages.js';
import { resolveOptions, type AuiClientOptions, type ResolvedOptions } from './options.js';
import {
  AgentMessageListSchema,
  AgentMessageSchema,
  CreateTaskRequestSchema,
  ListAllTasksRequestSchema,
  ListTasksRequestSchema,
  SendMessageRequestSchema,
  TaskIdSchema,
  TaskPageSchema,
  TaskSchema,
  type AgentMessage,
  type CreateTaskRequest,
  type ListAllTasksRequest,
  type ListTasksRequest,
  type SendMessageRequest,
  type Task,
  type TaskPage,
} from './protocol/rest.js';
import type { StreamEvent } from './stream-event.js';
import { httpRequest, type HttpRequestSpec } from './transports/http/http-request.js';
import { ConnectionPool } from './transports/websocket/connection-pool.js';
import type { ConnectionState } from './transports/websocket/connection-state.js';

/** REST endpoint paths, relative to the base URL. */
const PATHS = {
  tasks: '/api/v1/external/tasks',
  task: (id: string) => `/api/v1/external/tasks/${encodeURIComponent(id)}`,
  messages: (id: string) => `/api/v1/external/tasks/${encodeURIComponent(id)}/messages`,
  message: '/api/v1/external/message',
} as const;

/** Page size `listTasks` and `listAllTasks` use when none is given (the server's default). */
export const DEFAULT_PAGE_SIZE = 10;

/**
 * Validates `args` with `schema` on the one validation path (`lib/internal/validate-args.ts`,
 * shared with `streamMessage`); a failure is an `AuiValidationError` (thrown inside `defer`, so
 * callers see a notification, never a synchronous throw).
 */
function validate<S extends z.core.$ZodType>(schema: S, args: unknown, method: string, taskIdFrom?: TaskIdSource): z.output<S> {
  return validateArgs(schema, args, method, taskIdFrom);
}

/**
 * Validates a request body and returns a plain copy of what was validated (the JSON, read once),
 * so a getter that answers differently on a second read cannot change what is sent.
 */
function validBody<S extends z.core.$ZodType>(schema: S, args: unknown, method: string, taskIdFrom?: TaskIdSource): z.output<S> {
  return JSON.parse(encodeArgs(schema, args, method, taskIdFrom).json) as z.output<S>;
}

/**
 * A reactive client for the AUI Messaging API. Every method returns a cold Observable: nothing
 * is sent until subscribe, each subscription is one request, unsubscribing aborts it.
 *
 * @example
 * const client = new AuiClient({ apiKey: process.env.AUI_NETWORK_API_KEY! });
 * client.createTask({ user_id: 'user_123' }).subscribe((task) => openChat(task.id));
 */
export class AuiClient {
  /** The options with defaults applied. @internal */
  protected readonly options: ResolvedOptions;
  /** The WebSocket pool behind `streamMessage` (opens nothing until a turn needs a socket). @internal */
  private readonly pool: ConnectionPool;

  /**
   * The client's WebSocket state: `'idle'` (no socket), `'connecting'`, `'open'` (at least one socket
   * open), `'closing'`, `'closed'` (after `close()`; then it completes). Replays the current state.
   *
   * @example
   * client.connectionState$.subscribe((state) => statusBar.set(state));
   */
  readonly connectionState$: Observable<ConnectionState>;

  /**
   * The scheduler every delay of this client runs on (its `scheduler` option): operators that wait
   * on its behalf (`createAuiChat`'s retries) use it too, so one `TestScheduler` drives them all.
   *
   * @example
   * client.streamMessage(message).pipe(retryOn1011({ scheduler: client.scheduler }));
   */
  get scheduler(): SchedulerLike {
    return this.options.scheduler;
  }

  /**
   * Creates a client. Throws {@link AuiValidationError} at once for bad options (missing key,
   * malformed URL, clear-text transport to a non-loopback host without `allowInsecure`).
   */
  constructor(options: AuiClientOptions) {
    this.options = resolveOptions(options);
    this.pool = new ConnectionPool(this.options);
    this.connectionState$ = this.pool.state$;
  }

  /**
   * Creates a task (a conversation) for a user: `POST /api/v1/external/tasks`.
   *
   * @example
   * client.createTask({ user_id: 'user_123' }).subscribe((task) => openChat(task.id, task.welcome_message));
   */
  createTask(args: CreateTaskRequest): Observable<Task> {
    return defer(() => {
      const body = validBody(CreateTaskRequestSchema, args, 'createTask');
      return this.#request({ method: 'POST', path: PATHS.tasks, body, schema: TaskSchema });
    });
  }

  /**
   * Fetches one page of a user's tasks: `GET /api/v1/external/tasks?user_id&page&size`
   * (`page` is 1-based, default 1; `size` default 10).
   *
   * @example
   * client.listTasks({ user_id: 'user_123', page: 2, size: 20 }).subscribe((p) => renderPage(p.tasks, p.total));
   */
  listTasks(args: ListTasksRequest): Observable<TaskPage> {
    return defer(() => {
      const { user_id, page, size } = validate(ListTasksRequestSchema, args, 'listTasks');
      return this.#fetchPage(user_id, page ?? 1, size ?? DEFAULT_PAGE_SIZE);
    });
  }

  /**
   * Emits every task of a user, page by page, lazily: the next page is requested only when the
   * previous one has been consumed, so `take(n)` costs only the pages it needs. Stops after the
   * page that reaches `total` (`page * size >= total`, with the size the server echoes when it caps
   * the one asked for), or at the first empty page. A server that still claims more after
   * `limits.maxPages` pages ends the stream with a non-retryable `AuiProtocolError`.
   *
   * @example
   * client.listAllTasks({ user_id: 'user_123', size: 50 }).pipe(toArray()).subscribe((all) => renderTasks(all));
   */
  listAllTasks(args: ListAllTasksRequest): Observable<Task> {
    return defer(() => {
      const { user_id, size = DEFAULT_PAGE_SIZE } = validate(ListAllTasksRequestSchema, args, 'listAllTasks');
      const fetchPage = (page: number): Observable<TaskPage> => this.#fetchPage(user_id, page, size);
      return walkPages({ fetchPage, size, maxPages: this.options.limits.maxPages, operation: 'listAllTasks' });
    });
  }

  /**
   * Fetches one task: `GET /api/v1/external/tasks/{task_id}`.
   *
   * @example
   * client.getTask('68e78d0dc5a4b19a030d03d6').subscribe((task) => setTitle(task.title));
   */
  getTask(taskId: string): Observable<Task> {
    return defer(() => {
      const id = validate(TaskIdSchema, taskId, 'getTask', 'value');
      return this.#request({ method: 'GET', path: PATHS.task(id), schema: TaskSchema, taskId: id });
    });
  }

  /**
   * Fetches a task's history, user and agent messages: `GET /api/v1/external/tasks/{task_id}/messages`.
   *
   * @example
   * client.getTaskMessages(task.id).subscribe((messages) => renderHistory(messages));
   */
  getTaskMessages(taskId: string): Observable<AgentMessage[]> {
    return defer(() => {
      const id = validate(TaskIdSchema, taskId, 'getTaskMessages', 'value');
      return this.#request({ method: 'GET', path: PATHS.messages(id), schema: AgentMessageListSchema, taskId: id });
    });
  }

  /**
   * Sends a user message and waits for the agent's complete reply (one emission):
   * `POST /api/v1/external/message?is_external_api=true`. Use `streamMessage` to see text as it
   * is written.
   *
   * @example
   * client.sendMessage({ task_id: task.id, text: 'A built-in microwave, 20 L or more' })
   *   .subscribe((reply) => renderReply(reply.text, reply.cards ?? reply.options));
   */
  sendMessage(args: SendMessageRequest): Observable<AgentMessage> {
    return defer(() => {
      // The validated body is sent (task_id trimmed), exactly as streamMessage sends it.
      const body = validBody(SendMessageRequestSchema, args, 'sendMessage', 'task_id');
      const { task_id } = body;
      return this.#request({
        method: 'POST',
        path: PATHS.message,
        query: { is_external_api: true },
        body,
        schema: AgentMessageSchema,
        taskId: task_id,
      });
    });
  }

  /**
   * Sends a message over the WebSocket session and streams the reply: `text` events (`text` is the
   * whole reply so far, `delta` what the frame added), then one `final` event, then complete. Cold:
   * each subscription is one turn on a pooled socket (one turn per socket; beyond `maxConnections`
   * turns queue in order); unsubscribing mid-turn closes that socket. Bad arguments error with
   * `AuiValidationError` before any socket opens.
   *
   * @example
   * client.streamMessage({ task_id, text: 'I need a built-in microwave' })
   *   .pipe(failFastOn1008(), retryOn1011(), accumulateText())
   *   .subscribe((text) => render(text));
   */
  streamMessage(args: SendMessageRequest): Observable<StreamEvent> {
    return this.pool.turn(args);
  }

  /**
   * Closes every socket with code 1000. Turns still running or queued error with
   * `AuiConnectionError`, and so does every turn started afterwards; REST methods keep working.
   * Idempotent.
   *
   * @example
   * inject(DestroyRef).onDestroy(() => client.close());
   */
  close(): void {
    this.pool.close();
  }

  #fetchPage(userId: string, page: number, size: number): Observable<TaskPage> {
    return this.#request({ method: 'GET', path: PATHS.tasks, query: { user_id: userId, page, size }, schema: TaskPageSchema });
  }

  #request<T>(spec: HttpRequestSpec<T>): Observable<T> {
    return httpRequest(this.options, spec);
  }
}

/**
 * Creates an {@link AuiClient}; the same as `new AuiClient(options)`.
 *
 * @example
 * const client = createAuiClient({ apiKey: () => secrets.current(), timeouts: { requestMs: 30_000 } });
 */
export function createAuiClient(options: AuiClientOptions): AuiClient {
  return new AuiClient(options);
}

/**
 * The browser page of `npm run test:browser`: creates a task over REST, streams a reply over the
 * native WebSocket into the DOM, and exposes what happened on `window.auiResult` for the test.
 * It imports the BUILT package (`aui-rx` → dist/esm/index.js, bundled by esbuild for the browser).
 *
 * Configuration comes from `window.auiConfig` (the test sets it before the page's scripts run).
 */
import {
  AuiClient,
  failFastOn1008,
  isAuiError,
  retryOn1011,
  type AgentMessage,
  type ConnectionState,
  type StreamEvent,
} from 'aui-rx';
import { type Observable, type Subscription, defer, of, retry, switchMap, tap } from 'rxjs';

/** What the test passes in. */
export interface PageConfig {
  /** REST base URL of the fake server, or of an aui-rx/relay (relative, e.g. `/aui`, resolved against the page). */
  readonly baseUrl: string;
  /** The key (FakeAuiServer's fake key, or a wrong one for the 1008 scenario); none behind a relay. */
  readonly apiKey?: string;
  /** The user's message. */
  readonly question: string;
  /** Stream into this task instead of creating one over REST (used with a wrong key). */
  readonly taskId?: string;
  /** A plain `retry(n)` downstream of failFastOn1008 (its latch must still stop reconnects). */
  readonly extraRetries?: number;
  /** retryOn1011's first delay in ms. */
  readonly retryDelayMs?: number;
}

/** The error as the page saw it (plain data for the test). */
export interface PageError {
  readonly name: string;
  readonly kind: string | undefined;
  readonly closeCode: number | undefined;
  readonly status: number | undefined;
  readonly message: string;
}

/** What the page reports on `window.auiResult`. */
export interface PageResult {
  done: boolean;
  ok: boolean;
  taskId: string | undefined;
  replyText: string;
  textEvents: number;
  restarts: number;
  cards: number;
  states: ConnectionState[];
  error: PageError | undefined;
  /** With a wrong key: the REST error of one `listTasks` call (CORS lets the page read 401 bodies). */
  restError: PageError | undefined;
  webSocket: string;
}

declare global {
  interface Window {
    auiConfig?: PageConfig;
    auiResult: PageResult;
  }
}

const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el;
};

const result: PageResult = {
  done: false,
  ok: false,
  taskId: undefined,
  replyText: '',
  textEvents: 0,
  restarts: 0,
  cards: 0,
  states: [],
  error: undefined,
  restError: undefined,
  webSocket: typeof WebSocket === 'function' ? WebSocket.name : typeof WebSocket,
};
window.auiResult = result;

function describeError(error: unknown): PageError {
  if (isAuiError(error)) {
    return { name: error.name, kind: error.kind, closeCode: error.closeCode, status: error.status, message: error.message };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, kind: undefined, closeCode: undefined, status: undefined, message: e.message };
}

function showError(error: PageError): void {
  const el = $('error');
  el.hidden = false;
  el.textContent =
    error.kind === 'authentication'
      ? `Authentication failed (${error.name}${error.closeCode ? `, close ${error.closeCode}` : ''}${error.status ? `, HTTP ${error.status}` : ''}): check the API key. Not retried.`
      : `${error.name}: ${error.message}`;
}

function priceOf(card: NonNullable<AgentMessage['cards']>[number]): string {
  const price = card.parameters?.find((p) => p.param === 'price')?.value;
  return typeof price === 'number' ? `$${price.toFixed(2)}` : '';
}

function renderFinal(message: AgentMessage): void {
  const reply = $('reply');
  reply.textContent = message.text;
  reply.classList.remove('streaming');
  const cards = message.cards ?? [];
  result.cards = cards.length;
  const cardsEl = $('cards');
  cardsEl.replaceChildren(
    ...cards.map((card) => {
      const el = document.createElement('div');
      el.className = 'card';
      const name = document.createElement('div');
      name.className = 'name';
      name.textContent = card.name ?? card.id;
      const price = document.createElement('div');
      price.className = 'price';
      price.textContent = priceOf(card);
      el.append(name, price);
      if (card.is_recommended) {
        const badge = document.createElement('div');
        badge.className = 'badge';
        badge.textContent = '★ recommended';
        el.append(badge);
      }
      return el;
    }),
  );
  cardsEl.hidden = cards.length === 0;
  const suggestions = message.followup_suggestions ?? [];
  const suggestionsEl = $('suggestions');
  suggestionsEl.replaceChildren(
    ...suggestions.map((s) => {
      const el = document.createElement('span');
      el.textContent = s;
      return el;
    }),
  );
  suggestionsEl.hidden = suggestions.length === 0;
}

function onEvent(event: StreamEvent): void {
  const reply = $('reply');
  reply.hidden = false;
  switch (event.kind) {
    case 'text':
      result.textEvents += 1;
      reply.classList.add('streaming');
      reply.textContent = event.text;
      $('events').textContent = String(result.textEvents);
      break;
    case 'restart': {
      result.restarts = event.attempt;
      reply.textContent = '';
      $('restarts').textContent = String(event.attempt);
      const notice = $('notice');
      notice.hidden = false;
      notice.textContent = `The server closed the stream (1011); aui-rx retried it (attempt ${event.attempt}).`;
      break;
    }
    case 'final':
      renderFinal(event.message);
      break;
  }
  result.replyText = reply.textContent ?? '';
}

/** Runs the page: task → stream → DOM. Returns the subscription (the test never needs it). */
export function run(config: PageConfig): Subscription {
  const timeouts = { connectMs: 5_000, idleMs: 10_000, requestMs: 10_000 };
  // Behind a relay the page holds no key at all: no header, no query parameter.
  const client = config.apiKey === undefined ? new AuiClient({ baseUrl: config.baseUrl, timeouts }) : new AuiClient({ apiKey: config.apiKey, baseUrl: config.baseUrl, timeouts });
  client.connectionState$.subscribe((state) => {
    result.states.push(state);
    const el = $('state');
    el.textContent = state;
    el.className = `pill ${state}`;
  });
  const question = $('question');
  question.hidden = false;
  question.textContent = config.question;

  const task$: Observable<{ id: string }> = config.taskId ? of({ id: config.taskId }) : defer(() => client.createTask({ user_id: 'browser-user' }));
  const fail = failFastOn1008<StreamEvent>();
  let stream$ = task$.pipe(
    tap((task) => {
      result.taskId = task.id;
      $('task').textContent = task.id;
    }),
    switchMap((task) =>
      client.streamMessage({ task_id: task.id, text: config.question }).pipe(fail, retryOn1011({ jitter: false, initialDelayMs: config.retryDelayMs ?? 200 })),
    ),
  );
  if (config.extraRetries) stream$ = stream$.pipe(retry({ count: config.extraRetries, delay: 50 }));

  const finish = (): void => {
    result.done = true;
    client.close();
  };
  return stream$.subscribe({
    next: onEvent,
    error: (error: unknown) => {
      result.error = describeError(error);
      showError(result.error);
      $('reply').hidden = true;
      if (result.error.kind !== 'authentication') return finish();
      // With a wrong key, REST fails too, and the page can read the 401 (CORS exposes it).
      client.listTasks({ user_id: 'browser-user' }).subscribe({
        next: () => finish(),
        error: (restError: unknown) => {
          result.restError = describeError(restError);
          finish();
        },
      });
    },
    complete: () => {
      result.ok = true;
      finish();
    },
  });
}

if (window.auiConfig) run(window.auiConfig);
else $('footer').textContent = 'No window.auiConfig: run `npm run test:browser`.';

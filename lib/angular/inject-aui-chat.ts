/**
 * `injectAuiChat()`: a `createAuiChat` chat whose state is Angular signals, closed with the
 * injection context that created it.
 *
 * @packageDocumentation
 */
import {
  DestroyRef,
  Injector,
  assertInInjectionContext,
  computed,
  inject,
  signal,
  type Signal,
} from '@angular/core';
import type { Observable, Subscription } from 'rxjs';
import { createAuiChat } from '../chat/create-aui-chat.js';
import type { AuiChat, AuiChatClient, AuiChatMessage, AuiChatOptions, AuiChatState, AuiChatStatus } from '../chat/chat-types.js';
import type { AuiError } from '../errors.js';
import { AUI_CLIENT } from './provide-aui-client.js';

/** Where {@link injectAuiChat} runs and which client it uses. */
export interface InjectAuiChatContext {
  /**
   * The injector to take the client and the `DestroyRef` from, for calls outside an injection context.
   * @default the current injection context
   */
  readonly injector?: Injector;
  /**
   * The client (or a stand-in) the chat uses.
   * @default the injector's AUI_CLIENT (from provideAuiClient or provideAuiTesting)
   */
  readonly client?: AuiChatClient;
}

/** The options of {@link injectAuiChat}: `createAuiChat`'s (`{ taskId }` or `{ userId }`, …) plus where it runs. */
export type InjectAuiChatOptions = AuiChatOptions & InjectAuiChatContext;

/** A chat as signals, from {@link injectAuiChat}. */
export interface AuiChatSignals {
  /** The whole snapshot (`messages`, `status`, `error`, `taskId`). */
  readonly state: Signal<AuiChatState>;
  /** The task's history, then each user message and its reply (the running one grows in place). */
  readonly messages: Signal<readonly AuiChatMessage[]>;
  /** `'ready' | 'submitted' | 'streaming' | 'error'`. */
  readonly status: Signal<AuiChatStatus>;
  /** The typed error while `status` is `'error'`. */
  readonly error: Signal<AuiError | undefined>;
  /** The task id (in a `{ userId }` chat, set once the first send created the task). */
  readonly taskId: Signal<string | undefined>;
  /** Whether a request is in flight (`submitted` or `streaming`): disable the send button on it. */
  readonly busy: Signal<boolean>;
  /** The chat itself, for RxJS users (`chat.state$`). */
  readonly chat: AuiChat;
  /** Sends a user message (see `AuiChat.send`); subscribing to the result is optional. */
  send(text: string): Observable<AuiChatMessage>;
  /** Cancels the running reply; its text so far stays, marked `stopped`. */
  stop(): void;
  /** Sends the last user message again, replacing its reply. */
  regenerate(): Observable<AuiChatMessage>;
}

/**
 * Creates a chat (`createAuiChat`) on the injected `AuiClient` and exposes its state as signals.
 * Call it in an injection context (a component's field initializer or constructor) or pass
 * `injector`; the chat is closed (its running turn stopped, its socket given back) when that
 * context is destroyed. The signals update as `state$` emits; templates read `chat.messages()`.
 *
 * @example
 * ```ts
 * export class ChatComponent {
 *   readonly chat = injectAuiChat({ userId: 'user-1' });
 *   // template: @for (m of chat.messages(); track m.id) { <p>{{ m.text }}</p> }
 *   //           <button (click)="chat.send(draft)" [disabled]="chat.busy()">Send</button>
 * }
 * ```
 */
export function injectAuiChat(options: InjectAuiChatOptions): AuiChatSignals {
  // options that are not an object (a JavaScript caller) go to createAuiChat, which refuses them with its AuiValidationError
  const isObject = typeof options === 'object' && options !== null;
  const context: InjectAuiChatContext = isObject ? options : {};
  if (!context.injector) assertInInjectionContext(injectAuiChat);
  const injector = context.injector ?? inject(Injector);
  const { injector: _injector, client: given, ...chatOptions } = isObject ? options : ({} as InjectAuiChatOptions);
  const client = given ?? injector.get(AUI_CLIENT);
  let created: AuiChat | undefined;
  let subscription: Subscription | undefined;
  // registered before the chat exists: a context already destroyed throws here (NG0205, NG0911), before any request
  injector.get(DestroyRef).onDestroy(() => {
    created?.close(); // the signal takes the closing snapshot (a running reply marked stopped), then state$ completes
    subscription?.unsubscribe();
  });
  const chat = createAuiChat(client, (isObject ? chatOptions : options) as AuiChatOptions);
  created = chat;
  const state = signal<AuiChatState>(chat.state);
  subscription = chat.state$.subscribe((next) => state.set(next));
  const status = computed(() => state().status);
  return {
    state: state.asReadonly(),
    messages: computed(() => state().messages),
    status,
    error: computed(() => state().error),
    taskId: computed(() => state().taskId),
    busy: computed(() => status() === 'submitted' || status() === 'streaming'),
    chat,
    send: (text) => chat.send(text),
    stop: () => chat.stop(),
    regenerate: () => chat.regenerate(),
  };
}

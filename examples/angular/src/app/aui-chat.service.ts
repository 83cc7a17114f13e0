import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { EMPTY, Subject, catchError, switchMap, tap } from 'rxjs';
import { AuiClient, accumulateText, failFastOn1008, isAuiError, retryOn1011, type AuiError } from 'aui-rx';

/** The app's one AuiClient. Provide it with a factory (the key stays on the server side in real apps). */
export const AUI_CLIENT = new InjectionToken<AuiClient>('AUI_CLIENT');

/** A chat turn the user asked for. */
export interface ChatPrompt {
  readonly taskId: string;
  readonly text: string;
}

/**
 * Streams agent replies into signals: `reply` is the text so far (restarts cleanly after a retried
 * 1011), `error` the typed failure, `connection` the client's socket state.
 */
@Injectable({ providedIn: 'root' })
export class AuiChatService {
  private readonly client = inject(AUI_CLIENT);
  private readonly prompts = new Subject<ChatPrompt>();

  /** The typed error of the last turn, if it failed. */
  readonly error = signal<AuiError | undefined>(undefined);
  /** How many times a bad key was detected (each costs one connection, then the turn stops). */
  readonly authFailures = signal(0);
  /** The client's connection state. */
  readonly connection = signal<string>('idle');

  /** The reply text so far; a new prompt cancels the previous turn (switchMap). */
  readonly reply$ = this.prompts.pipe(
    tap(() => this.error.set(undefined)),
    switchMap(({ taskId, text }) =>
      this.client.streamMessage({ task_id: taskId, text }).pipe(
        failFastOn1008({ onFailure: () => this.authFailures.update((n) => n + 1) }),
        retryOn1011({ count: 3, initialDelayMs: 500, jitter: false }),
        accumulateText(),
        catchError((err: unknown) => {
          this.error.set(isAuiError(err) ? err : undefined);
          return EMPTY;
        }),
      ),
    ),
  );

  /** The reply text as a signal, for templates. */
  readonly reply = toSignal(this.reply$, { initialValue: '' });

  constructor() {
    this.client.connectionState$.pipe(takeUntilDestroyed(inject(DestroyRef))).subscribe((state) => this.connection.set(state));
  }

  /** Sends a message; the reply streams into `reply`. */
  ask(taskId: string, text: string): void {
    this.prompts.next({ taskId, text });
  }
}

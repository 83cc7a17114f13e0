import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { injectAuiChat } from 'aui-rx/angular';
import { CHAT_TARGET } from '../chat-target';

/**
 * The chat: the task's history, each user message and the agent's reply as it streams, product cards
 * and follow-up suggestions on the final reply, a status line, and Send / Stop / Regenerate.
 * All of it is `injectAuiChat`'s state (signals); the chat is closed with this component.
 */
@Component({
  selector: 'app-chat',
  templateUrl: './chat.html',
  styleUrl: './chat.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Chat {
  readonly chat = injectAuiChat(inject(CHAT_TARGET));

  /** What to show of the last error: its kind, and the HTTP status or close code behind it. */
  protected readonly errorText = computed(() => {
    const error = this.chat.error();
    if (!error) return '';
    const code = error.status ?? error.closeCode;
    return `${error.kind}${code === undefined ? '' : ` (${code})`}: ${error.message}`;
  });

  /** The follow-up suggestions of the last reply, when it is final. */
  protected readonly suggestions = computed(() => {
    const last = this.chat.messages().at(-1);
    return last?.role === 'assistant' ? (last.message?.followup_suggestions ?? []) : [];
  });

  protected send(input: HTMLTextAreaElement): void {
    const text = input.value.trim();
    if (!text || this.chat.busy()) return;
    this.chat.send(text);
    input.value = '';
  }

  protected ask(suggestion: string): void {
    if (!this.chat.busy()) this.chat.send(suggestion);
  }

  protected stop(): void {
    this.chat.stop();
  }

  protected regenerate(): void {
    this.chat.regenerate();
  }
}

/**
 * The events of a streamed turn (`client.streamMessage`).
 *
 * @packageDocumentation
 */
import type { AgentMessage } from './protocol/rest.js';

/** Some reply text arrived: `text` is the whole reply so far, `delta` what this frame added. */
export interface TextStreamEvent {
  readonly kind: 'text';
  readonly taskId: string;
  readonly text: string;
  readonly delta: string;
}

/** The complete reply; the stream completes right after it. */
export interface FinalStreamEvent {
  readonly kind: 'final';
  readonly taskId: string;
  readonly message: AgentMessage;
}

/**
 * The turn was sent again after a retried failure (e.g. `retryOn1011`) that happened after some
 * text had been emitted: consumers must discard the text they have so far. `accumulateText()` does.
 */
export interface RestartStreamEvent {
  readonly kind: 'restart';
  readonly taskId: string;
  /** 1 for the first restart of this turn, 2 for the second, … */
  readonly attempt: number;
}

/** One event of a streamed turn, tagged by `kind`. */
export type StreamEvent = TextStreamEvent | FinalStreamEvent | RestartStreamEvent;

/**
 * The events of a streamed turn (`client.streamMessage`).
 *
 * @packageDocumentation
 */
import type { AgentMessage } from './protocol/rest.js';

/** Some reply text arrived: `text` is the whole reply so far, `delta` what this frame added. */
export interface TextStreamEvent {
  /** Always `text`. */
  readonly kind: 'text';
  /** The task (`task_id`) of the turn. */
  readonly taskId: string;
  /** The whole reply text so far (whether the server sends cumulative or delta frames). */
  readonly text: string;
  /** The text this frame added to `text`. */
  readonly delta: string;
}

/** The complete reply; the stream completes right after it. */
export interface FinalStreamEvent {
  /** Always `final`. */
  readonly kind: 'final';
  /** The task (`task_id`) of the turn. */
  readonly taskId: string;
  /** The agent's complete reply, with cards or options and follow-up suggestions. */
  readonly message: AgentMessage;
}

/**
 * The turn was sent again after a retried failure (e.g. `retryOn1011`) that happened after some
 * text had been emitted: consumers must discard the text they have so far. `accumulateText()` does.
 */
export interface RestartStreamEvent {
  /** Always `restart`. */
  readonly kind: 'restart';
  /** The task (`task_id`) of the turn. */
  readonly taskId: string;
  /** 1 for the first restart of this turn, 2 for the second, … */
  readonly attempt: number;
}

/** One event of a streamed turn, tagged by `kind`. */
export type StreamEvent = TextStreamEvent | FinalStreamEvent | RestartStreamEvent;

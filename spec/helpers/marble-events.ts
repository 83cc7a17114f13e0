/**
 * StreamEvent and AgentMessage builders for marble specs.
 */
import type { AgentMessage } from '../../lib/protocol/rest.js';
import type { FinalStreamEvent, RestartStreamEvent, TextStreamEvent } from '../../lib/stream-event.js';

/** The task id the builders use by default. */
export const TASK_ID = 'task-1';

/** A `text` event whose whole text so far is `text` and whose delta is `delta`. */
export function textEvent(text: string, delta: string, taskId = TASK_ID): TextStreamEvent {
  return { kind: 'text', taskId, text, delta };
}

/** A minimal agent message with the given text. */
export function agentMessage(text: string, id = 'msg-1'): AgentMessage {
  return {
    id,
    created_at: '2025-10-09 12:26:07.576000',
    text,
    sender: { id: 'agent', type: 'agent' },
    receiver: { id: 'user-1', type: 'user' },
  };
}

/** A `final` event carrying `agentMessage(text)`. */
export function finalEvent(text: string, taskId = TASK_ID): FinalStreamEvent {
  return { kind: 'final', taskId, message: agentMessage(text) };
}

/** A `restart` event. */
export function restartEvent(attempt: number, taskId = TASK_ID): RestartStreamEvent {
  return { kind: 'restart', taskId, attempt };
}

/**
 * The WebSocket session of FakeAuiServer (wire reference §4): validates each user message, streams
 * the canned agent's reply in the configured frame shape and text mode, then the final message, and
 * keeps the socket open for the next turn. Scripted turn faults (fake-faults.ts) replace or interrupt
 * the reply.
 *
 * @packageDocumentation
 */
import type { WebSocket } from 'ws';
import type { AgentMessage } from '../protocol/rest.js';
import { TEXT_UPDATE_EVENT } from '../protocol/server-frames.js';
import type { FakeServerContext } from './fake-aui-server.js';
import type { TurnFault } from './fake-faults.js';
import { agentMessage, agentReplyText, splitReply } from './fake-agent.js';
import { DEFAULT_UNKNOWN_FRAME } from './fake-bodies.js';


interface TurnPlan {
  readonly taskId: string;
  readonly userId: string;
  readonly messageId: string;
  readonly chunks: readonly string[];
  readonly replyText: string;
  readonly fault: TurnFault | undefined;
  /** Index of the text frame before which the fault fires (clamped to the reply length). */
  readonly faultAt: number;
  readonly timestamp: string;
}

/** @internal Handles one accepted WebSocket of FakeAuiServer (`apiKey`: the key it connected with). */
export function handleSession(ctx: FakeServerContext, ws: WebSocket, apiKey?: string): void {
  // A bad client frame (too big, invalid UTF-8) makes ws emit 'error' and close; never crash the server.
  ws.on('error', () => undefined);
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    const text = Buffer.isBuffer(data) ? data.toString() : Array.isArray(data) ? Buffer.concat(data).toString() : Buffer.from(data).toString();
    onUserMessage(ctx, ws, apiKey, text);
  });
}

function errorFrame(status: number, description: string, message: string, extra?: Record<string, unknown>): object {
  return extra ? { status_code: status, description, message, extra_data: extra } : { status_code: status, description, message };
}

function refuse(ws: WebSocket, frame: object, code = 1008, reason = 'Invalid message'): void {
  ws.send(JSON.stringify(frame));
  ws.close(code, reason);
}

function onUserMessage(ctx: FakeServerContext, ws: WebSocket, apiKey: string | undefined, text: string): void {
  ctx.stats.turns += 1;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return refuse(ws, errorFrame(422, 'Unprocessable Entity', 'Message is not valid JSON'));
  }
  const msg = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const missing = ['task_id', 'text'].filter((k) => typeof msg[k] !== 'string' || (msg[k] as string).trim() === '');
  if (missing.length > 0) {
    const errors = missing.map((k) => ({ loc: ['body', k], msg: 'field required', type: 'value_error.missing' }));
    return refuse(ws, errorFrame(422, 'Unprocessable Entity', `Missing or empty: ${missing.join(', ')}`, { errors }));
  }
  const taskId = msg['task_id'] as string;
  const task = ctx.store.getTask(taskId);
  if (!task) return refuse(ws, errorFrame(422, 'Unprocessable Entity', `Task ${taskId} not found`), 1008, 'Task not found');
  const owner = ctx.store.owners.get(taskId);
  if (apiKey !== undefined && owner !== undefined && owner !== apiKey) {
    return refuse(ws, errorFrame(403, 'Forbidden', "Task doesn't belong to the authenticated network"), 1008, 'Forbidden');
  }
  const userText = msg['text'] as string;
  const createdAt = ctx.now();
  ctx.store.addMessage(taskId, {
    id: ctx.store.nextId(),
    created_at: createdAt,
    text: userText,
    sender: { id: task.user_id, type: 'user', email: null },
    receiver: { id: 'intelligent-agent', type: 'agent', email: null },
    followup_suggestions: [],
  });
  const fault = ctx.takeTurnFault();
  const replyText = fault?.type === 'reply' ? fault.text : agentReplyText(userText);
  const frames = fault?.type === 'reply' ? fault.frames : ctx.settings.framesPerReply || undefined;
  const chunks = splitReply(replyText, frames);
  const wanted = fault && 'afterFrames' in fault ? (fault.afterFrames ?? 0) : 0;
  const plan: TurnPlan = {
    taskId,
    userId: task.user_id,
    messageId: ctx.store.nextId(),
    chunks,
    replyText,
    fault: fault?.type === 'reply' ? undefined : fault,
    faultAt: Math.min(Math.max(0, wanted), chunks.length),
    timestamp: createdAt,
  };
  streamReply(ctx, ws, plan);
}

function textFrame(ctx: FakeServerContext, plan: TurnPlan, text: string): string {
  switch (ctx.settings.frames) {
    case 'A1':
      return JSON.stringify({
        channel: { type: 'WEBSOCKET', channel_name: `channel-${plan.messageId}`, event_name: TEXT_UPDATE_EVENT },
        scope: {
          type: 'LLM_ACTIVATION_EXECUTION',
          data: { status: 'SUCCESS' },
          context: { message_id: plan.messageId, task_id: plan.taskId, interaction_id: `i-${plan.messageId}`, pillar: 'WORKFLOW' },
        },
        data: { text },
        timestamp: plan.timestamp,
      });
    case 'envelope':
      return JSON.stringify({ type: 'streaming_update', data: { text } });
    default:
      return JSON.stringify({ event: TEXT_UPDATE_EVENT, data: { text } });
  }
}

/** Applies the turn's fault; returns true when the reply must stop here. */
function applyFault(ctx: FakeServerContext, ws: WebSocket, plan: TurnPlan, fault: TurnFault): boolean {
  switch (fault.type) {
    case 'error-frame':
      ws.send(typeof fault.frame === 'string' ? fault.frame : JSON.stringify(fault.frame));
      if (fault.code !== undefined) ws.close(fault.code, fault.reason ?? '');
      return true;
    case 'close':
      ws.close(fault.code, fault.reason ?? '');
      return true;
    case 'destroy':
      // A ping after the text frames: its callback fires once they are flushed, then drop the TCP link.
      ws.ping(undefined, false, () => ws.terminate());
      return true;
    case 'stall':
      return true;
    case 'raw':
      ws.send(fault.text);
      return false;
    case 'unknown-frame':
      ws.send(JSON.stringify(fault.frame ?? DEFAULT_UNKNOWN_FRAME));
      return false;
    case 'oversize':
      ws.send(textFrame(ctx, plan, 'x'.repeat(fault.bytes)));
      return false;
    default:
      return false;
  }
}

function finalFrame(ctx: FakeServerContext, plan: TurnPlan): { frame: string; message: AgentMessage } {
  const message = agentMessage({
    id: plan.messageId,
    text: plan.replyText,
    userId: plan.userId,
    shape: ctx.settings.replyShape,
    createdAt: ctx.now(),
  });
  const frame = ctx.settings.frames === 'envelope' ? { type: 'final_message', data: message } : message;
  return { frame: JSON.stringify(frame), message };
}

/** Sends text frames (spaced by `frameDelayMs`), the fault where due, then the final message. */
function streamReply(ctx: FakeServerContext, ws: WebSocket, plan: TurnPlan): void {
  const delta = ctx.settings.textMode === 'delta';
  let index = 0;
  let sofar = '';
  let faultDone = plan.fault === undefined;
  const step = (): void => {
    for (;;) {
      if (ws.readyState !== ws.OPEN) return;
      if (!faultDone && index === plan.faultAt) {
        faultDone = true;
        if (applyFault(ctx, ws, plan, plan.fault as TurnFault)) return;
      }
      if (index >= plan.chunks.length) break;
      const chunk = plan.chunks[index] as string;
      sofar += chunk;
      index += 1;
      ws.send(textFrame(ctx, plan, delta ? chunk : sofar));
      if (ctx.settings.frameDelayMs > 0) {
        ctx.later(ctx.settings.frameDelayMs, step);
        return;
      }
    }
    const { frame, message } = finalFrame(ctx, plan);
    ws.send(frame);
    ctx.store.addMessage(plan.taskId, message);
  };
  step();
}

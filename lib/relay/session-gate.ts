/**
 * The check every browser frame passes before it goes upstream: it must be a user message
 * (`{task_id, text, …}` as JSON) for a task the session's user owns. A frame that is not one gets
 * an error frame 422 and a 1008 close (as AUI answers it); a frame for another user's task gets an
 * error frame 403 and a 1008 close, and is never forwarded. Frames are checked one at a time, in
 * order, and the browser is not read while one is being checked. What goes upstream is the message
 * the gate read, serialised again, never the bytes it was sent.
 *
 * @packageDocumentation
 */
import { STATUS_CODES } from 'node:http';
import type { RelayReply } from './relay-replies.js';
import type { TaskScope } from './scope.js';

/** Frames that may wait for their check; one more closes the session (1008). */
export const MAX_QUEUED_FRAMES = 32;

/** What the gate needs of the session's pipe. */
export interface GateOutlet {
  /** Sends a checked message upstream. */
  toUpstream(text: string): void;
  /** Sends an error frame to the browser and closes it. */
  refuse(frame: object, code: number, reason: string): void;
  /** Stops reading the browser. */
  hold(): void;
  /** Reads the browser again. */
  release(): void;
}

/** The error frame and close for a refused message (the wire's `{status_code, description, message}`). */
export function refusalFrame(reply: RelayReply): { frame: object; code: number; reason: string } {
  const { status } = reply;
  const said = (reply.body as { message?: unknown } | null)?.message;
  const message = typeof said === 'string' ? said : status === 403 ? "Task doesn't belong to this user" : (STATUS_CODES[status] ?? 'Error');
  const frame = { status_code: status, description: STATUS_CODES[status] ?? 'Error', message };
  if (status === 401 || status === 403) return { frame, code: 1008, reason: status === 401 ? 'Not authenticated' : 'Forbidden' };
  if (status === 422) return { frame, code: 1008, reason: 'Invalid message' };
  return { frame, code: 1011, reason: 'Internal error' };
}

const INVALID: RelayReply = { status: 422, body: { message: 'A user message is a JSON object with a string task_id' } };
const QUEUE_FULL: RelayReply = { status: 422, body: { message: `More than ${MAX_QUEUED_FRAMES} messages waiting: send one at a time` } };

/** The message in a frame, or undefined when the frame is not a user message. */
function userMessage(data: Buffer, isBinary: boolean): { message: Record<string, unknown>; taskId: string } | undefined {
  if (isBinary) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const taskId = (value as Record<string, unknown>)['task_id'];
  return typeof taskId === 'string' && taskId.trim() !== '' ? { message: value as Record<string, unknown>, taskId } : undefined;
}

/**
 * The frame check of one session.
 *
 * @example
 * const gate = new MessageGate('user-1', scope, pipe);
 * browserSocket.on('message', (data, isBinary) => gate.push(data, isBinary));
 */
export class MessageGate {
  readonly #queue: Array<{ data: Buffer; isBinary: boolean }> = [];
  #busy = false;
  #refused = false;

  constructor(
    private readonly user: string,
    private readonly scope: TaskScope,
    private readonly outlet: GateOutlet,
  ) {}

  /** Takes one browser frame; it goes upstream once checked, after those before it. */
  push(data: Buffer, isBinary: boolean): void {
    if (this.#refused) return;
    if (this.#queue.length >= MAX_QUEUED_FRAMES) return this.#refuse(QUEUE_FULL);
    this.#queue.push({ data, isBinary });
    if (!this.#busy) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    this.outlet.hold();
    try {
      for (let next = this.#queue.shift(); next !== undefined && !this.#refused; next = this.#queue.shift()) {
        await this.#one(next.data, next.isBinary);
      }
    } finally {
      this.#busy = false;
      this.outlet.release();
    }
  }

  async #one(data: Buffer, isBinary: boolean): Promise<void> {
    const read = userMessage(data, isBinary);
    if (read === undefined) return this.#refuse(INVALID);
    const verdict = await this.scope.check(this.user, read.taskId);
    if (this.#refused) return;
    if (!verdict.allowed) return this.#refuse(verdict.reply);
    this.outlet.toUpstream(JSON.stringify(read.message));
  }

  #refuse(reply: RelayReply): void {
    if (this.#refused) return;
    this.#refused = true;
    this.#queue.length = 0;
    const { frame, code, reason } = refusalFrame(reply);
    this.outlet.refuse(frame, code, reason);
  }
}

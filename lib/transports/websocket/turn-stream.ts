/**
 * One turn on a socket: sends the user message, turns each server frame into a {@link StreamEvent},
 * enforces the idle timeout, and joins an error frame with the close that follows it.
 *
 * @packageDocumentation
 */
import type { SchedulerAction, SchedulerLike, Subscriber, Subscription } from 'rxjs';
import type { AuiError } from '../../errors.js';
import { classifyServerFrame, parseFrameJson, textUpdateText, type ErrorFrame } from '../../protocol/server-frames.js';
import type { StreamEvent } from '../../stream-event.js';
import { failureError, type SocketCloseEvent } from '../../failure-error.js';
import { createAuiError, inContext } from '../../failure-policy.js';
import { TextTracker } from './text-tracker.js';

/**
 * How long a turn waits, after an error frame, for the close that should follow (ms). If no close
 * comes, the turn errors with the frame alone (no `closeCode`) and the client closes the socket.
 */
export const ERROR_FRAME_CLOSE_WAIT_MS = 1000;

/** Counters shared by every turn of a pool. */
export interface TurnCounters {
  /** Frames received by turns. */
  framesReceived: number;
  /** Frames of no known kind (skipped). */
  unknownFrames: number;
}

/** What every turn of a pool shares. */
export interface TurnContext {
  /** Where the idle timeout and the error-frame wait run. */
  readonly scheduler: SchedulerLike;
  /** `timeouts.idleMs`. */
  readonly idleMs: number;
  /** Payload limit, quoted in errors. */
  readonly maxPayloadBytes: number;
  readonly counters: TurnCounters;
}

/** The socket side of a running turn (implemented by the pool). */
export interface TurnHost {
  /** The API key of this socket, scrubbed from server-supplied text in errors. */
  readonly apiKey: string;
  /** Sends a frame. */
  send(text: string): void;
  /**
   * Makes sure an idle timer runs that fires within `idleMs` and then calls
   * {@link TurnStream.idleLeft} (re-arming for what is left) and, at zero, {@link TurnStream.idleTimeout}.
   */
  watchIdle(idleMs: number): void;
  /** The turn ended cleanly after its final frame: the socket may serve the next turn. */
  release(turn: TurnStream): void;
  /** The turn ended leaving the socket out of step (protocol error, timeout, …): close the socket. */
  discard(turn: TurnStream): void;
}

/** Where a turn is. */
export type TurnStatus = 'queued' | 'running' | 'awaiting-close' | 'done';

function errorFrameWaitWork(this: SchedulerAction<TurnStream>, turn?: TurnStream): void {
  turn?.errorFrameWaitOver();
}

/**
 * A single turn: `{task_id, text}` out, `text` events then one `final` event in (then complete), or
 * one error. The pool creates it queued, calls {@link TurnStream.start} with a socket, and forwards
 * that socket's frames and close.
 *
 * @example
 * const turn = new TurnStream(subscriber, 'task-1', '{"task_id":"task-1","text":"hi"}', ctx);
 * turn.start(host); // sends the frame, then host frames go to turn.onMessage(data)
 */
export class TurnStream {
  /** Where the turn is. */
  status: TurnStatus = 'queued';
  /** The socket running this turn (set by {@link TurnStream.start}). */
  host: TurnHost | undefined;
  readonly #tracker = new TextTracker();
  readonly #scheduler: SchedulerLike;
  /** When the message was sent or the last frame arrived (scheduler time); the idle timer reads it. */
  #lastFrameAt = 0;
  #errorFrame: ErrorFrame | undefined;
  #errorFrameTimer: Subscription | undefined;
  readonly #subscriber: Subscriber<StreamEvent>;
  /** The encoded user message. */
  readonly #frame: string;
  readonly #ctx: TurnContext;

  /** A queued turn that will emit to `subscriber`; `frame` is the encoded user message. */
  constructor(
    subscriber: Subscriber<StreamEvent>,
    /** The task of this turn. */
    readonly taskId: string,
    frame: string,
    ctx: TurnContext,
  ) {
    this.#subscriber = subscriber;
    this.#frame = frame;
    this.#ctx = ctx;
    this.#scheduler = ctx.scheduler;
  }

  /** Sends the user message on `host` and starts the idle clock. */
  start(host: TurnHost): void {
    this.host = host;
    this.status = 'running';
    try {
      host.send(this.#frame);
    } catch (cause) {
      this.#end(createAuiError('connection', 'Could not send the message on the WebSocket', { cause }, { taskId: this.taskId, secret: host.apiKey }));
      return;
    }
    this.#lastFrameAt = this.#scheduler.now();
    host.watchIdle(this.#ctx.idleMs);
  }

  /** One frame from the socket (the hot path). */
  onMessage(data: string): void {
    if (this.status !== 'running') return;
    this.#ctx.counters.framesReceived++;
    this.#lastFrameAt = this.#scheduler.now();
    let raw: unknown;
    try {
      raw = parseFrameJson(data);
    } catch (error) {
      this.#end(this.#withTask(error));
      return;
    }
    const text = textUpdateText(raw);
    if (text !== undefined) {
      const delta = this.#tracker.push(text);
      if (delta !== undefined) this.#subscriber.next({ kind: 'text', taskId: this.taskId, text: this.#tracker.text, delta });
      return;
    }
    this.#onOtherFrame(raw);
  }

  /** The socket closed under this turn. */
  onSocketClose(close: SocketCloseEvent): void {
    if (this.status !== 'running' && this.status !== 'awaiting-close') return;
    const errorFrame = this.#errorFrame;
    this.#finish();
    const secret = this.host?.apiKey;
    this.#emitError(failureError({ source: 'socket', close, errorFrame, maxPayloadBytes: this.#ctx.maxPayloadBytes }, { taskId: this.taskId, secret }));
  }

  /** Ends the turn with `error` from outside (connect failure, client closed); no socket is touched. */
  fail(error: AuiError): void {
    if (this.status === 'done') return;
    this.#finish();
    this.#emitError(error);
  }

  /** The subscriber went away: stop timers, emit nothing. */
  cancel(): void {
    this.#finish();
  }

  /**
   * @internal For the host's idle timer: ms left before the idle timeout (≤ 0: it is due), or NaN
   * when the turn is not waiting for frames (not running).
   */
  idleLeft(): number {
    return this.status === 'running' ? this.#lastFrameAt + this.#ctx.idleMs - this.#scheduler.now() : NaN;
  }

  /** @internal The idle timeout is due (see {@link TurnStream.idleLeft}): the turn errors, the socket closes. */
  idleTimeout(): void {
    if (this.status !== 'running') return;
    const error = createAuiError('timeout', `No frame arrived for ${this.#ctx.idleMs} ms in the middle of a turn`, {}, { taskId: this.taskId }, 'idle');
    this.#end(error);
  }

  /** @internal The close after an error frame did not come in time: error with the frame alone. */
  errorFrameWaitOver(): void {
    if (this.status !== 'awaiting-close' || !this.#errorFrame) return;
    this.#errorFrameTimer = undefined;
    const error = failureError({ source: 'socket', errorFrame: this.#errorFrame }, { taskId: this.taskId, secret: this.host?.apiKey });
    this.#end(error);
  }

  #onOtherFrame(raw: unknown): void {
    let frame;
    try {
      frame = classifyServerFrame(raw);
    } catch (error) {
      this.#end(this.#withTask(error));
      return;
    }
    switch (frame.type) {
      case 'text': {
        const delta = this.#tracker.push(frame.text);
        if (delta !== undefined) this.#subscriber.next({ kind: 'text', taskId: this.taskId, text: this.#tracker.text, delta });
        return;
      }
      case 'final': {
        const host = this.host;
        this.#finish();
        // Free the socket first: a consumer that starts the next turn on 'final'/complete reuses it.
        host?.release(this);
        this.#subscriber.next({ kind: 'final', taskId: this.taskId, message: frame.message });
        this.#subscriber.complete();
        return;
      }
      case 'error':
        this.#errorFrame = frame.frame;
        this.status = 'awaiting-close'; // the idle timer now finds no running turn
        this.#errorFrameTimer = this.#scheduler.schedule(errorFrameWaitWork, ERROR_FRAME_CLOSE_WAIT_MS, this);
        return;
      default:
        this.#ctx.counters.unknownFrames++;
    }
  }

  /** The frame parsers know neither task nor key: their error again, with this turn's task and no key. */
  #withTask(error: unknown): AuiError {
    return inContext(error, { taskId: this.taskId, secret: this.host?.apiKey });
  }

  /** Ends the turn with an error that leaves the socket out of step: the host closes it. */
  #end(error: AuiError): void {
    const host = this.host;
    this.#finish();
    host?.discard(this);
    this.#emitError(error);
  }

  #emitError(error: AuiError): void {
    this.#subscriber.error(error);
  }

  #finish(): void {
    this.status = 'done';
    this.#errorFrameTimer?.unsubscribe();
    this.#errorFrameTimer = undefined;
  }
}

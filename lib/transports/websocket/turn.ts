/**
 * One turn on a leased connection, as a composition of operators over its events: send the user
 * message (`sendThenListen`), an idle timeout between frames (`idleTimeout`), each frame read into a
 * {@link StreamEvent} until the final one (`untilFinal`), and an error frame joined with the close
 * that follows it (`catchError` → `closeAfter`); limits on a frame and on the reply.
 *
 * @packageDocumentation
 */
import { catchError, defaultIfEmpty, defer, filter, map, Observable, of, take, throwError, timeout, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { AuiError } from '../../errors.js';
import { failureError } from '../../failure-error.js';
import { createAuiError, inContext, type FailureContext } from '../../failure-policy.js';
import { idleTimeout } from '../../internal/idle-timeout.js';
import { classifyServerFrame, parseFrameJson, type ErrorFrame } from '../../protocol/server-frames.js';
import type { StreamEvent } from '../../stream-event.js';
import type { Connection, ConnectionEvent } from './connection.js';
import { TextTracker } from './text-tracker.js';

/**
 * How long a turn waits, after an error frame, for the close that should follow (ms). If no close
 * comes, the turn errors with the frame alone (no `closeCode`) and the socket is closed.
 */
export const ERROR_FRAME_CLOSE_WAIT_MS = 1000;

/** Counters of a pool's turns (for tests and benchmarks). */
export interface TurnCounters {
  /** Frames received by turns. */
  framesReceived: number;
  /** Frames of no known kind (skipped). */
  unknownFrames: number;
  /** Text frames naming another task (dropped). */
  foreignFrames: number;
}

/** What every turn of a pool shares. */
export interface TurnContext {
  /** Where the idle timeout and the error-frame wait run. */
  readonly scheduler: SchedulerLike;
  /** `timeouts.idleMs`. */
  readonly idleMs: number;
  /** `limits.maxFrameBytes` (checked here too, for platforms that do not enforce it). */
  readonly maxFrameBytes: number;
  /** `limits.maxReplyChars`: the most characters a turn's text may reach. */
  readonly maxReplyChars: number;
  readonly counters: TurnCounters;
}

/** Thrown inside the pipeline when an error frame arrives; caught at its end to wait for the close. */
class ErrorFrameSeen {
  constructor(readonly frame: ErrorFrame) {}
}

/**
 * The events of one turn on `connection` (open, and leased to this turn alone): on subscribe the
 * encoded user message `json` is sent; every frame is read in order; the stream completes right after
 * the `final` event. Errors, always one aui-rx error: the socket closed (the close, with the error
 * frame that came before it), no frame within `idleMs`, a frame that is not JSON or fails its schema,
 * a frame over `maxFrameBytes`, a reply over `maxReplyChars` (the last three `AuiProtocolError`, not
 * retryable). A text frame naming another task is dropped and counted, never emitted.
 *
 * @example
 * turnEvents(connection, 'task-1', '{"task_id":"task-1","text":"hi"}', ctx).subscribe((event) => render(event));
 */
export function turnEvents(connection: Connection, taskId: string, json: string, ctx: TurnContext): Observable<StreamEvent> {
  return defer(() => {
    const where: FailureContext = { taskId, secret: connection.apiKey };
    const tracker = new TextTracker();
    return sendThenListen(connection, json, where).pipe(
      idleTimeout(ctx.idleMs, ctx.scheduler, () =>
        createAuiError('timeout', `No frame arrived for ${ctx.idleMs} ms in the middle of a turn`, {}, where, 'idle'),
      ),
      untilFinal((event) => readEvent(event, tracker, taskId, where, ctx)),
      catchError((error: unknown) => (error instanceof ErrorFrameSeen ? closeAfter(connection, error.frame, where, ctx.scheduler) : throwError(() => error))),
    );
  });
}

/**
 * `map(read)`, `filter(defined)` and `takeWhile(not final, inclusive)` in one step (one subscriber a
 * turn instead of three): each event is read; what it gives is emitted; the final event completes the
 * stream, and after it nothing more is read, so whatever the connection does next (serve the next
 * turn, close) while the final is still on its way down never reaches this turn.
 */
function untilFinal(read: (event: ConnectionEvent) => StreamEvent | undefined): OperatorFunction<ConnectionEvent, StreamEvent> {
  return (source) =>
    new Observable<StreamEvent>((subscriber) => {
      let ended = false;
      return source.subscribe({
        next: (event) => {
          if (ended) return;
          let out: StreamEvent | undefined;
          try {
            out = read(event);
          } catch (error) {
            subscriber.error(error); // as map() would: what reading throws ends the stream
            return;
          }
          if (out === undefined) return;
          ended = out.kind === 'final';
          subscriber.next(out);
          if (ended) subscriber.complete();
        },
        // Once the final is read the stream ends with it, whatever the source does meanwhile.
        error: (error: unknown) => ended || subscriber.error(error),
        complete: () => ended || subscriber.complete(),
      });
    });
}

/** The connection's events from now on, with the message sent once they are heard. */
function sendThenListen(connection: Connection, json: string, where: FailureContext): Observable<ConnectionEvent> {
  return new Observable<ConnectionEvent>((subscriber) => {
    const subscription = connection.events$.subscribe(subscriber);
    try {
      connection.send(json);
    } catch (cause) {
      subscriber.error(createAuiError('connection', 'Could not send the message on the WebSocket', { cause }, where));
    }
    return subscription;
  });
}

/** One connection event as the turn's next stream event (`undefined`: nothing to emit); throws to end the turn. */
function readEvent(event: ConnectionEvent, tracker: TextTracker, taskId: string, where: FailureContext, ctx: TurnContext): StreamEvent | undefined {
  if (typeof event !== 'string') {
    if (event.type === 'aborted') throw event.error;
    throw failureError({ source: 'socket', close: event.event, maxPayloadBytes: ctx.maxFrameBytes }, where);
  }
  const text = event;
  ctx.counters.framesReceived++;
  if (text.length > ctx.maxFrameBytes) {
    // A UTF-8 frame of n bytes decodes to at most n characters: more characters, more bytes.
    throw createAuiError('protocol', `A frame exceeded limits.maxFrameBytes (${ctx.maxFrameBytes} bytes)`, { closeCode: 1009 }, where);
  }
  let frame;
  try {
    frame = classifyServerFrame(parseFrameJson(text));
  } catch (error) {
    throw inContext(error, where);
  }
  switch (frame.type) {
    case 'text': {
      if (frame.taskId !== undefined && frame.taskId !== taskId) {
        ctx.counters.foreignFrames++;
        return undefined;
      }
      const delta = tracker.push(frame.text);
      if (tracker.text.length > ctx.maxReplyChars) {
        throw createAuiError('protocol', `The reply exceeded limits.maxReplyChars (${ctx.maxReplyChars} characters)`, {}, where);
      }
      return delta === undefined ? undefined : { kind: 'text', taskId, text: tracker.text, delta };
    }
    case 'final':
      return { kind: 'final', taskId, message: frame.message };
    case 'error':
      throw new ErrorFrameSeen(frame.frame);
    default:
      ctx.counters.unknownFrames++;
      return undefined;
  }
}

/** After an error frame: the one error for the frame and the close that follows (or the frame alone after the wait). */
function closeAfter(connection: Connection, errorFrame: ErrorFrame, where: FailureContext, scheduler: SchedulerLike): Observable<never> {
  return connection.events$.pipe(
    filter((event) => typeof event !== 'string' && event.type === 'closed'),
    take(1),
    timeout({ first: ERROR_FRAME_CLOSE_WAIT_MS, scheduler, with: () => of(undefined) }),
    defaultIfEmpty(undefined), // the connection was already gone
    map((event): never => {
      const close = typeof event === 'object' && event.type === 'closed' ? event.event : undefined;
      throw failureError({ source: 'socket', close, errorFrame }, where) satisfies AuiError;
    }),
  );
}

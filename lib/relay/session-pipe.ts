/**
 * One relayed WebSocket session: the browser's socket and the upstream socket joined both ways.
 * Upstream frames go to the browser as they come, redacted and otherwise byte for byte (text stays
 * text, binary stays binary); with back-pressure: when too much waits to be written to one socket, the
 * other one stops being read until it is written. A close on either side closes the other with the
 * same code and (redacted) reason; 1006 (dropped) drops the other side too. A side that does not
 * answer its close within `closeMs` is dropped, so a session always ends.
 *
 * @packageDocumentation
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import { closeReason, redactBytes } from './relay-key.js';

/** Settings of a {@link SessionPipe}. */
export interface SessionPipeSettings {
  /** The key upstream was opened with: removed from every frame and reason sent to the browser. */
  readonly key: string;
  /** Bytes waiting on one socket before the other one is paused. */
  readonly maxBufferedBytes: number;
  /** How long a side may take to answer a close before it is dropped. */
  readonly closeMs: number;
  /** Where that wait runs. */
  readonly scheduler: SchedulerLike;
  /** Each frame from the browser (the session's gate checks it and calls {@link SessionPipe.toUpstream}). */
  readonly onBrowserFrame: (data: Buffer, isBinary: boolean) => void;
  /** Called once, when both sockets are closed, with the browser side's close code. */
  readonly onEnd: (browserCloseCode: number) => void;
}

const OPEN = 1;
const CLOSED = 3;
const noop = (): void => undefined;

/**
 * The close code for the browser when the relay's own upstream socket failed on a frame (`ws`'s error
 * codes): 1009 for a frame past `limits.maxFrameBytes`, 1002 for any other protocol error.
 */
function faultCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('WS_ERR_')) return undefined;
  return code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 1009 : 1002;
}

/** Whether `ws` lets an endpoint send `code` in a close frame. */
function sendable(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/**
 * Closes `ws` with `code` and `reason` (no code for 1005; dropped for 1006 or a code that cannot be
 * sent) and drops it if it has not closed `closeMs` later. Returns the wait, to cancel once it closed.
 *
 * @example
 * const wait = closeSocket(ws, 1008, 'Not authenticated', 1000, asyncScheduler);
 */
export function closeSocket(ws: WebSocket, code: number, reason: string, closeMs: number, scheduler: SchedulerLike): Subscription | undefined {
  if (ws.readyState === CLOSED) return undefined;
  if (code === 1005) ws.close();
  else if (sendable(code)) ws.close(code, reason);
  else {
    ws.terminate();
    return undefined;
  }
  return scheduler.schedule(() => ws.terminate(), closeMs);
}

/**
 * The two sockets of one session, joined.
 *
 * @example
 * const pipe = new SessionPipe(browser, upstream, { key, maxBufferedBytes, closeMs, scheduler, onBrowserFrame, onEnd });
 */
export class SessionPipe {
  #browserCode: number | undefined;
  #upstreamClosed = false;
  #upstreamFault: number | undefined;
  #holds = 0;
  #ended = false;
  readonly #waits: Subscription[] = [];
  readonly #resumeUpstream = (): void => this.upstream.resume();
  readonly #releaseBackPressure = (): void => this.release();

  constructor(
    private readonly browser: WebSocket,
    private readonly upstream: WebSocket,
    private readonly settings: SessionPipeSettings,
  ) {
    browser.on('error', noop);
    upstream.on('error', (error: unknown) => (this.#upstreamFault ??= faultCode(error)));
    upstream.on('message', (data: Buffer, isBinary: boolean) => this.#toBrowser(data, isBinary));
    browser.on('message', (data: Buffer, isBinary: boolean) => settings.onBrowserFrame(data, isBinary));
    upstream.on('close', (code: number, reason: Buffer) => {
      this.#upstreamClosed = true;
      const fault = code === 1006 ? this.#upstreamFault : undefined;
      if (fault === undefined) this.#closeSide(browser, code, closeReason(reason, settings.key));
      else this.#closeSide(browser, fault, fault === 1009 ? 'Frame too large' : 'Protocol error');
      this.#maybeEnd();
    });
    browser.on('close', (code: number, reason: Buffer) => {
      this.#browserCode = code;
      this.#closeSide(upstream, code, closeReason(reason, settings.key));
      this.#maybeEnd();
    });
  }

  /** Sends a checked user message upstream; the browser is not read while upstream's buffer is full. */
  toUpstream(text: string): void {
    const { upstream } = this;
    if (upstream.readyState !== OPEN) return;
    if (upstream.bufferedAmount + text.length > this.settings.maxBufferedBytes) {
      this.hold();
      upstream.send(text, this.#releaseBackPressure);
    } else upstream.send(text);
  }

  /** Stops reading the browser (counted: each hold needs a {@link release}). */
  hold(): void {
    if (this.#holds++ === 0) this.browser.pause();
  }

  /** Undoes one {@link hold}; the browser is read again when none is left. */
  release(): void {
    if (this.#holds > 0 && --this.#holds === 0) this.browser.resume();
  }

  /** Sends `frame` (JSON) to the browser, then closes it with `code` and `reason`, and upstream with 1000. */
  refuse(frame: object, code: number, reason: string): void {
    if (this.browser.readyState === OPEN) this.browser.send(JSON.stringify(frame));
    this.#closeSide(this.browser, code, reason);
    this.#closeSide(this.upstream, 1000, '');
  }

  /** Closes both sides (the relay is closing): the browser with 1001, upstream with 1000. */
  shutdown(): void {
    this.#closeSide(this.browser, 1001, 'The relay is closing');
    this.#closeSide(this.upstream, 1000, '');
  }

  #toBrowser(data: Buffer, isBinary: boolean): void {
    const { browser } = this;
    if (browser.readyState !== OPEN) return;
    const out = redactBytes(data, this.settings.key);
    if (browser.bufferedAmount + out.length > this.settings.maxBufferedBytes) {
      this.upstream.pause();
      browser.send(out, { binary: isBinary }, this.#resumeUpstream);
    } else browser.send(out, { binary: isBinary });
  }

  #closeSide(ws: WebSocket, code: number, reason: string): void {
    if (ws.readyState >= 2) return;
    const wait = closeSocket(ws, code, reason, this.settings.closeMs, this.settings.scheduler);
    if (wait !== undefined) this.#waits.push(wait);
  }

  #maybeEnd(): void {
    if (this.#ended || this.#browserCode === undefined || !this.#upstreamClosed) return;
    this.#ended = true;
    for (const wait of this.#waits) wait.unsubscribe();
    this.settings.onEnd(this.#browserCode);
  }
}

/**
 * The relay's WebSocket side: one browser upgrade becomes one relayed session. In order: the
 * browser's `Origin` (same host, or allowed by `cors`), the user (`authorize`; none: the socket is
 * accepted and closed with 1008, as AUI closes a bad key, so a browser sees it too), the user's
 * session limit (429), then the upstream socket with the relay's key. Only when upstream has accepted
 * is the browser accepted; a refused upstream handshake is refused to the browser with the same
 * status and (redacted) body. Then the two sockets are joined (session-pipe.ts) behind the frame
 * check (session-gate.ts). One access-log entry per session, when it ends.
 *
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, type WebSocketServer } from 'ws';
import { redactText } from '../internal/redact-secret.js';
import { API_KEY_HEADER, sessionUrl } from '../transports/websocket/socket-url.js';
import { upgradeOriginAllowed } from './relay-cors.js';
import { readRelayKey, redactBytes } from './relay-key.js';
import { emitLog, logPath } from './relay-log.js';
import type { ResolvedRelayOptions } from './relay-options.js';
import { applicationReply, FORBIDDEN, refuseUpgrade, tooManySessions, type RelayReply } from './relay-replies.js';
import { authorizeRequest } from './rest-handler.js';
import type { TaskScope } from './scope.js';
import { MessageGate } from './session-gate.js';
import { closeSocket, SessionPipe } from './session-pipe.js';
import type { UserSessions } from './user-sessions.js';

/** A session being set up or running, as `close()` sees it. */
export interface LiveSession {
  /** Ends it: a pending upstream connect is dropped (503 to the browser), a running session closes. */
  shutdown(): void;
}

/** What the WebSocket side shares with the rest of the relay. @internal */
export interface SessionContext {
  readonly options: ResolvedRelayOptions;
  readonly scope: TaskScope;
  readonly sessions: UserSessions;
  /** A `noServer` WebSocketServer that completes browser upgrades. */
  readonly wss: WebSocketServer;
  isClosed(): boolean;
  /** Registers a session until its returned release is called. */
  track(session: LiveSession): () => void;
}

/** Largest refused-handshake body read from upstream. */
const MAX_REFUSAL_BYTES = 64 * 1024;
const noop = (): void => undefined;

/** Whether `req` is an upgrade `ws` will complete (the checks of its `handleUpgrade`), so none opens upstream in vain. */
function wellFormed(req: IncomingMessage): boolean {
  const version = req.headers['sec-websocket-version'];
  return (
    req.method === 'GET' &&
    req.headers.upgrade?.toLowerCase() === 'websocket' &&
    /^[+/0-9A-Za-z]{22}==$/.test(req.headers['sec-websocket-key'] ?? '') &&
    (version === '13' || version === '8')
  );
}

/** Upstream's refusal of a handshake, passed to the browser with its status and redacted JSON body. */
function readRefusal(res: IncomingMessage, key: string, done: (reply: RelayReply) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const finish = (): void => {
    const text = redactBytes(Buffer.concat(chunks), key).toString();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = { detail: text.slice(0, 300) };
    }
    const retryAfter = res.headers['retry-after'];
    done({ status: res.statusCode ?? 502, body, ...(typeof retryAfter === 'string' ? { headers: { 'retry-after': redactText(retryAfter, key) } } : {}) });
  };
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_REFUSAL_BYTES) chunks.push(chunk);
  });
  res.on('end', finish);
  res.on('error', finish);
}

/**
 * Handles one upgrade on the session path. Never throws; every socket it opens is closed by the
 * session's end or by `close()`.
 *
 * @example
 * void handleSessionUpgrade(ctx, req, socket, head, target);
 */
export async function handleSessionUpgrade(ctx: SessionContext, req: IncomingMessage, socket: Duplex, head: Buffer, target: string): Promise<void> {
  const { options } = ctx;
  const { scheduler } = options;
  const started = scheduler.now();
  let user: string | undefined;
  const log = (status: number, closeCode?: number): void => {
    const path = logPath(target, options.upstream.apiKey.lastKey);
    emitLog(options.onLog, { type: 'session', method: 'GET', path, user, status, durationMs: scheduler.now() - started, ...(closeCode === undefined ? {} : { closeCode }) });
  };
  const refuse = (reply: RelayReply): void => {
    refuseUpgrade(socket, reply);
    log(reply.status);
  };
  socket.on('error', noop);
  if (ctx.isClosed()) return refuse(applicationReply(503, 'The relay is closed'));
  if (!upgradeOriginAllowed(options.cors, req)) return refuse(FORBIDDEN);
  if (!wellFormed(req)) {
    ctx.wss.handleUpgrade(req, socket, head, (ws) => ws.terminate()); // ws answers 400 with the reason
    return log(400);
  }
  user = await authorizeRequest(options.authorize, req);
  if (socket.destroyed) return log(499);
  if (user === undefined) return acceptAndClose(ctx, req, socket, head, log);
  if (!ctx.sessions.acquire(user)) return refuse(tooManySessions(options.limits.maxSessionsPerUser));
  const owner = user;
  let release = (): void => ctx.sessions.release(owner);
  let key: string;
  try {
    key = await readRelayKey(options.upstream.apiKey, options.upstream.timeouts.connectMs, scheduler, 'connect');
  } catch {
    release();
    return refuse(applicationReply(500, 'The relay could not read its API key'));
  }
  if (socket.destroyed || ctx.isClosed()) {
    release();
    return ctx.isClosed() ? refuse(applicationReply(503, 'The relay is closed')) : log(499);
  }
  const { limits, upstream: up } = options;
  const upstream = new WebSocket(sessionUrl(up.wsUrl, key), {
    headers: { [API_KEY_HEADER]: key },
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    skipUTF8Validation: true,
  });
  upstream.on('error', noop);
  let settled = false;
  let deadline: { unsubscribe(): void } | undefined;
  const fail = (reply: RelayReply): void => {
    if (settled) return;
    settled = true;
    deadline?.unsubscribe();
    upstream.terminate();
    untrack();
    release();
    refuse(reply);
  };
  const untrack = ctx.track({ shutdown: () => fail(applicationReply(503, 'The relay is closed')) });
  deadline = scheduler.schedule(() => fail(applicationReply(504, `AUI did not accept the session within ${up.timeouts.connectMs} ms`)), up.timeouts.connectMs);
  socket.once('close', () => fail(applicationReply(499, 'The browser went away')));
  upstream.once('unexpected-response', (request, res) => {
    readRefusal(res, key, (reply) => {
      request.destroy();
      fail(reply);
    });
  });
  upstream.once('close', () => fail(applicationReply(502, 'The relay could not reach AUI')));
  upstream.once('open', () => {
    if (settled) return;
    settled = true;
    deadline?.unsubscribe();
    untrack();
    let accepted = false;
    ctx.wss.handleUpgrade(req, socket, head, (browser) => {
      accepted = true;
      const stop = ctx.track({ shutdown: () => pipe.shutdown() });
      const gate = new MessageGate(owner, ctx.scope, { toUpstream: (t) => pipe.toUpstream(t), refuse: (f, c, r) => pipe.refuse(f, c, r), hold: () => pipe.hold(), release: () => pipe.release() });
      const pipe = new SessionPipe(browser, upstream, {
        key,
        maxBufferedBytes: limits.maxBufferedBytes,
        closeMs: up.timeouts.closeMs,
        scheduler,
        onBrowserFrame: (data, isBinary) => gate.push(data, isBinary),
        onEnd: (code) => {
          stop();
          release();
          log(101, code);
        },
      });
    });
    if (!accepted) {
      // ws refused the browser's upgrade request itself (bad headers) and answered it.
      upstream.terminate();
      release();
      release = noop;
      log(400);
    }
  });
}

/** Accepts the upgrade only to close it with 1008 (no user): what a browser can see of a refusal. */
function acceptAndClose(ctx: SessionContext, req: IncomingMessage, socket: Duplex, head: Buffer, log: (status: number, closeCode?: number) => void): void {
  const { closeMs } = ctx.options.upstream.timeouts;
  let accepted = false;
  ctx.wss.handleUpgrade(req, socket, head, (ws) => {
    accepted = true;
    ws.on('error', noop);
    const wait = closeSocket(ws, 1008, 'Not authenticated', closeMs, ctx.options.scheduler);
    ws.once('close', (code: number) => {
      wait?.unsubscribe();
      log(101, code);
    });
  });
  if (!accepted) log(400);
}

/**
 * `createAuiRelay`: the relay between a browser app and AUI. It serves AUI's own paths (REST and the
 * WebSocket session) under its `basePath`, adds the key upstream, scopes every call to the user
 * `authorize` names, and sends nothing of the key back. It keeps no state that needs one process
 * (the ownership cache only saves lookups): any number of relays can run behind a load balancer.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { AuiClient } from '../client.js';
import { NOT_FOUND, refuseUpgrade, sendReply } from './relay-replies.js';
import { resolveRelayOptions, type AuiRelayOptions } from './relay-options.js';
import { matchRoute, requestTarget, splitTarget } from './relay-routes.js';
import { RestUpstream } from './rest-forward.js';
import { handleRest, type RestContext } from './rest-handler.js';
import { TaskScope } from './scope.js';
import { handleSessionUpgrade, type LiveSession, type SessionContext } from './session-forward.js';
import { UserSessions } from './user-sessions.js';

/** A running relay: mount {@link AuiRelay.handler} and {@link AuiRelay.upgrade}, or {@link AuiRelay.attach} a server. */
export interface AuiRelay {
  /**
   * A `node:http` request listener that also works as Express/Connect middleware: it answers the
   * relay's REST paths and calls `next()` for every other path (without `next`: 404).
   */
  readonly handler: (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;
  /**
   * For the server's `'upgrade'` event: takes the session path and returns true; returns false (the
   * socket untouched) for any other path, so another listener can take it.
   */
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /**
   * Listens on `server` for both: its requests and upgrades. Paths that are not the relay's are left
   * to the server's other listeners, or answered 404 when the relay is the only one.
   */
  attach(server: Server): void;
  /**
   * Stops: new requests get 503, requests in flight are aborted, every session is closed (the
   * browser's socket with 1001) and dropped after `timeouts.closeMs` at most; detaches from the
   * servers given to `attach`. Resolves when every session has ended.
   */
  close(): Promise<void>;
}

/**
 * Creates a relay: the browser client talks to it (`new AuiClient({ baseUrl: '/aui' })`, no key),
 * it talks to AUI with the key. Throws `AuiValidationError` for bad options.
 *
 * @example
 * const relay = createAuiRelay({
 *   apiKey: process.env.AUI_NETWORK_API_KEY!,
 *   basePath: '/aui',
 *   authorize: (req) => sessionUser(req)?.id, // undefined → 401
 * });
 * const server = http.createServer();
 * relay.attach(server);
 * server.listen(3000);
 */
export function createAuiRelay(options: AuiRelayOptions): AuiRelay {
  const resolved = resolveRelayOptions(options);
  const client = new AuiClient(resolved.clientOptions);
  const scope = new TaskScope(client, resolved.scheduler, resolved.ownershipCache);
  const upstream = new RestUpstream({
    baseUrl: resolved.upstream.baseUrl,
    requestMs: resolved.upstream.timeouts.requestMs,
    maxResponseBytes: resolved.limits.maxResponseBytes,
    scheduler: resolved.scheduler,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: resolved.limits.maxMessageBytes, perMessageDeflate: false, clientTracking: false });
  const requests = new Set<AbortController>();
  const sessions = new Set<LiveSession>();
  const detach: Array<() => void> = [];
  let closed = false;
  let closing: Promise<void> | undefined;
  let ended: (() => void) | undefined;

  const restContext: RestContext = {
    options: resolved,
    scope,
    upstream,
    isClosed: () => closed,
    track: (controller) => {
      requests.add(controller);
      return () => requests.delete(controller);
    },
  };
  const sessionContext: SessionContext = {
    options: resolved,
    scope,
    sessions: new UserSessions(resolved.limits.maxSessionsPerUser),
    wss,
    isClosed: () => closed,
    track: (session) => {
      sessions.add(session);
      return () => {
        sessions.delete(session);
        if (sessions.size === 0) ended?.();
      };
    },
  };

  const handler: AuiRelay['handler'] = (req, res, next) => {
    const target = requestTarget(req as IncomingMessage & { originalUrl?: unknown });
    const { pathname, query } = splitTarget(target);
    const route = matchRoute(pathname, resolved.basePath);
    if (route === undefined) {
      if (next) next();
      else sendReply(res, NOT_FOUND);
      return;
    }
    void handleRest(restContext, req, res, route, target, query);
  };

  const upgrade: AuiRelay['upgrade'] = (req, socket, head) => {
    const target = requestTarget(req);
    const route = matchRoute(splitTarget(target).pathname, resolved.basePath);
    if (route === undefined) return false;
    if (route.kind !== 'session') refuseUpgrade(socket, NOT_FOUND);
    else void handleSessionUpgrade(sessionContext, req, socket, head, target);
    return true;
  };

  const attach = (server: Server): void => {
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      handler(req, res, server.listenerCount('request') > 1 ? () => undefined : undefined);
    };
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (!upgrade(req, socket, head) && server.listenerCount('upgrade') === 1) refuseUpgrade(socket, NOT_FOUND);
    };
    server.on('request', onRequest);
    server.on('upgrade', onUpgrade);
    detach.push(() => {
      server.off('request', onRequest);
      server.off('upgrade', onUpgrade);
    });
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      closed = true;
      for (const undo of detach.splice(0)) undo();
      for (const controller of [...requests]) controller.abort();
      const allEnded = sessions.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (ended = resolve));
      for (const session of [...sessions]) session.shutdown();
      await allEnded;
      client.close();
      upstream.close();
      wss.close();
      scope.clear();
    })();
    return closing;
  };

  return { handler, upgrade, attach, close };
}

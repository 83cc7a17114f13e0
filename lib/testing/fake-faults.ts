/**
 * The scripted faults FakeAuiServer can inject, one type per place: REST request, WebSocket
 * connection (handshake), WebSocket turn.
 *
 * @packageDocumentation
 */

/** A fault for the next matching REST request. */
export type RestFault =
  | {
      /** Answer with this status and body (a string body is sent as-is with `contentType`). */
      readonly type: 'status';
      readonly status: number;
      readonly body?: unknown;
      /** @default 'application/json' for objects, 'text/html' for strings */
      readonly contentType?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly type: 'delay'; readonly ms: number }
  /** Never answer (the socket stays open until the client gives up or the server stops). */
  | { readonly type: 'stall' }
  /** Destroy the TCP connection without a response. */
  | { readonly type: 'reset' }
  /** Answer 307 to `location` (e.g. another origin). */
  | { readonly type: 'redirect'; readonly location: string; readonly status?: number }
  /** Answer 200 with this raw text (e.g. invalid JSON). */
  | { readonly type: 'raw'; readonly status?: number; readonly text: string; readonly contentType?: string };

/** A REST fault with the request it applies to (method and path match; both optional). */
export interface ScriptedRestFault {
  readonly method?: string;
  /** A path suffix or RegExp, matched against the path after `/api/v1/external`. */
  readonly path?: string | RegExp;
  readonly fault: RestFault;
  /** How many matching requests get it. @default 1 */
  readonly times?: number;
}

/** A fault for the next WebSocket connection, applied at the handshake or right after accepting. */
export type ConnectFault =
  /** Refuse the upgrade with this HTTP status (401/403: an authentication failure). */
  | { readonly type: 'reject'; readonly status: number }
  /** Accept, then close at once with this code (1008 = invalid key, 1011 = server error). */
  | { readonly type: 'close'; readonly code: number; readonly reason?: string; readonly errorFrame?: unknown }
  /** Never complete the handshake (the client's connect timeout must fire). */
  | { readonly type: 'stall' }
  /** Destroy the TCP connection during the handshake. */
  | { readonly type: 'destroy' };

/** A fault for the next turn (the next user message on any connection). */
export type TurnFault =
  /** Send an error frame (the wire `{status_code, description, message, extra_data?}`), then close with `code` unless `code` is omitted. */
  | { readonly type: 'error-frame'; readonly frame: unknown; readonly code?: number; readonly reason?: string; readonly afterFrames?: number }
  /** Close with `code` after `afterFrames` text frames (0 = before any text). */
  | { readonly type: 'close'; readonly code: number; readonly reason?: string; readonly afterFrames?: number }
  /** Destroy the TCP connection after `afterFrames` text frames (the client sees 1006). */
  | { readonly type: 'destroy'; readonly afterFrames?: number }
  /** Stop sending after `afterFrames` text frames, keep the socket open. */
  | { readonly type: 'stall'; readonly afterFrames?: number }
  /** Send this raw text as a frame after `afterFrames` text frames, then go on normally. */
  | { readonly type: 'raw'; readonly text: string; readonly afterFrames?: number }
  /** Send a frame of no known kind after `afterFrames` text frames, then go on normally. */
  | { readonly type: 'unknown-frame'; readonly afterFrames?: number; readonly frame?: unknown }
  /** Send one text frame of `bytes` characters (to trip the client's max payload). */
  | { readonly type: 'oversize'; readonly bytes: number }
  /** Answer with this reply text instead of the canned agent's (word-split into frames). */
  | { readonly type: 'reply'; readonly text: string; readonly frames?: number };

/**
 * The scripted faults FakeAuiServer can inject, one type per place: REST request, WebSocket
 * connection (handshake), WebSocket turn.
 *
 * @packageDocumentation
 */

/** A fault for the next matching REST request. */
export type RestFault =
  /** Answer with this status and body (a string body is sent as-is with `contentType`). */
  | {
      /** Selects this fault: answer with a scripted status and body. */
      readonly type: 'status';
      /** HTTP status of the answer, e.g. 401, 429 or 500. */
      readonly status: number;
      /** Response body: objects are sent as JSON, strings as-is; no body when omitted. */
      readonly body?: unknown;
      /** @default 'application/json' for objects, 'text/html' for strings */
      readonly contentType?: string;
      /** Extra response headers, e.g. `{ 'retry-after': '2' }`. */
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Wait `ms` milliseconds, then handle the request normally. */
  | {
      /** Selects this fault: answer late. */
      readonly type: 'delay';
      /** Milliseconds to wait before handling the request. */
      readonly ms: number;
    }
  /** Never answer (the socket stays open until the client gives up or the server stops). */
  | {
      /** Selects this fault: never answer. */
      readonly type: 'stall';
    }
  /** Destroy the TCP connection without a response. */
  | {
      /** Selects this fault: drop the connection. */
      readonly type: 'reset';
    }
  /** Answer with a redirect to `location` (e.g. another origin). */
  | {
      /** Selects this fault: answer with a redirect. */
      readonly type: 'redirect';
      /** Value of the `Location` header: where the redirect points. */
      readonly location: string;
      /** HTTP status of the redirect. @default 307 */
      readonly status?: number;
    }
  /** Answer with this raw text (e.g. invalid JSON). */
  | {
      /** Selects this fault: answer with raw text. */
      readonly type: 'raw';
      /** HTTP status of the answer. @default 200 */
      readonly status?: number;
      /** The response body, sent exactly as given. */
      readonly text: string;
      /** Value of the `Content-Type` header. @default 'application/json' */
      readonly contentType?: string;
    };

/** A REST fault with the request it applies to (method and path match; both optional). */
export interface ScriptedRestFault {
  /** HTTP method to match, case-insensitive (e.g. `POST`); any method when omitted. */
  readonly method?: string;
  /** A path suffix or RegExp, matched against the path after `/api/v1/external`. */
  readonly path?: string | RegExp;
  /** What the matching request gets instead of a normal answer. */
  readonly fault: RestFault;
  /** How many matching requests get it. @default 1 */
  readonly times?: number;
}

/** A fault for the next WebSocket connection, applied at the handshake or right after accepting. */
export type ConnectFault =
  /** Refuse the upgrade with this HTTP status (401/403: an authentication failure). */
  | {
      /** Selects this fault: refuse the handshake. */
      readonly type: 'reject';
      /** HTTP status of the refused upgrade, e.g. 401 or 403. */
      readonly status: number;
    }
  /** Accept, then close at once with this code (1008 = invalid key, 1011 = server error). */
  | {
      /** Selects this fault: accept, then close at once. */
      readonly type: 'close';
      /** WebSocket close code, e.g. 1008 or 1011. */
      readonly code: number;
      /** Close reason text. @default '' */
      readonly reason?: string;
      /** An error frame (sent as JSON) before the close, e.g. `{ status_code: 500, description, message }`; none when omitted. */
      readonly errorFrame?: unknown;
    }
  /** Never complete the handshake (the client's connect timeout must fire). */
  | {
      /** Selects this fault: never complete the handshake. */
      readonly type: 'stall';
    }
  /** Destroy the TCP connection during the handshake. */
  | {
      /** Selects this fault: drop the connection during the handshake. */
      readonly type: 'destroy';
    };

/** A fault for the next turn (the next user message on any connection). */
export type TurnFault =
  /** Send an error frame (the wire `{status_code, description, message, extra_data?}`), then close with `code` unless `code` is omitted. */
  | {
      /** Selects this fault: send an error frame. */
      readonly type: 'error-frame';
      /** The error frame: strings are sent as-is, anything else as JSON. */
      readonly frame: unknown;
      /** Close code after the frame (e.g. 1008 or 1011); the socket stays open when omitted. */
      readonly code?: number;
      /** Close reason text. @default '' */
      readonly reason?: string;
      /** Text frames sent before the fault (clamped to the reply length). @default 0 */
      readonly afterFrames?: number;
    }
  /** Close with `code` after `afterFrames` text frames (0 = before any text). */
  | {
      /** Selects this fault: close the socket mid-turn. */
      readonly type: 'close';
      /** WebSocket close code, e.g. 1008 or 1011. */
      readonly code: number;
      /** Close reason text. @default '' */
      readonly reason?: string;
      /** Text frames sent before the close (clamped to the reply length). @default 0 */
      readonly afterFrames?: number;
    }
  /** Destroy the TCP connection after `afterFrames` text frames (the client sees 1006). */
  | {
      /** Selects this fault: drop the connection mid-turn. */
      readonly type: 'destroy';
      /** Text frames sent before the connection drops (clamped to the reply length). @default 0 */
      readonly afterFrames?: number;
    }
  /** Stop sending after `afterFrames` text frames, keep the socket open. */
  | {
      /** Selects this fault: go silent mid-turn. */
      readonly type: 'stall';
      /** Text frames sent before going silent (clamped to the reply length). @default 0 */
      readonly afterFrames?: number;
    }
  /** Send this raw text as a frame after `afterFrames` text frames, then go on normally. */
  | {
      /** Selects this fault: insert a raw frame. */
      readonly type: 'raw';
      /** The frame text, sent exactly as given (e.g. invalid JSON). */
      readonly text: string;
      /** Text frames sent before the raw frame (clamped to the reply length). @default 0 */
      readonly afterFrames?: number;
    }
  /** Send a frame of no known kind after `afterFrames` text frames, then go on normally. */
  | {
      /** Selects this fault: insert a frame of no known kind. */
      readonly type: 'unknown-frame';
      /** Text frames sent before the unknown frame (clamped to the reply length). @default 0 */
      readonly afterFrames?: number;
      /** The frame, sent as JSON. @default DEFAULT_UNKNOWN_FRAME */
      readonly frame?: unknown;
    }
  /** Send one text frame of `bytes` characters (to trip the client's max payload). */
  | {
      /** Selects this fault: send one oversized text frame first. */
      readonly type: 'oversize';
      /** Length, in characters, of the text in the oversized frame. */
      readonly bytes: number;
    }
  /** Answer with this reply text instead of the canned agent's (word-split into frames). */
  | {
      /** Selects this fault: script the agent's reply. */
      readonly type: 'reply';
      /** The reply text, streamed and then sent as the final message. */
      readonly text: string;
      /** Number of text frames to split the reply into. @default one frame per word */
      readonly frames?: number;
    };

/**
 * A hostile WebSocket peer for spec/reliability/hostile-websocket*.spec.ts: one `node:http` server on
 * 127.0.0.1 (port 0) whose upgrades are routed per connection either to a real `ws` WebSocketServer
 * (a well-behaved peer that answers the close handshake) or to a hand-written handshake over the raw
 * TCP socket (a half-open peer: it can send text frames, but never answers a close frame or a ping).
 * Every connection is recorded as a {@link Peer}: the text frames it received, the close frames the
 * client sent, and whether the client dropped the TCP connection.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { finalFrame as marbleFinalFrame } from './ws-marbles.js';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Largest client frame the raw peer decodes (bounds its buffer). */
const RAW_MAX_BUFFER = 16 * 1024 * 1024;

/** One connection the server accepted. */
export interface Peer {
  /** 0 for the first connection, 1 for the second, … */
  readonly index: number;
  /** `'ws'`: a real `ws` server socket; `'raw'`: the half-open hand-written peer. */
  readonly kind: 'raw' | 'ws';
  /** Text frames received from the client, in order. */
  readonly received: string[];
  /** Close codes of the close frames the client sent (`ws` peers: the code `ws` reports, 1005/1006 included). */
  readonly closeCodes: number[];
  /** True once the client ended or destroyed the TCP connection (or it broke). */
  readonly dropped: boolean;
  /** Sends one text frame (ignored once the connection is gone). */
  send(text: string): void;
  /** Sends one text frame and calls `done` once it is written (never, if the connection is gone). */
  sendThen(text: string, done: () => void): void;
}

/** How the server treats one connection. */
export interface Route {
  readonly kind: 'raw' | 'ws';
  /** Called for each text frame from the client; absent: the frame is only recorded. */
  readonly onText?: (peer: Peer, text: string) => void;
}

/** `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

/** An unmasked server→client text frame (FIN, opcode 1). */
export function encodeServerText(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const n = payload.length;
  let header: Buffer;
  if (n < 126) {
    header = Buffer.from([0x81, n]);
  } else if (n < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(n, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([header, payload]);
}

/** One decoded client frame. */
interface ClientFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/** Decodes every complete (masked) client frame at the start of `buffer`; returns them and the rest. */
export function decodeClientFrames(buffer: Buffer): { frames: ClientFrame[]; rest: Buffer } {
  const frames: ClientFrame[] = [];
  let offset = 0;
  // Bounded: every pass consumes at least 2 bytes or stops.
  while (buffer.length - offset >= 2) {
    const b0 = buffer[offset] as number;
    const b1 = buffer[offset + 1] as number;
    let length = b1 & 0x7f;
    let at = offset + 2;
    if (length === 126) {
      if (buffer.length < at + 2) break;
      length = buffer.readUInt16BE(at);
      at += 2;
    } else if (length === 127) {
      if (buffer.length < at + 8) break;
      length = Number(buffer.readBigUInt64BE(at));
      at += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const mask = masked ? buffer.subarray(at, at + 4) : undefined;
    if (masked) at += 4;
    if (buffer.length < at + length) break;
    const payload = Buffer.from(buffer.subarray(at, at + length));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i & 3] as number);
    frames.push({ opcode: b0 & 0x0f, payload });
    offset = at + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** Mutable side of a {@link Peer}, kept inside this file. */
interface PeerState extends Peer {
  received: string[];
  closeCodes: number[];
  dropped: boolean;
  socket: Duplex;
  ws?: WebSocket;
}

/**
 * The server. `route(index)` decides how connection `index` behaves.
 *
 * @example
 * const server = await HostileWsServer.start(() => ({ kind: 'raw' })); // every connection half-open
 * const client = new AuiClient({ apiKey: 'k', baseUrl: server.baseUrl });
 * …
 * client.close(); await server.stop();
 */
export class HostileWsServer {
  /** Every connection so far, in order. */
  readonly peers: Peer[] = [];
  readonly #peers: PeerState[] = [];
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #route: (index: number) => Route;
  #port = 0;

  private constructor(route: (index: number) => Route) {
    this.#route = route;
    this.#http = createServer((_req, res) => res.writeHead(404).end());
    this.#http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(req, socket, head));
  }

  /** Starts a server on a free loopback port. */
  static async start(route: (index: number) => Route): Promise<HostileWsServer> {
    const server = new HostileWsServer(route);
    await new Promise<void>((resolve) => server.#http.listen(0, '127.0.0.1', resolve));
    const address = server.#http.address();
    server.#port = typeof address === 'object' && address ? address.port : 0;
    return server;
  }

  /** The client's `baseUrl` (its derived `wsUrl` lands on this server). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}/api/ia-controller`;
  }

  /** Text frames received on every connection, in arrival order per connection. */
  allReceived(): string[] {
    return this.#peers.flatMap((p) => p.received);
  }

  /** Destroys every connection and closes the server. */
  async stop(): Promise<void> {
    for (const peer of this.#peers) {
      peer.ws?.terminate();
      peer.socket.destroy();
    }
    this.#wss.close();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const index = this.#peers.length;
    const route = this.#route(index);
    const peer: PeerState = {
      index,
      kind: route.kind,
      received: [],
      closeCodes: [],
      dropped: false,
      socket,
      send: (text) => peer.sendThen(text, () => undefined),
      sendThen: (text, done) => {
        if (peer.dropped || socket.destroyed) return;
        if (peer.ws) peer.ws.send(text, (error) => (error ? undefined : done()));
        else socket.write(encodeServerText(text), (error) => (error ? undefined : done()));
      },
    };
    this.#peers.push(peer);
    this.peers.push(peer);
    socket.on('error', () => undefined);
    socket.on('close', () => (peer.dropped = true));
    if (route.kind === 'ws') {
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        peer.ws = ws;
        ws.on('error', () => undefined);
        ws.on('close', (code: number) => void peer.closeCodes.push(code));
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          if (isBinary) return;
          const text = data.toString();
          peer.received.push(text);
          route.onText?.(peer, text);
        });
      });
      return;
    }
    // The half-open peer: complete the handshake by hand, then never answer a close or a ping.
    const key = String(req.headers['sec-websocket-key'] ?? '');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' + `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
    );
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (buffered.length > RAW_MAX_BUFFER) return void socket.destroy();
      const { frames, rest } = decodeClientFrames(buffered);
      buffered = rest;
      for (const frame of frames) {
        if (frame.opcode === 0x1) {
          const text = frame.payload.toString('utf8');
          peer.received.push(text);
          route.onText?.(peer, text);
        } else if (frame.opcode === 0x8) {
          peer.closeCodes.push(frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005);
        }
      }
    };
    socket.on('data', onData);
    // The client ended its side (or reset): the peer lets the TCP connection go, and counts it dropped.
    socket.on('end', () => {
      peer.dropped = true;
      socket.destroy();
    });
    if (head.length > 0) onData(head);
  }
}

/** The `task_id` of a client frame `{task_id, text}` (undefined if it is not one). */
export function taskOf(text: string): string | undefined {
  try {
    const frame = JSON.parse(text) as { task_id?: unknown };
    return typeof frame.task_id === 'string' ? frame.task_id : undefined;
  } catch {
    return undefined;
  }
}

/** An A2 text update frame. */
export function textA2(text: string): string {
  return JSON.stringify({ event: 'thread-message-text-content-updated', data: { text } });
}

/** An A1 text update frame naming `taskId` in `scope.context.task_id`. */
export function textA1(taskId: string, text: string): string {
  return JSON.stringify({
    channel: { type: 'WEBSOCKET', channel_name: 'c', event_name: 'thread-message-text-content-updated' },
    scope: { context: { task_id: taskId } },
    data: { text },
  });
}

/** A final frame (an AgentMessage) with `text`. */
export function finalFrame(text: string, id = `msg-${text.length}-${text.slice(0, 16)}`): string {
  return JSON.stringify(marbleFinalFrame(text, id));
}

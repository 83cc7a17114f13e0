/**
 * FakeAuiServer: a real `node:http` + `ws` server on 127.0.0.1 (port 0) that implements the
 * Messaging API wire reference, with scripted faults. Tests, the demo and `aui-rx serve` run on it.
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConnectFault, ScriptedRestFault, TurnFault } from './fake-faults.js';
import type { ReplyShape } from './fake-agent.js';
import { FakeStore } from './fake-store.js';
import { handleRestRequest } from './fake-rest-routes.js';
import { handleSession } from './fake-session.js';

/** The key FakeAuiServer accepts unless told otherwise. */
export const FAKE_API_KEY = 'API_KEY_01FAKE0000000000000000000000';

/** Which streaming frame shape the fake server sends (wire reference §4.3 A). */
export type FrameShape = 'A1' | 'A2' | 'envelope';

/** How the fake server's text frames carry text: the whole text so far, or only the new part. */
export type TextMode = 'cumulative' | 'delta';

/** Behaviour of a FakeAuiServer; every field can be changed later with `configure`. */
export interface FakeAuiServerSettings {
  /**
   * Keys the server accepts.
   * @default [FAKE_API_KEY]
   */
  apiKeys: readonly string[];
  /**
   * Streaming frame shape.
   * @default 'A2'
   */
  frames: FrameShape;
  /**
   * Cumulative or delta text frames.
   * @default 'cumulative'
   */
  textMode: TextMode;
  /**
   * Agent reply shape.
   * @default 'cards'
   */
  replyShape: ReplyShape;
  /**
   * How a bad key on the WebSocket fails: accept then close 1008, or refuse the handshake.
   * @default 'close-1008'
   */
  wsAuthFailure: 'close-1008' | 'reject-401' | 'reject-403';
  /**
   * Milliseconds between text frames (0 = as fast as possible).
   * @default 0
   */
  frameDelayMs: number;
  /**
   * Number of text frames per reply (the reply is split on words); 0 = one frame per word.
   * @default 0
   */
  framesPerReply: number;
  /**
   * Path prefix of the API (the real hosts use `/api/ia-controller`).
   * @default '/api/ia-controller'
   */
  basePath: string;
}

/** Counters a test can assert on. */
export interface FakeAuiServerStats {
  /** WebSocket upgrade requests received (accepted or not). */
  connections: number;
  /** WebSocket connections currently open. */
  openConnections: number;
  /** Most WebSocket connections open at once (since start or the last `reset`). */
  maxOpenConnections: number;
  /** User messages received over WebSocket. */
  turns: number;
  /** REST requests received. */
  restRequests: number;
  /** REST requests whose client went away before the response was sent. */
  abortedRequests: number;
}

/** One REST request as the server saw it. */
export interface RecordedRequest {
  /** HTTP method, e.g. `GET` or `POST`. */
  readonly method: string;
  /** The path after the base path, e.g. `/api/v1/external/tasks`. */
  readonly path: string;
  /** Query parameters of the request URL, e.g. `user_id`, `page`, `size`. */
  readonly query: URLSearchParams;
  /**
   * Request headers as Node parsed them (lower-case names), e.g. `x-network-api-key`. Typed without
   * Node's types, so the declarations of this kit type-check without `@types/node`.
   */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The request body: parsed JSON, the raw text when it is not JSON, or undefined when empty. */
  readonly body: unknown;
}

/** @internal What the REST and session handlers share with the server core. */
export interface FakeServerContext {
  readonly settings: FakeAuiServerSettings;
  readonly store: FakeStore;
  readonly stats: FakeAuiServerStats;
  readonly requests: RecordedRequest[];
  isValidKey(key: string | undefined): boolean;
  takeRestFault(method: string, path: string): ScriptedRestFault['fault'] | undefined;
  takeTurnFault(): TurnFault | undefined;
  /** Schedules work that `stop()` cancels (every timer of the fake server goes through here). */
  later(ms: number, fn: () => void): void;
  now(): string;
}

const DEFAULTS: FakeAuiServerSettings = {
  apiKeys: [FAKE_API_KEY],
  frames: 'A2',
  textMode: 'cumulative',
  replyShape: 'cards',
  wsAuthFailure: 'close-1008',
  frameDelayMs: 0,
  framesPerReply: 0,
  basePath: '/api/ia-controller',
};

/**
 * A real fake of the AUI Messaging API on loopback.
 *
 * @example
 * const server = await FakeAuiServer.start();
 * const client = new AuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
 * // …
 * await server.stop();
 */
export class FakeAuiServer {
  /** Current behaviour. */
  readonly settings: FakeAuiServerSettings;
  /** Tasks and messages. */
  readonly store = new FakeStore();
  /** Counters. */
  readonly stats: FakeAuiServerStats = { connections: 0, openConnections: 0, maxOpenConnections: 0, turns: 0, restRequests: 0, abortedRequests: 0 };
  /** Every REST request received, oldest first. */
  readonly requests: RecordedRequest[] = [];
  private readonly restFaults: Array<{ fault: ScriptedRestFault; left: number }> = [];
  private readonly connectFaults: ConnectFault[] = [];
  private readonly turnFaults: TurnFault[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly rawSockets = new Set<Duplex>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  private server: Server | undefined;
  private listenPort = 0;

  constructor(settings: Partial<FakeAuiServerSettings> = {}) {
    this.settings = { ...DEFAULTS, ...settings };
  }

  /** Creates and starts a server. */
  static async start(settings: Partial<FakeAuiServerSettings> & { port?: number } = {}): Promise<FakeAuiServer> {
    const { port, ...rest } = settings;
    return new FakeAuiServer(rest).start(port);
  }

  /** Starts listening on 127.0.0.1 (`port` 0 picks a free one). */
  async start(port = 0): Promise<this> {
    if (this.server) return this;
    const server = createServer((req, res) => void this.onRequest(req, res));
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    server.on('connection', (socket) => {
      this.rawSockets.add(socket);
      socket.once('close', () => this.rawSockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.listenPort = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
    return this;
  }

  /** Stops: cancels timers, closes every WebSocket and TCP connection, stops listening. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const client of this.wss.clients) client.terminate();
    for (const socket of this.rawSockets) socket.destroy();
    this.rawSockets.clear();
    this.wss.close();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The port listened on. */
  get port(): number {
    return this.listenPort;
  }

  /** The REST base URL to give `AuiClient` (`http://127.0.0.1:PORT/api/ia-controller`). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.listenPort}${this.settings.basePath}`;
  }

  /** The WebSocket session URL (without the key). */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.listenPort}${this.settings.basePath}/api/v1/external/session`;
  }

  /** The first accepted key. */
  get apiKey(): string {
    return this.settings.apiKeys[0] ?? FAKE_API_KEY;
  }

  /** Changes behaviour for the following requests and turns. */
  configure(settings: Partial<FakeAuiServerSettings>): this {
    Object.assign(this.settings, settings);
    return this;
  }

  /** The next matching REST request(s) get this fault. */
  failNextRequest(fault: ScriptedRestFault): this {
    this.restFaults.push({ fault, left: fault.times ?? 1 });
    return this;
  }

  /** The next WebSocket connection gets this fault (queued: one fault per connection). */
  failNextConnection(...faults: ConnectFault[]): this {
    this.connectFaults.push(...faults);
    return this;
  }

  /** The next turn(s) get these faults, one per turn, in order. */
  failNextTurn(...faults: TurnFault[]): this {
    this.turnFaults.push(...faults);
    return this;
  }

  /** Clears counters, logs, pending faults and the store. */
  reset(): void {
    Object.assign(this.stats, { connections: 0, maxOpenConnections: this.stats.openConnections, turns: 0, restRequests: 0, abortedRequests: 0 });
    this.requests.length = 0;
    this.restFaults.length = 0;
    this.connectFaults.length = 0;
    this.turnFaults.length = 0;
    this.store.clear();
  }

  private get context(): FakeServerContext {
    return {
      settings: this.settings,
      store: this.store,
      stats: this.stats,
      requests: this.requests,
      isValidKey: (key) => key !== undefined && this.settings.apiKeys.includes(key),
      takeRestFault: (method, path) => this.takeRestFault(method, path),
      takeTurnFault: () => this.turnFaults.shift(),
      later: (ms, fn) => this.later(ms, fn),
      now: () => new Date().toISOString(),
    };
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private takeRestFault(method: string, path: string): ScriptedRestFault['fault'] | undefined {
    const index = this.restFaults.findIndex(({ fault }) => {
      if (fault.method && fault.method.toUpperCase() !== method) return false;
      if (fault.path === undefined) return true;
      return typeof fault.path === 'string' ? path.endsWith(fault.path) : fault.path.test(path);
    });
    const entry = this.restFaults[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.restFaults.splice(index, 1);
    return entry.fault.fault;
  }

  private stripBase(pathname: string): string | undefined {
    const base = this.settings.basePath.replace(/\/+$/, '');
    if (!pathname.startsWith(base)) return undefined;
    return pathname.slice(base.length) || '/';
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = this.stripBase(url.pathname);
    if (path === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'Not Found' }));
      return;
    }
    await handleRestRequest(this.context, req, res, path, url.searchParams);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.stats.connections += 1;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = this.stripBase(url.pathname);
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n` +
        JSON.stringify({ detail: text }));
    };
    if (path !== '/api/v1/external/session') return reject(404, 'Not Found');
    const fault = this.connectFaults.shift();
    if (fault?.type === 'reject') return reject(fault.status, fault.status === 403 ? 'Forbidden' : 'Not authenticated');
    if (fault?.type === 'stall') return;
    if (fault?.type === 'destroy') return void socket.destroy();
    const headerKey = req.headers['x-network-api-key'];
    const key = url.searchParams.get('network_api_key') ?? (typeof headerKey === 'string' ? headerKey : undefined);
    const keyOk = this.context.isValidKey(key);
    if (!keyOk && this.settings.wsAuthFailure !== 'close-1008') {
      return reject(this.settings.wsAuthFailure === 'reject-403' ? 403 : 401, 'Not authenticated');
    }
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      this.stats.openConnections += 1;
      this.stats.maxOpenConnections = Math.max(this.stats.maxOpenConnections, this.stats.openConnections);
      ws.once('close', () => (this.stats.openConnections -= 1));
      if (fault?.type === 'close') {
        if (fault.errorFrame !== undefined) ws.send(JSON.stringify(fault.errorFrame));
        ws.close(fault.code, fault.reason ?? '');
        return;
      }
      if (!keyOk) {
        ws.close(1008, 'Invalid API key');
        return;
      }
      handleSession(this.context, ws, key);
    });
  }
}

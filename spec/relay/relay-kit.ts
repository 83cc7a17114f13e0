/**
 * Test kit of the relay specs: FakeAuiServer upstream, the relay on a node:http server on 127.0.0.1
 * (port 0), a byte tap in front of it (a TCP proxy that records every byte the relay sent to the
 * "browser" side), and real AuiClients per user (the user travels in the `x-user` header, as with
 * `aui-rx relay --user-header x-user`).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import WebSocket from 'ws';
import { AuiClient } from '../../lib/client.js';
import type { AuiClientOptions, WebSocketConstructorLike } from '../../lib/options.js';
import { createAuiRelay, type AuiRelay } from '../../lib/relay/index.js';
import type { AuiRelayLogEntry, AuiRelayOptions } from '../../lib/relay/index.js';
import { FakeAuiServer, type FakeAuiServerSettings } from '../../lib/testing/fake-aui-server.js';

/** The key the fake upstream accepts and the relay holds: it must never reach the browser side. */
export const RELAY_KEY = 'API_KEY_01RELAYSECRET00000000000000';
/** A key a browser might (wrongly) hold: the relay must never forward it. */
export const BROWSER_KEY = 'API_KEY_01BROWSERDUMMY0000000000000';

/** The user of a request: the `x-user` header. */
export const headerUser = (req: IncomingMessage): string | undefined => {
  const user = req.headers['x-user'];
  return typeof user === 'string' && user !== '' ? user : undefined;
};

/** Closes a node:http server and every connection on it. */
export function closeServer(server: Server | TcpServer, sockets?: Set<Socket>): Promise<void> {
  for (const s of sockets ?? []) s.destroy();
  (server as Server).closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A TCP proxy that records every byte its upstream (the relay) sends back to clients. */
export class ByteTap {
  readonly received: Buffer[] = [];
  private readonly sockets = new Set<Socket>();
  private server: TcpServer | undefined;
  port = 0;

  async start(targetPort: number): Promise<this> {
    this.server = createTcpServer((client) => {
      const relay = connect(targetPort, '127.0.0.1');
      this.sockets.add(client).add(relay);
      client.on('close', () => this.sockets.delete(client));
      relay.on('close', () => this.sockets.delete(relay));
      relay.on('data', (chunk: Buffer) => this.received.push(chunk));
      client.pipe(relay).pipe(client);
      client.on('error', () => relay.destroy());
      relay.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  /** Everything received so far, as Latin-1 text (bytes one to one). */
  get text(): string {
    return Buffer.concat(this.received).toString('latin1');
  }

  async stop(): Promise<void> {
    if (this.server) await closeServer(this.server, this.sockets);
  }
}

/** A WebSocket constructor that adds `x-user` to every upgrade (what a browser's cookie would do). */
export function wsAs(user: string | undefined): WebSocketConstructorLike {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) {
      super(url, protocols, { ...options, headers: { ...options?.headers, ...(user ? { 'x-user': user } : {}) } });
    }
  } as unknown as WebSocketConstructorLike;
}

/** A fetch that adds `x-user` to every request. */
export function fetchAs(user: string | undefined): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (user) headers.set('x-user', user);
    return fetch(input, { ...init, headers });
  };
}

/** FakeAuiServer, the relay on its own server, and the byte tap, started and stopped together. */
export class RelayHarness {
  upstream!: FakeAuiServer;
  relay!: AuiRelay;
  server!: Server;
  tap = new ByteTap();
  readonly logs: AuiRelayLogEntry[] = [];
  private readonly clients: AuiClient[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly relayOptions: Partial<AuiRelayOptions> = {},
    private readonly upstreamSettings: Partial<FakeAuiServerSettings> = {},
  ) {}

  async start(): Promise<this> {
    this.upstream = await FakeAuiServer.start({ apiKeys: [RELAY_KEY], ...this.upstreamSettings });
    this.relay = createAuiRelay({
      apiKey: RELAY_KEY,
      baseUrl: this.upstream.baseUrl,
      authorize: headerUser,
      onLog: (entry) => this.logs.push(entry),
      ...this.relayOptions,
    });
    this.server = createServer();
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.relay.attach(this.server);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    await this.tap.start(this.port);
    return this;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** The relay's URL through the tap (what the "browser" uses), with the relay's base path. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.tap.port}${this.relayOptions.basePath ?? ''}`;
  }

  /** A real client for `user` pointed at the relay, with no key unless `extra` gives one. */
  client(user: string | undefined, extra: Partial<AuiClientOptions> = {}): AuiClient {
    const client = new AuiClient({ baseUrl: this.baseUrl, fetch: fetchAs(user), WebSocket: wsAs(user), idleLingerMs: 0, ...extra } as AuiClientOptions);
    this.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.close();
    await this.relay?.close();
    await this.tap.stop();
    if (this.server) await closeServer(this.server, this.sockets);
    await this.upstream?.stop();
  }
}

/** Every form of `key` a leak could take, for assertions on captured bytes. */
export function keyForms(key: string): string[] {
  return [key, encodeURIComponent(key), key.toLowerCase()];
}

/** Both ends of one WebSocket on loopback (server side and client side), and how to stop the server. */
export interface WsPair {
  readonly server: WebSocket;
  readonly client: WebSocket;
  stop(): Promise<void>;
}

/** Opens a WebSocket pair on 127.0.0.1 (port 0). */
export async function wsPair(): Promise<WsPair> {
  const wss = new WebSocket.Server({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as { port: number }).port;
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', (ws) => resolve(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  client.on('error', () => undefined);
  await new Promise((resolve) => client.once('open', resolve));
  const server = await accepted;
  server.on('error', () => undefined);
  return {
    server,
    client,
    stop: async () => {
      for (const ws of wss.clients) ws.terminate();
      client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Resolves with the close code and reason `ws` reports. */
export function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

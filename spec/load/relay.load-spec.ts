/**
 * Relay load (issue 15 item 6), run with `npm run test:load` (not part of `npm test`): 500 turns at
 * once through aui-rx/relay, 125 users × 4 sessions (the default per-user limit, at capacity), each
 * turn 60 text frames and a final of mixed scripts. The upstream is a small recording server of its
 * own (REST `GET /tasks/{id}` for the ownership lookups, the WebSocket session), so what it sent is
 * known byte for byte: every frame each browser received must equal, byte for byte and in order,
 * what upstream sent for its turn. Prints turns/s (a figure, never an assertion).
 */
import { createServer, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';
import { createAuiRelay } from '../../lib/relay/index.js';
import { closeServer, headerUser, RELAY_KEY } from '../relay/relay-kit.js';

const USERS = 125;
const PER_USER = 4;
const TURNS = USERS * PER_USER;
const FRAMES = 60;
const WORDS = ['microwave', 'Größe', 'naïve', '東京', 'Привет', '🙂', '👩‍👩‍👧', '"quoted"', 'tab\tsep', 'line\\break'];

/** The frames upstream sends for one turn (delta text frames, then a final). */
function framesFor(taskId: string, text: string): string[] {
  const out: string[] = [];
  let sofar = '';
  for (let i = 0; i < FRAMES; i++) {
    const word = `${WORDS[(i + taskId.length) % WORDS.length]} `;
    sofar += word;
    out.push(JSON.stringify({ event: 'thread-message-text-content-updated', data: { text: word } }));
  }
  const owner = taskId.split(':')[0];
  out.push(JSON.stringify({ id: `m-${taskId}`, created_at: '2026-01-01T00:00:00Z', text: `${text}: ${sofar}`, sender: { id: 'agent', type: 'agent' }, receiver: { id: owner, type: 'user' }, cards: [] }));
  return out;
}

describe('relay load: 500 concurrent turns, every reply byte-identical', () => {
  let upstream: Server;
  let relayServer: Server;
  const sentByTask = new Map<string, Buffer[]>();

  afterAll(async () => {
    await closeServer(relayServer);
    await closeServer(upstream);
  });

  it('relays 500 turns at once', async () => {
    const wss = new WebSocketServer({ noServer: true });
    upstream = createServer((req, res) => {
      const id = decodeURIComponent(/\/tasks\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '');
      if (req.headers['x-network-api-key'] !== RELAY_KEY || !id) return void res.writeHead(401).end('{"detail":"Not authenticated"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, user_id: id.split(':')[0], title: 'x' }));
    });
    upstream.on('upgrade', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data) => {
          const { task_id, text } = JSON.parse(String(data)) as { task_id: string; text: string };
          const frames = framesFor(task_id, text).map((f) => Buffer.from(f));
          sentByTask.set(task_id, frames);
          for (const f of frames) ws.send(f, { binary: false });
        });
      }),
    );
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as { port: number }).port;
    const relay = createAuiRelay({ apiKey: RELAY_KEY, baseUrl: `http://127.0.0.1:${upstreamPort}`, authorize: headerUser });
    relayServer = createServer();
    relay.attach(relayServer);
    await new Promise<void>((resolve) => relayServer.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(relayServer.address() as { port: number }).port}/api/v1/external/session`;

    const turn = (i: number): Promise<{ taskId: string; received: Buffer[] }> => {
      const user = `user${i % USERS}`;
      const taskId = `${user}:t${i}`;
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(url, { headers: { 'x-user': user }, perMessageDeflate: false });
        const received: Buffer[] = [];
        ws.on('error', reject);
        ws.on('open', () => ws.send(JSON.stringify({ task_id: taskId, text: `question ${i}` })));
        ws.on('message', (data: Buffer) => {
          received.push(data);
          if (received.length === FRAMES + 1) ws.close(1000);
        });
        ws.on('close', (code) => (received.length === FRAMES + 1 ? resolve({ taskId, received }) : reject(new Error(`turn ${i} closed ${code} after ${received.length} frames`))));
      });
    };

    const started = performance.now();
    const results = await Promise.all(Array.from({ length: TURNS }, (_, i) => turn(i)));
    const seconds = (performance.now() - started) / 1000;
    let identical = 0;
    for (const { taskId, received } of results) {
      const sent = sentByTask.get(taskId);
      if (sent && sent.length === received.length && sent.every((b, k) => b.equals(received[k] as Buffer))) identical += 1;
    }
    process.stdout.write(`relay load: ${TURNS} concurrent turns (${USERS} users × ${PER_USER}), ${TURNS * (FRAMES + 1)} frames in ${seconds.toFixed(2)} s (${(TURNS / seconds).toFixed(0)} turns/s)\n`);
    expect(identical).toBe(TURNS);
    await relay.close();
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
});

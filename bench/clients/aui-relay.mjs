// Scenario aui-relay, client half: this process hosts the relay under test between the bench server
// (upstream: it streams a bulk turn's frames) and a browser-side child process (it opens sessions and
// counts frames). 'raw' is a bare ws-to-ws pipe (upgrade, connect upstream, forward each frame both
// ways: the floor); 'aui' is createAuiRelay from the built package (authorize from a header, ownership
// from a tiny REST stub here, key redaction, back-pressure). Measured in this process only:
//   CPU (user + system) per forwarded frame over one bulk turn of `frames` frames (after a warm-up);
//   heap per open relayed session: heapUsed after full GC with `sessions` idle sessions open, minus before.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DIST_ESM } from '../lib/impls.mjs';
import { check, gcFull } from './common.mjs';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');
const KEY = 'API_KEY_01BENCHRELAY';
const SESSION = '/api/v1/external/session';

/** The bare pipe: each browser socket gets one upstream socket; frames pass as they are. */
function barePipe(upstreamUrl) {
  const wss = new WebSocket.Server({ noServer: true, perMessageDeflate: false });
  const server = createServer((_, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    const up = new WebSocket(upstreamUrl, { perMessageDeflate: false, skipUTF8Validation: true, headers: { 'x-network-api-key': KEY } });
    up.on('error', () => socket.destroy());
    up.once('open', () =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data, isBinary) => up.send(data, { binary: isBinary }));
        up.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
        ws.on('close', () => up.close());
        up.on('close', () => ws.close());
        ws.on('error', () => {});
      }),
    );
  });
  return { server, close: async () => {} };
}

/** createAuiRelay from the build, with a REST stub upstream for the ownership lookup of bench-task. */
async function auiRelay(upstreamUrl) {
  const entry = join(dirname(DIST_ESM), 'relay', 'index.js');
  check(existsSync(entry), `aui-rx/relay is not built (${entry})`);
  const { createAuiRelay } = await import(pathToFileURL(entry).href);
  const stub = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'bench-task', user_id: 'bench-user', title: 'bench' })));
  await new Promise((resolve) => stub.listen(0, '127.0.0.1', resolve));
  const relay = createAuiRelay({
    apiKey: KEY,
    baseUrl: `http://127.0.0.1:${stub.address().port}`,
    wsUrl: upstreamUrl,
    authorize: (req) => req.headers['x-user'],
    limits: { maxSessionsPerUser: 4, maxFrameBytes: 64 * 1024 * 1024 },
  });
  const server = createServer();
  relay.attach(server);
  return {
    server,
    close: async () => {
      await relay.close();
      await new Promise((resolve) => stub.close(resolve));
    },
  };
}

function ask(child, msg, type) {
  return new Promise((resolve, reject) => {
    const on = (m) => {
      if (m.type !== type && m.type !== 'error') return;
      child.off('message', on);
      if (m.type === 'error') reject(new Error(m.error));
      else resolve(m);
    };
    child.on('message', on);
    child.send(msg);
  });
}

export async function run(impl, cfg) {
  const upstreamUrl = `ws://127.0.0.1:${cfg.port}${SESSION}`;
  const host = impl.name === 'aui' ? await auiRelay(upstreamUrl) : barePipe(upstreamUrl);
  await new Promise((resolve) => host.server.listen(0, '127.0.0.1', resolve));
  const port = host.server.address().port;
  const browser = fork(fileURLToPath(new URL('./aui-relay-browser.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    await ask(browser, { cmd: 'turn', port, frames: cfg.warmFrames }, 'turn');
    await gcFull();
    const cpu0 = process.cpuUsage();
    const turn = await ask(browser, { cmd: 'turn', port, frames: cfg.frames }, 'turn');
    const cpu = process.cpuUsage(cpu0);
    check(turn.received === cfg.frames + 1, `received ${turn.received} of ${cfg.frames + 1} frames`);
    await gcFull();
    const heap0 = process.memoryUsage().heapUsed;
    await ask(browser, { cmd: 'open', port, count: cfg.sessions }, 'opened');
    await gcFull();
    const heap1 = process.memoryUsage().heapUsed;
    await ask(browser, { cmd: 'closeAll' }, 'closed');
    return {
      cpuUsPerFrame: (cpu.user + cpu.system) / (cfg.frames + 1),
      framesPerSecond: (cfg.frames + 1) / (turn.ms / 1000),
      bytesPerSession: (heap1 - heap0) / cfg.sessions,
    };
  } finally {
    browser.kill();
    await host.close();
    host.server.closeAllConnections?.();
    await new Promise((resolve) => host.server.close(resolve));
  }
}

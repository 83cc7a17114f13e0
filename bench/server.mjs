// The bench server: a child process (forked by bench/run.mjs) running a bare `ws` server on
// 127.0.0.1, port 0. It is built so it is never the bottleneck: every reply is pre-encoded (bulk
// turns are one cached Buffer written straight to the TCP socket), and paced turns sleep between
// batches instead of spinning.
//
// A turn is the client frame `{"task_id","text"}`; `text` is the command:
//   bulk:N       N text-update frames + the final frame, one big write
//   paced:R:MS   text updates at R frames/s for MS milliseconds, one frame per write, then the final
//   one          one short text update + the final frame (two writes)
// IPC: the parent may send {cmd:'stats'} (→ {stats}) and {cmd:'reset'}. It exits when the parent goes.
import { WebSocketServer } from 'ws';
import { bulkTurnBuffer, encodedDelta, FINAL_FRAME, SHORT_TEXT_FRAME } from './lib/frames.mjs';

const MAX_FRAMES = 2_000_000; // bounds every command
const MAX_PACED_MS = 30_000;
const stats = { connections: 0, turns: 0, errors: 0 };
const bulkCache = new Map();

function bulk(n) {
  let buf = bulkCache.get(n);
  if (!buf) {
    if (bulkCache.size > 4) bulkCache.clear();
    buf = bulkTurnBuffer(n);
    bulkCache.set(n, buf);
  }
  return buf;
}

function paced(socket, ws, rate, ms) {
  const total = Math.round((rate * ms) / 1000);
  const start = process.hrtime.bigint();
  let sent = 0;
  const tick = () => {
    if (socket.destroyed) return;
    const elapsedNs = Number(process.hrtime.bigint() - start);
    const due = Math.min(total, Math.floor((elapsedNs * rate) / 1e9));
    while (sent < due) socket.write(encodedDelta(sent++)); // one frame per write
    if (sent < total && elapsedNs < (ms + 5_000) * 1e6) setTimeout(tick, 1);
    else socket.write(FINAL_FRAME);
  };
  tick();
}

function onTurn(ws, data) {
  stats.turns++;
  const socket = ws._socket;
  let cmd;
  try {
    cmd = String(JSON.parse(data.toString()).text).split(':');
  } catch {
    stats.errors++;
    ws.close(1011, 'bad turn');
    return;
  }
  const n = (i, max) => Math.max(1, Math.min(max, Number(cmd[i]) | 0));
  switch (cmd[0]) {
    case 'bulk':
      socket.write(bulk(n(1, MAX_FRAMES)));
      break;
    case 'paced':
      paced(socket, ws, n(1, 200_000), n(2, MAX_PACED_MS));
      break;
    case 'one':
      socket.write(SHORT_TEXT_FRAME);
      socket.write(FINAL_FRAME);
      break;
    default:
      stats.errors++;
      ws.close(1011, 'unknown command');
  }
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: true, maxPayload: 64 * 1024 });
wss.on('connection', (ws) => {
  stats.connections++;
  ws.on('message', (data) => onTurn(ws, data));
  ws.on('error', () => stats.errors++);
});
wss.on('listening', () => process.send?.({ type: 'ready', port: wss.address().port, pid: process.pid }));
wss.on('error', (err) => {
  process.send?.({ type: 'fatal', error: String(err?.stack ?? err) });
  process.exit(1);
});
process.on('message', (msg) => {
  if (msg?.cmd === 'stats') process.send?.({ type: 'stats', stats: { ...stats, open: wss.clients.size } });
  else if (msg?.cmd === 'reset') {
    stats.connections = stats.turns = stats.errors = 0;
    process.send?.({ type: 'reset' });
  }
});
process.on('disconnect', () => process.exit(0));

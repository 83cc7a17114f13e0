// Scenario 3, client half: sequential turns of one short text update + the final message on one
// client (aui-rx reuses its pooled socket); per turn, µs from the send to the first text event and
// to the final message.
//
// Paired (cfg.paired, the way run.mjs runs it): the runner starts one such process per client and
// steps them in lockstep; this process runs a turn when the runner says {type:'go'} and answers
// {type:'done'} once the turn is over (the runner's messages are outside the measured time).
//
// Breakdown: every client here sends and receives through the `ws` package, so the time each
// turn spends inside the client is measured at ws's own boundaries: from the start of the turn to
// `ws.send()` (before the send), and from ws's 'message' event of the first (text) and the second
// (final) frame to the client's text and final events (after the receive). What is left is the
// network and the server, the same for every client.
import { createRequire } from 'node:module';
import { turnOnce } from '../lib/impls.mjs';
import { askServerStats, check, percentiles, tick } from './common.mjs';

const WebSocket = createRequire(import.meta.url)('ws');
const stamps = { send: 0n, frame1: 0n, frame2: 0n, frames: 0 };

/** Stamps ws.send() and the first two 'message' events of each turn (one hrtime call each). */
function instrumentWs() {
  const send = WebSocket.prototype.send;
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.send = function (...args) {
    stamps.send = process.hrtime.bigint();
    return send.apply(this, args);
  };
  WebSocket.prototype.emit = function (event, ...args) {
    if (event === 'message') {
      if (stamps.frames === 0) stamps.frame1 = process.hrtime.bigint();
      else if (stamps.frames === 1) stamps.frame2 = process.hrtime.bigint();
      stamps.frames++;
    }
    return emit.call(this, event, ...args);
  };
}

/** The runner's next {type:'go'}. */
function nextGo() {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m?.type !== 'go') return;
      process.off('message', on);
      resolve();
    };
    process.on('message', on);
  });
}

const us = (a, b) => Number(a - b) / 1e3;

export async function run(impl, cfg) {
  instrumentWs();
  const client = impl.create({ port: cfg.port });
  for (let i = 0; i < cfg.warmTurns; i++) {
    await turnOnce(client, 'one');
    await tick();
  }
  const before = await askServerStats();
  if (cfg.paired) process.send({ type: 'ready' });
  const first = new Float64Array(cfg.turns);
  const final = new Float64Array(cfg.turns);
  const beforeSend = new Float64Array(cfg.turns);
  const afterText = new Float64Array(cfg.turns);
  const afterFinal = new Float64Array(cfg.turns);
  for (let i = 0; i < cfg.turns; i++) {
    if (cfg.paired) await nextGo();
    stamps.frames = 0;
    const r = await turnOnce(client, 'one');
    check(r.texts === 1 && r.final !== null && stamps.frames === 2, `turn ${i}: ${r.texts} text events, final ${r.final !== null}, ${stamps.frames} frames`);
    first[i] = us(r.firstNs, r.t0);
    final[i] = us(r.finalNs, r.t0);
    beforeSend[i] = us(stamps.send, r.t0);
    afterText[i] = us(r.firstNs, stamps.frame1);
    afterFinal[i] = us(r.finalNs, stamps.frame2);
    await tick(); // the next turn starts on a fresh macrotask (the pool has released the socket)
    if (cfg.paired) process.send({ type: 'done' });
  }
  const after = await askServerStats();
  await client.close();
  return {
    turns: cfg.turns,
    first: percentiles(first),
    final: percentiles(final),
    inClient: { beforeSend: percentiles(beforeSend), afterText: percentiles(afterText), afterFinal: percentiles(afterFinal) },
    newConnections: after.connections - before.connections,
  };
}

// Scenario 4, client half (run with --expose-gc):
//  a) heap per pooled idle socket: `sockets` concurrent turns on one client (maxConnections = sockets,
//     long idle linger); after they finish, heapUsed delta after full GC / sockets.
//  b) growth: heapUsed after GC before and after `turns` sequential turns on one client.
// One-time costs (module init, lazily compiled schemas) are paid by a warm-up client first.
import { turnOnce } from '../lib/impls.mjs';
import { askServerStats, check, gcFull, sleep, tick } from './common.mjs';

const heap = () => process.memoryUsage().heapUsed;

export async function run(impl, cfg) {
  const port = cfg.port;
  const warm = impl.create({ port });
  for (let i = 0; i < 50; i++) await turnOnce(warm, 'one');
  await warm.close();
  await sleep(300);

  await gcFull();
  const h0 = heap();
  const client = impl.create({ port, maxConnections: cfg.sockets, idleLingerMs: 600_000 });
  const turns = [];
  for (let i = 0; i < cfg.sockets; i++) turns.push(turnOnce(client, 'one').then((r) => check(r.texts === 1, 'one text event')));
  await Promise.all(turns);
  turns.length = 0;
  await sleep(200);
  await gcFull();
  const h1 = heap();
  const stats = await askServerStats();
  await client.close();
  await sleep(500);

  const seq = impl.create({ port });
  for (let i = 0; i < cfg.warmTurns; i++) {
    await turnOnce(seq, 'one');
    await tick();
  }
  await gcFull();
  const g0 = heap();
  for (let i = 0; i < cfg.turns; i++) {
    await turnOnce(seq, 'one');
    await tick();
  }
  await gcFull();
  const g1 = heap();
  await seq.close();
  return {
    sockets: cfg.sockets,
    serverOpenSockets: stats.open,
    bytesPerSocket: (h1 - h0) / cfg.sockets,
    turns: cfg.turns,
    heapBefore: g0,
    heapAfter: g1,
    growthBytes: g1 - g0,
  };
}

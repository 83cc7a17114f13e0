// Scenario 3, client half: sequential turns of one short text update + the final message on one
// client (aui-rx reuses its pooled socket); per turn, µs from the send to the first text event and
// to the final message.
import { turnOnce } from '../lib/impls.mjs';
import { askServerStats, check, percentiles, tick } from './common.mjs';

export async function run(impl, cfg) {
  const client = impl.create({ port: cfg.port });
  for (let i = 0; i < cfg.warmTurns; i++) {
    await turnOnce(client, 'one');
    await tick();
  }
  const before = await askServerStats();
  const first = new Float64Array(cfg.turns);
  const final = new Float64Array(cfg.turns);
  for (let i = 0; i < cfg.turns; i++) {
    const r = await turnOnce(client, 'one');
    check(r.texts === 1 && r.final !== null, `turn ${i}: ${r.texts} text events, final ${r.final !== null}`);
    first[i] = Number(r.firstNs - r.t0) / 1e3;
    final[i] = Number(r.finalNs - r.t0) / 1e3;
    await tick(); // the next turn starts on a fresh macrotask (the pool has released the socket)
  }
  const after = await askServerStats();
  await client.close();
  return { turns: cfg.turns, first: percentiles(first), final: percentiles(final), newConnections: after.connections - before.connections };
}

// Scenario 2, client half: for each rate, one paced turn (the server writes one frame per write at
// `rate` frames/s for `durationMs`); this process's CPU (user + system) over the turn's wall time.
import { turnOnce } from '../lib/impls.mjs';
import { check } from './common.mjs';

async function point(client, accumulate, rate, ms) {
  const cpu0 = process.cpuUsage();
  const r = await turnOnce(client, `paced:${rate}:${ms}`, { accumulate });
  const cpu = process.cpuUsage(cpu0);
  const wallUs = Number(r.finalNs - r.t0) / 1e3;
  const expected = Math.round((rate * ms) / 1000);
  check(r.texts === expected, `rate ${rate}: received ${r.texts} of ${expected} text events`);
  return { rate, frames: r.texts, wallMs: wallUs / 1e3, cpuPct: ((cpu.user + cpu.system) / wallUs) * 100, achievedRate: r.texts / (wallUs / 1e6) };
}

export async function run(impl, cfg) {
  const client = impl.create({ port: cfg.port });
  const accumulate = impl.name === 'aui';
  await point(client, accumulate, cfg.warmRate, cfg.warmMs);
  const points = [];
  for (const rate of cfg.rates) points.push(await point(client, accumulate, rate, cfg.durationMs));
  await client.close();
  return { points };
}

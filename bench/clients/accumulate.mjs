// Scenario 5, client half: turns of N delta frames (all pre-written by the server), consumed with
// text accumulation (aui-rx: accumulateText(); raw: `acc += delta`); per-delta cost = time from the
// first to the last text event / (N - 1). The median of `inner[N]` turns is this process's figure.
import { turnOnce } from '../lib/impls.mjs';
import { DELTA_LENGTH } from '../lib/frames.mjs';
import { median } from '../lib/stats.mjs';
import { check, tick } from './common.mjs';

export async function run(impl, cfg) {
  const client = impl.create({ port: cfg.port });
  for (let i = 0; i < 3; i++) await turnOnce(client, `bulk:${cfg.warmFrames}`, { accumulate: true });
  const perDelta = {};
  const cpuPerDelta = {}; // secondary figure: client CPU of the whole turn / N (JSON only)
  for (const n of cfg.sizes) {
    const xs = [];
    const cpu = [];
    for (let i = 0; i < cfg.inner[n]; i++) {
      const c0 = process.cpuUsage();
      const r = await turnOnce(client, `bulk:${n}`, { accumulate: true, keepText: true, stampText: true });
      check(r.texts === n, `received ${r.texts} of ${n} text events`);
      check(r.lastText.length === n * DELTA_LENGTH, `accumulated ${r.lastText.length} chars, expected ${n * DELTA_LENGTH}`);
      const c = process.cpuUsage(c0);
      xs.push(Number(r.lastTextNs - r.firstNs) / (n - 1));
      cpu.push(((c.user + c.system) * 1000) / n);
      await tick();
    }
    perDelta[n] = median(xs);
    cpuPerDelta[n] = median(cpu);
  }
  await client.close();
  return { perDelta, cpuPerDelta };
}

// Helpers shared by the client halves of the scenarios.
import { percentileSorted } from '../lib/stats.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const tick = () => new Promise((r) => setImmediate(r));

/** Full GC, several passes with a macrotask between them (needs --expose-gc). */
export async function gcFull() {
  if (typeof global.gc !== 'function') throw new Error('run the client with --expose-gc');
  for (let i = 0; i < 6; i++) {
    global.gc();
    await tick();
  }
}

/** Asks the runner (which asks the bench server) for the server's counters. */
export function askServerStats() {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (process.off('message', on), reject(new Error('no stats from runner'))), 5_000);
    const on = (m) => {
      if (m?.type !== 'stats') return;
      clearTimeout(timer);
      process.off('message', on);
      resolve(m.stats);
    };
    process.on('message', on);
    process.send({ type: 'ask-stats' });
  });
}

/** p50/p90/p99/max/mean of a Float64Array of samples. */
export function percentiles(samples) {
  const s = Float64Array.from(samples).sort();
  let sum = 0;
  for (const x of s) sum += x;
  return { p50: percentileSorted(s, 50), p90: percentileSorted(s, 90), p99: percentileSorted(s, 99), max: s[s.length - 1], mean: sum / s.length, n: s.length };
}

/** Throws unless `cond`, with a message naming what was expected. */
export function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

// Scenario 6: browser bundle size. esbuild bundles dist/esm/index.js for the browser (rxjs and zod
// external; isomorphic-ws resolves to its browser file through its "browser" field), minified, then
// gzip (zlib level 9). Deterministic, so it runs once in a child process. The metafile says which
// modules dominate.
import { fmt } from '../lib/stats.mjs';
import { goal } from './labels.mjs';

export const id = 'bundle';
export const title = '6. Bundle size';
export const impls = ['bundle'];
export const reference = 'bundle';
export const single = true; // one run: the figure does not vary

export function config() {
  return { reps: 1, clientDeadlineMs: 60_000, scenarioDeadlineMs: 2 * 60_000 };
}

export function describe() {
  return 'esbuild dist/esm/index.js --bundle --platform=browser --format=esm --minify, external rxjs, rxjs/*, zod, zod/*; gzip -9 via zlib';
}

export function summarizeRuns(ctx) {
  const r = ctx.runs.bundle?.[0];
  if (!r) return { header: ['figure', 'value'], rows: [['bundle', ctx.failures.bundle?.[0]?.split('\n')[0] ?? 'n/a']], goals: [goal('gzipped ≤ 8 KB', { value: NaN, text: 'n/a' }, null)] };
  const rows = [
    ['minified bytes', fmt(r.minBytes)],
    ['gzip -9 bytes', `${fmt(r.gzipBytes)} (${(r.gzipBytes / 1024).toFixed(2)} KB)`],
    ['brotli bytes', fmt(r.brotliBytes)],
    ['ws in bundle', r.wsInBundle ? 'YES (wrong)' : 'no'],
    ['dist has streamMessage', r.hasStreamMessage ? 'yes' : 'NO (WebSocket transport not in dist yet: partial bundle)'],
    ...r.top.map((m) => [`  ${m.path}`, `${fmt(m.bytes)} B minified (${m.pct.toFixed(1)}%)`]),
  ];
  const kb = r.gzipBytes / 1024;
  return {
    header: ['figure', 'value'],
    rows,
    figures: { gzipKb: kb },
    goals: [goal('browser bundle gzipped ≤ 8 KB (rxjs, zod external)', { value: kb, text: `${kb.toFixed(2)} KB${r.hasStreamMessage ? '' : ' (partial: no WebSocket transport in dist yet)'}` }, r.hasStreamMessage ? kb <= 8 && !r.wsInBundle : null)],
  };
}

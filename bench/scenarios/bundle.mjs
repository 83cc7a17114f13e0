// Scenario 6: what a browser app pays, measured as the build does (scripts/bundle-size.mjs): esbuild
// bundles the typical import { AuiClient, retryOn1011, failFastOn1008, accumulateText } of
// dist/esm/index.js for the browser WITH zod (rxjs external; the browser maps swap in the browser
// socket and isomorphic-ws's browser file), minified, then gzip (zlib level 9). Deterministic, so it
// runs once in a child process. The metafile says which modules dominate.
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
  return 'esbuild of `export { AuiClient, retryOn1011, failFastOn1008, accumulateText } from dist/esm/index.js` --bundle --platform=browser --format=esm --minify, zod bundled, external rxjs, rxjs/*; gzip -9 via zlib (scripts/bundle-size.mjs)';
}

export function summarizeRuns(ctx) {
  const r = ctx.runs.bundle?.[0];
  if (!r) return { header: ['figure', 'value'], rows: [['bundle', ctx.failures.bundle?.[0]?.split('\n')[0] ?? 'n/a']], goals: [goal('typical import with zod gzipped ≤ 16 KB', { value: NaN, text: 'n/a' }, null)] };
  const budget = r.budgetGzipBytes; // the build's regression budget while the 16 KB goal is not met (scripts/bundle-size.mjs)
  const rows = [
    ['minified bytes', fmt(r.minBytes)],
    ['gzip -9 bytes', `${fmt(r.gzipBytes)} (${(r.gzipBytes / 1024).toFixed(2)} KB)`],
    ['brotli bytes', fmt(r.brotliBytes)],
    ['gzip -9, aui-rx alone (zod external)', fmt(r.aloneGzipBytes)],
    ['gzip -9, whole barrel with zod', fmt(r.barrelGzipBytes)],
    ['ws in bundle', r.wsInBundle ? 'YES (wrong)' : 'no'],
    ['dist has streamMessage', r.hasStreamMessage ? 'yes' : 'NO (WebSocket transport not in dist yet: partial bundle)'],
    ...r.top.map((m) => [`  ${m.path}`, `${fmt(m.bytes)} B minified (${m.pct.toFixed(1)}%)`]),
  ];
  const kb = r.gzipBytes / 1024;
  return {
    header: ['figure', 'value'],
    rows,
    figures: { gzipKb: kb },
    goals: [
      goal('typical import with zod gzipped ≤ 16 KB (rxjs external)', { value: kb, text: `${kb.toFixed(2)} KB${r.hasStreamMessage ? '' : ' (partial: no WebSocket transport in dist yet)'}` }, r.hasStreamMessage ? r.gzipBytes <= r.goalGzipBytes && !r.wsInBundle : null),
      ...(budget ? [goal(`the same within the build's regression budget ≤ ${fmt(budget)} B (the goal not being met)`, { value: r.gzipBytes, text: `${fmt(r.gzipBytes)} B` }, r.gzipBytes <= budget && !r.wsInBundle)] : []),
    ],
  };
}

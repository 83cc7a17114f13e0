// Scenario 6, the measuring half: what a browser app pays, measured as the build measures it
// (scripts/bundle-size.mjs): the typical import { AuiClient, retryOn1011, failFastOn1008,
// accumulateText } with zod, rxjs external, minified, gzip -9; the largest modules of that bundle; the
// goal (16 KB, not met) and the regression budget the build holds instead.
import { pathToFileURL } from 'node:url';
import { DIST_ESM } from '../lib/impls.mjs';
import { BUDGET_GZIP_BYTES, bundleSize, GOAL_GZIP_BYTES, TYPICAL_IMPORT } from '../../scripts/bundle-size.mjs';

export async function run() {
  const { typical, typicalAlone, full } = await bundleSize({ dist: DIST_ESM });
  const total = typical.modules.reduce((s, m) => s + m.bytes, 0) || 1;
  const mod = await import(pathToFileURL(DIST_ESM).href).catch(() => ({}));
  return {
    names: TYPICAL_IMPORT,
    goalGzipBytes: GOAL_GZIP_BYTES,
    budgetGzipBytes: BUDGET_GZIP_BYTES,
    minBytes: typical.minBytes,
    gzipBytes: typical.gzipBytes,
    brotliBytes: typical.brotliBytes,
    aloneGzipBytes: typicalAlone.gzipBytes,
    barrelGzipBytes: full.gzipBytes,
    wsInBundle: false, // bundleSize throws when ws, a node: module or a Node file of aui-rx is in a bundle
    hasStreamMessage: typeof mod.AuiClient?.prototype?.streamMessage === 'function',
    modules: typical.modules.length,
    top: typical.modules.slice(0, 10).map((m) => ({ ...m, pct: (100 * m.bytes) / total })),
  };
}

// What a browser app pays for aui-rx, from the built ESM (dist/esm/index.js): esbuild bundles it for
// the browser (so isomorphic-ws resolves to its browser file and aui-rx's `browser` map swaps in
// browser-socket.js) WITH zod (aui-rx's dependency: the app pays for it) and rxjs external (a peer the
// app has anyway), minified, then gzip -9 (zlib). The gated figure is the tree-shaken typical import
// `{ AuiClient, retryOn1011, failFastOn1008, accumulateText }`; the whole public barrel, and both
// without zod, are printed beside it. Fails when a bundle holds the `ws` package (Node only), a `node:`
// module, or aui-rx's Node files (node-socket.js, default-websocket.js, jit-object.js), and (GATE =
// 'fail') when the typical import is above BUDGET_GZIP_BYTES: the goal of issue 14 (GOAL_GZIP_BYTES,
// 16 KB) is not met, so the build holds the measured figure instead (a regression budget) and says
// plainly that the goal is not met.
//
//   node scripts/bundle-size.mjs               the figures (scripts/build.mjs runs this after compiling)
//   node scripts/bundle-size.mjs --json        the same as JSON
//   node scripts/bundle-size.mjs --breakdown[=N]  also bytes per input module (minified) of the typical
//                                                 import with zod, from esbuild's metafile (docs/browser.md;
//                                                 N: the largest N modules, the rest on one line)
import { build } from 'esbuild';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The goal of issue 14: the typical import, with zod, at most 16 KB gzip. NOT met (docs/browser.md). */
export const GOAL_GZIP_BYTES = 16 * 1024;
/**
 * The regression budget the build holds while the goal is not met: the typical import with zod as
 * measured after the cuts of issue 14 (23,393 B gzip at 1f4f284) with about 670 B of room, so an
 * ordinary change does not trip it and a real regression does. Lower it after a cut; never raise it to
 * let a change through without saying in docs/browser.md what the bytes buy.
 */
export const BUDGET_GZIP_BYTES = 24_064;
/** What a typical app imports. */
export const TYPICAL_IMPORT = ['AuiClient', 'retryOn1011', 'failFastOn1008', 'accumulateText'];
/**
 * 'fail': the build fails when the typical import (with zod) is above the goal, or, while the goal is
 * not met, above {@link BUDGET_GZIP_BYTES}; 'warn': it only prints a warning.
 */
export const GATE = 'fail';

const RXJS = ['rxjs', 'rxjs/*'];
const ZOD = ['zod', 'zod/*'];

/** Bundles `contents` (an ES module importing from a built dist/esm/index.js) and measures it. */
async function measure(contents, { withZod }) {
  const result = await build({
    stdin: { contents, resolveDir: root, sourcefile: 'bundle-entry.js', loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    external: withZod ? RXJS : [...RXJS, ...ZOD],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.keys(result.metafile.inputs);
  const nodeOnly = inputs.filter((p) => /(^|\/)node_modules\/ws\//.test(p) || p.startsWith('node:') || /\/(node-socket|default-websocket|jit-object)\.js$/.test(p));
  const output = Object.values(result.metafile.outputs)[0];
  const modules = Object.entries(output.inputs)
    .map(([path, v]) => ({ path: shortPath(path), bytes: v.bytesInOutput }))
    .filter((m) => m.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return {
    minBytes: code.length,
    gzipBytes: gzipSync(code, { level: constants.Z_BEST_COMPRESSION }).length,
    brotliBytes: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    nodeOnly,
    modules,
  };
}

/** `dist/esm/…` or `zod/v4/…` (the package and its file), whatever the absolute prefix. */
function shortPath(path) {
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) return path.slice(inModules + 'node_modules/'.length);
  const inDist = path.indexOf('dist/');
  return inDist >= 0 ? path.slice(inDist) : path;
}

/**
 * Measures the typical import and the whole barrel of the build at `dist` (its dist/esm/index.js; the
 * bench passes another build's), each with and without zod; throws if Node-only code is in any of
 * them. `overGoal` says whether the typical import with zod is above the goal.
 */
export async function bundleSize({ dist = resolve(root, 'dist/esm/index.js') } = {}) {
  const TYPICAL = `export { ${TYPICAL_IMPORT.join(', ')} } from ${JSON.stringify(dist)};`;
  const BARREL = `export * from ${JSON.stringify(dist)};`;
  const [typical, typicalAlone, full, fullAlone] = await Promise.all([
    measure(TYPICAL, { withZod: true }),
    measure(TYPICAL, { withZod: false }),
    measure(BARREL, { withZod: true }),
    measure(BARREL, { withZod: false }),
  ]);
  const all = { typical, typicalAlone, full, fullAlone };
  for (const [name, r] of Object.entries(all)) {
    if (r.nodeOnly.length) throw new Error(`bundle-size: Node-only modules in the ${name} browser bundle: ${r.nodeOnly.join(', ')}`);
  }
  const overGoal = typical.gzipBytes > GOAL_GZIP_BYTES;
  return { ...all, goalGzipBytes: GOAL_GZIP_BYTES, budgetGzipBytes: BUDGET_GZIP_BYTES, overGoal, overBudget: overGoal && typical.gzipBytes > BUDGET_GZIP_BYTES, gate: GATE };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const n = (bytes) => bytes.toLocaleString('en-US');

/** The figures, for the build log. */
export function formatBundleSize({ typical, typicalAlone, full, fullAlone, overGoal, overBudget }) {
  const verdict = !overGoal
    ? `goal ≤ ${n(GOAL_GZIP_BYTES)} B met`
    : `goal ≤ ${n(GOAL_GZIP_BYTES)} B (${kb(GOAL_GZIP_BYTES)}) NOT met; ${overBudget ? 'ABOVE' : 'within'} the regression budget of ${n(BUDGET_GZIP_BYTES)} B`;
  return [
    'bundle size (esbuild, browser, minified, gzip -9; rxjs external; ws in bundle: no):',
    `  { ${TYPICAL_IMPORT.join(', ')} } + zod: ${n(typical.gzipBytes)} B gzip (${kb(typical.gzipBytes)}), ${n(typical.minBytes)} B minified — ${verdict}`,
    `  whole 'aui-rx' barrel + zod: ${n(full.gzipBytes)} B gzip (${kb(full.gzipBytes)}), ${n(full.minBytes)} B minified`,
    `  aui-rx alone (zod external): typical ${n(typicalAlone.gzipBytes)} B gzip (${kb(typicalAlone.gzipBytes)}), whole barrel ${n(fullAlone.gzipBytes)} B gzip (${kb(fullAlone.gzipBytes)})`,
  ].join('\n');
}

/** Bytes per input module (minified, as esbuild's metafile counts them) of the typical import with zod. */
export function formatBreakdown({ typical }, limit = Infinity) {
  const total = typical.modules.reduce((s, m) => s + m.bytes, 0) || 1;
  const byPackage = new Map();
  for (const m of typical.modules) {
    const pkg = m.path.startsWith('dist/') ? 'aui-rx' : m.path.split('/')[0];
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + m.bytes);
  }
  const lines = [`breakdown of { ${TYPICAL_IMPORT.join(', ')} } + zod: ${n(total)} B minified in ${typical.modules.length} modules`, '', '| package | minified bytes | share |', '|---|---:|---:|'];
  for (const [pkg, bytes] of [...byPackage].sort((a, b) => b[1] - a[1])) lines.push(`| ${pkg} | ${n(bytes)} | ${((100 * bytes) / total).toFixed(1)}% |`);
  lines.push('', '| module | minified bytes | share |', '|---|---:|---:|');
  for (const m of typical.modules.slice(0, limit)) lines.push(`| ${m.path} | ${n(m.bytes)} | ${((100 * m.bytes) / total).toFixed(1)}% |`);
  const rest = typical.modules.slice(limit);
  if (rest.length) {
    const bytes = rest.reduce((s, m) => s + m.bytes, 0);
    lines.push(`| ${rest.length} more modules, each at most ${n(rest[0].bytes)} B | ${n(bytes)} | ${((100 * bytes) / total).toFixed(1)}% |`);
  }
  return lines.join('\n');
}

/**
 * Nothing when the goal is met. Above the goal: a line saying so when the typical import is within the
 * regression budget; above the budget, throws (GATE 'fail') or returns a warning line (GATE 'warn').
 */
export function enforceGoal(sizes) {
  if (!sizes.overGoal) return undefined;
  const figure = `the typical import { ${TYPICAL_IMPORT.join(', ')} } with zod is ${n(sizes.typical.gzipBytes)} B gzip`;
  const goal = `the goal of ${n(GOAL_GZIP_BYTES)} B (issue 14) is NOT met`;
  if (!sizes.overBudget) return `bundle-size: ${goal}: ${figure}, within the regression budget of ${n(BUDGET_GZIP_BYTES)} B (BUDGET_GZIP_BYTES).`;
  const message =
    `bundle-size: ${figure}, above the regression budget of ${n(BUDGET_GZIP_BYTES)} B (and ${goal}). ` +
    `\`node scripts/bundle-size.mjs --breakdown\` shows what is in it; docs/browser.md says what each byte buys.`;
  if (GATE === 'fail') throw new Error(message);
  return `WARNING ${message} (GATE = 'warn' in scripts/bundle-size.mjs: the build does not fail)`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const sizes = await bundleSize();
    if (process.argv.includes('--json')) console.log(JSON.stringify(sizes));
    else {
      console.log(formatBundleSize(sizes));
      const breakdown = process.argv.find((a) => a === '--breakdown' || a.startsWith('--breakdown='));
      if (breakdown) console.log(`\n${formatBreakdown(sizes, Number(breakdown.split('=')[1] ?? Infinity))}`);
    }
    const warning = enforceGoal(sizes);
    if (warning) console.warn(warning);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

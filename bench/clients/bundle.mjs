// Scenario 6, the measuring half: bundle, minify, gzip; top modules by bytes in the output.
import { build } from 'esbuild';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { DIST_ESM } from '../lib/impls.mjs';

export async function run() {
  const result = await build({
    entryPoints: [DIST_ESM],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    external: ['rxjs', 'rxjs/*', 'zod', 'zod/*'],
    logLevel: 'silent',
  });
  const out = result.outputFiles[0].contents;
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(output.inputs).map(([path, v]) => ({ path: path.replace(/^.*?(dist\/|node_modules\/)/, '$1'), bytes: v.bytesInOutput }));
  inputs.sort((a, b) => b.bytes - a.bytes);
  const total = inputs.reduce((s, m) => s + m.bytes, 0) || 1;
  const mod = await import(pathToFileURL(DIST_ESM).href).catch(() => ({}));
  return {
    minBytes: out.length,
    gzipBytes: gzipSync(out, { level: 9 }).length,
    brotliBytes: brotliCompressSync(out, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    wsInBundle: Object.keys(result.metafile.inputs).some((p) => /node_modules\/ws\//.test(p)),
    isomorphicWs: Object.keys(result.metafile.inputs).filter((p) => p.includes('isomorphic-ws')),
    hasStreamMessage: typeof mod.AuiClient?.prototype?.streamMessage === 'function',
    modules: inputs.length,
    top: inputs.slice(0, 10).map((m) => ({ ...m, pct: (100 * m.bytes) / total })),
  };
}

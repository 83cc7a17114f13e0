// Browser bundle size of aui-rx itself, from the built ESM (dist/esm/index.js): esbuild bundles it
// for the browser (so isomorphic-ws resolves to its browser file and the native WebSocket), with
// rxjs and zod external (the app has them anyway), minified, then gzip -9 (zlib). Prints the whole
// public barrel and a typical app import (`AuiClient` + `retryOn1011`, tree-shaken). Fails when the
// `ws` package (Node only), any `node:` module, or aui-rx's Node socket layer (node-socket.js, which
// the `browser` map of dist/esm/package.json replaces) gets into the browser bundle.
//
//   node scripts/bundle-size.mjs [--json]      (scripts/build.mjs runs it after compiling)
import { build } from 'esbuild';
import { gzipSync, constants } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const EXTERNAL = ['rxjs', 'rxjs/*', 'zod', 'zod/*'];

/** Bundles dist/esm/index.js (or `contents`, an ES module importing from it) and measures it. */
async function measure(contents) {
  const result = await build({
    ...(contents === undefined
      ? { entryPoints: [resolve(root, 'dist/esm/index.js')] }
      : { stdin: { contents, resolveDir: root, sourcefile: 'bundle-entry.js', loader: 'js' } }),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    external: EXTERNAL,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.keys(result.metafile.inputs);
  const nodeOnly = inputs.filter((p) => /(^|\/)node_modules\/ws\//.test(p) || p.startsWith('node:') || p.endsWith('/node-socket.js'));
  return {
    minBytes: code.length,
    gzipBytes: gzipSync(code, { level: constants.Z_BEST_COMPRESSION }).length,
    nodeOnly,
  };
}

/** Measures the full barrel and a typical import; throws if Node-only code is in either bundle. */
export async function bundleSize() {
  const full = await measure();
  const typical = await measure(
    "import { AuiClient, retryOn1011 } from './dist/esm/index.js';\nexport { AuiClient, retryOn1011 };",
  );
  for (const [name, r] of [['full', full], ['typical', typical]]) {
    if (r.nodeOnly.length) throw new Error(`bundle-size: Node-only modules in the ${name} browser bundle: ${r.nodeOnly.join(', ')}`);
  }
  return { full, typical };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;

/** One line per figure, for the build log. */
export function formatBundleSize({ full, typical }) {
  return [
    `bundle size (browser, rxjs + zod external, minified, gzip -9): ${full.gzipBytes} B gzip (${kb(full.gzipBytes)}), ${full.minBytes} B minified — whole 'aui-rx' barrel`,
    `bundle size (browser, tree-shaken { AuiClient, retryOn1011 }): ${typical.gzipBytes} B gzip (${kb(typical.gzipBytes)}), ${typical.minBytes} B minified; ws in bundle: no`,
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const sizes = await bundleSize();
    console.log(process.argv.includes('--json') ? JSON.stringify(sizes) : formatBundleSize(sizes));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

// Builds dist/cjs (CommonJS) and dist/esm (ES modules), each with its own type declarations.
// Each output folder gets a package.json naming its module type, so Node and TypeScript read
// dist/esm/*.js (and *.d.ts) as ESM and dist/cjs/* as CommonJS.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.esm.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
}
// The `browser` map swaps the Node socket layer (ws listeners, UTF-8 check, Buffer frames, upgrade
// headers) for the browser one in browser bundles, and the default WebSocket constructor (`ws`, imported
// as itself so an ESM server build takes ws's ES module entry) for isomorphic-ws's browser file (the
// native WebSocket). It sits in these folder package.json files because bundlers read the `browser`
// field of a module's nearest package.json (esbuild does: bundle-size.mjs and test:browser check it;
// webpack's aliasFields and Vite read the same field; check:package builds with both). A bundler that
// ignores it still works: node-socket.js falls back to the browser paths and default-websocket.js to
// the page's WebSocket; the bundle is only larger.
const browser = {
  './transports/websocket/node-socket.js': './transports/websocket/browser-socket.js',
  './transports/websocket/default-websocket.js': './transports/websocket/default-websocket-browser.js',
  // zod's compiled object parser (new Function) for zod/mini's own objects: a page under a strict CSP
  // runs the interpreted parser anyway, and the compiled one costs ~1.1 KB gzip (docs/browser.md).
  './internal/jit-object.js': './internal/jit-object-browser.js',
};
// `sideEffects: false` again here: esbuild (and so the Angular CLI) reads it from a module's nearest
// package.json, which for dist/{esm,cjs}/* is this one, not the root's. Without it an esbuild bundle
// keeps every module the barrel reaches and their top-level statements (e.g. a schema built at load),
// used or not (Vite and webpack drop them either way).
writeFileSync('dist/cjs/package.json', JSON.stringify({ type: 'commonjs', sideEffects: false, browser }) + '\n');
writeFileSync('dist/esm/package.json', JSON.stringify({ type: 'module', sideEffects: false, browser }) + '\n');
for (const bin of ['dist/cjs/cli/main.js']) if (existsSync(bin)) chmodSync(bin, 0o755);

// What a browser app pays: the typical import with zod (rxjs external), minified, gzip -9, against the
// 16 KB goal, not met, and the regression budget bundle-size.mjs holds instead (the build fails above
// it); fails if `ws`, a `node:` module or a Node file of aui-rx gets in.
const { bundleSize, formatBundleSize, enforceGoal } = await import('./bundle-size.mjs');
const sizes = await bundleSize();
console.log(formatBundleSize(sizes));
const warning = enforceGoal(sizes);
if (warning) console.warn(warning);

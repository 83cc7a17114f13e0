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
writeFileSync('dist/cjs/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');
writeFileSync('dist/esm/package.json', JSON.stringify({ type: 'module' }) + '\n');
for (const bin of ['dist/cjs/cli/main.js']) if (existsSync(bin)) chmodSync(bin, 0o755);

// The browser bundle size of aui-rx itself (rxjs and zod external, minified, gzip -9); fails if `ws` gets in.
const { bundleSize, formatBundleSize } = await import('./bundle-size.mjs');
console.log(formatBundleSize(await bundleSize()));

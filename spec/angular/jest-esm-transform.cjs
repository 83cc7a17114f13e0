// Jest transformer for Angular's packages: they ship ES modules only (fesm2022/*.mjs), and this
// project's Jest runs CommonJS, so esbuild rewrites each .mjs file to CommonJS (nothing else
// changes: Angular's packages are already compiled, partial Ivy declarations included, which
// @angular/compiler links at run time in JIT mode). jest.config.ts routes node_modules/@angular/**/*.mjs here.
'use strict';
const { createHash } = require('node:crypto');
const esbuild = require('esbuild');

const VERSION = `1:${esbuild.version}`;

module.exports = {
  process(source, filename) {
    const result = esbuild.transformSync(source, {
      loader: 'js',
      format: 'cjs',
      target: 'es2022',
      sourcefile: filename,
      sourcemap: 'external',
      logLevel: 'silent',
    });
    return { code: result.code, map: result.map };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(VERSION).update('\0').update(filename).update('\0').update(source).digest('hex');
  },
};

/**
 * The aui-rx/angular entry (lib/angular/index.ts), pinned: what it exports, that docs/angular.md
 * names each export, and that the main barrel never imports @angular (an app of 'aui-rx' alone
 * bundles no Angular code, and Node users need no Angular installed).
 */
// first: it loads the JIT compiler, which Angular's partially compiled packages need as they load
import './helpers/test-bed';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import * as entry from '../../lib/angular/index';

const ROOT = join(__dirname, '..', '..');

const ANGULAR_VALUES = [
  'AUI_CLIENT',
  'AUI_TESTING_API_KEY',
  'AUI_TESTING_BASE_URL',
  'httpClientFetch',
  'injectAuiChat',
  'injectAuiClient',
  'provideAuiClient',
  'provideAuiTesting',
  'withHttpClient',
];

/** Every bare module specifier the bundle of `file` imports (packages left external). */
async function externalImports(file: string): Promise<string[]> {
  const result = await build({ entryPoints: [join(ROOT, file)], bundle: true, write: false, platform: 'neutral', packages: 'external', metafile: true, logLevel: 'silent' });
  const found = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) if (imported.external) found.add(imported.path);
  }
  return [...found].sort();
}

describe("the Angular entry ('aui-rx/angular', lib/angular/index.ts)", () => {
  it('exports exactly these values', () => {
    expect(Object.keys(entry).sort()).toEqual(ANGULAR_VALUES);
  });

  it('names every export in docs/angular.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/angular.md'), 'utf8');
    expect(ANGULAR_VALUES.filter((name) => !new RegExp(`\\b${name}\\b`).test(doc))).toEqual([]);
  });

  it('imports from outside the package only @angular/core, @angular/common/http and what aui-rx itself imports', async () => {
    const [angular, core] = await Promise.all([externalImports('lib/angular/index.ts'), externalImports('lib/index.ts')]);
    expect(angular.filter((p) => !core.includes(p))).toEqual(['@angular/common/http', '@angular/core']);
  });

  it("is kept out of the main barrel: 'aui-rx' imports nothing from @angular", async () => {
    const imports = await externalImports('lib/index.ts');
    expect(imports.filter((p) => p.startsWith('@angular'))).toEqual([]);
    expect(imports).toContain('rxjs');
  });
});

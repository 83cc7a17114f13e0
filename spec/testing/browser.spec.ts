/**
 * The browser entry of aui-rx/testing (lib/testing/browser.ts): the browser-safe half of the kit.
 * It bundles for a browser (esbuild, platform 'browser', as Angular's Karma and Vitest builders do)
 * without any Node module, type-checks with no `@types/node`, and every name it exports is the
 * same value in the Node entry (so `MockWebSocket` is one class whichever entry a bundler picked).
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import * as browserEntry from '../../lib/testing/browser';
import * as nodeEntry from '../../lib/testing/index';

const ROOT = join(__dirname, '..', '..');

const BROWSER_VALUES = ['DEFAULT_UNKNOWN_FRAME', 'FORBIDDEN_BODY', 'FakeFetch', 'FakeStore', 'MockWebSocket', 'NOT_AUTHENTICATED_BODY', 'agentMessage', 'agentReplyText', 'createFakeFetch', 'splitReply'];

/** Bundles `entry` for a browser with rxjs and zod external; returns the errors and the output text. */
async function bundleForBrowser(entry: string): Promise<{ errors: string[]; code: string }> {
  try {
    const result = await build({
      entryPoints: [join(ROOT, entry)],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      external: ['rxjs', 'zod'],
      logLevel: 'silent',
    });
    return { errors: [], code: result.outputFiles.map((f) => f.text).join('\n') };
  } catch (error) {
    const errors = (error as { errors?: Array<{ text: string }> }).errors ?? [{ text: String(error) }];
    return { errors: errors.map((e) => e.text), code: '' };
  }
}

describe('aui-rx/testing browser entry (lib/testing/browser.ts)', () => {
  it('exports MockWebSocket, FakeFetch and the fake agent, the same values as the Node entry', () => {
    expect(Object.keys(browserEntry).sort()).toEqual(BROWSER_VALUES);
    const node = nodeEntry as Record<string, unknown>;
    for (const [name, value] of Object.entries(browserEntry)) expect(node[name]).toBe(value);
  });

  it('bundles for a browser with no Node module in it', async () => {
    const { errors, code } = await bundleForBrowser('lib/testing/browser.ts');
    expect(errors).toEqual([]);
    expect(code).toMatch(/\bMockWebSocket = class\b|class MockWebSocket\b/);
    expect(code).toMatch(/\bFakeFetch = class\b|class FakeFetch\b/);
    expect(code).not.toMatch(/from\s*["'](node:|ws["'])|require\(["'](node:|ws["'])/);
  });

  it('is needed: the Node entry does not bundle for a browser (FakeAuiServer imports node:http)', async () => {
    const { errors } = await bundleForBrowser('lib/testing/index.ts');
    expect(errors.join('\n')).toMatch(/node:http/);
  });

  it('type-checks strictly with no @types/node (types: [])', () => {
    const program = ts.createProgram([join(ROOT, 'lib/testing/browser.ts')], {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      module: ts.ModuleKind.ES2022,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: false,
      types: [],
      noEmit: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    const files = program.getSourceFiles().map((f) => f.fileName);
    expect(files.filter((f) => /@types\/(node|ws)\//.test(f))).toEqual([]);
  });
});

// Package checks on the BUILT package (run `npm run build` first; CI does):
//   1. `npm pack` (no lifecycle scripts: the build is not redone) into a temporary folder;
//   2. publint on that tarball: no errors, warnings or suggestions;
//   3. @arethetypeswrong/cli on that tarball, strict profile (node10, node16 from CJS and ESM,
//      bundler) for every exported entry point (`.`, `./testing`, `./package.json`): no problems;
//   4. a smoke test in a fresh consumer project that installs the tarball and rxjs (its one copy):
//      (a) require('aui-rx') + require('aui-rx/testing') create a task and stream a turn from FakeAuiServer,
//      (b) the same with import(),
//      (c) rxjs inside the installed aui-rx resolves to the consumer's copy (no nested rxjs),
//      (d) marble tests in the consumer (CJS and ESM): TestScheduler.run virtualises retryOn1011's delays;
//   5. source maps: every .map in the tarball embeds its sources (sourcesContent), so a stack trace
//      opens real code although lib/ is not shipped;
//   6. real bundlers (vite and webpack, aui-rx's devDependencies) build a page that imports
//      { AuiClient, retryOn1011, failFastOn1008, accumulateText } from the installed tarball for
//      production: the browser socket is bundled (browser-socket.js; no `ws`, no `node:` module, no
//      node-socket.js), no warning; each reports the gzip -9 bytes aui-rx adds (with zod, and alone);
//   7. an ESM server build (esbuild, platform node, format esm, with the Angular SSR build's options)
//      of a module importing aui-rx: no esbuild warning, every package it reaches is ESM (the rule
//      Angular's builder warns by: "Module 'x' used by 'y' is not ESM"), and the bundle streams a turn.
// Then the browser-safe testing kit: a spec importing MockWebSocket/FakeFetch from 'aui-rx/testing'
// type-checks with types: [] and no @types/node, and runs under Karma + Chromium, Vitest browser mode
// and Vitest + jsdom (see checkBrowserTesting).
// Everything runs under one deadline; the temporary folder is removed at the end. Prints PASS/FAIL
// per check and a summary; exits 1 on any problem.
//
//   node scripts/check-package.mjs        (npm run check:package; CHECK_PACKAGE_KEEP=1 keeps the temp folder)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DEADLINE_MS = Number(process.env.CHECK_PACKAGE_DEADLINE_MS ?? 8 * 60_000);
const started = Date.now();
const results = [];
const children = new Set();
let work;

function record(name, ok, detail = '') {
  results.push({ name, ok, detail });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}

const remaining = () => DEADLINE_MS - (Date.now() - started);

/** Runs a command (its own process group, so a timeout kills its children too); never throws. */
function run(command, args, { cwd = root, timeoutMs = 120_000, env = {} } = {}) {
  const limit = Math.max(1_000, Math.min(timeoutMs, remaining()));
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, limit);
    const done = (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolvePromise({ code: timedOut ? null : code, stdout, stderr, timedOut, limit });
    };
    child.on('error', (error) => {
      stderr += String(error);
      done(127);
    });
    child.on('close', (code) => done(code));
  });
}

function killTree(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The useful tail of a failed command's output (npm's config warning lines dropped). */
function tail(res, lines = 25) {
  const text = `${res.stdout}\n${res.stderr}`
    .split('\n')
    .filter((l) => l.trim() && !/Unknown user config/.test(l))
    .slice(-lines)
    .join('\n');
  return res.timedOut ? `timed out after ${res.limit} ms\n${text}` : text;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Every .map file under `dir` (the unpacked tarball) with what it lacks: sources neither embedded nor shipped. */
function sourceMapProblems(dir) {
  const maps = [];
  (function walk(d) {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.map')) maps.push(full);
    }
  })(dir);
  const problems = [];
  for (const file of maps) {
    const map = JSON.parse(readFileSync(file, 'utf8'));
    const sources = map.sources ?? [];
    sources.forEach((source, i) => {
      const embedded = typeof map.sourcesContent?.[i] === 'string' && map.sourcesContent[i].length > 0;
      if (!embedded && !existsSync(resolve(dirname(file), map.sourceRoot ?? '', source))) problems.push(`${file.slice(dir.length + 1)}: ${source}`);
    });
    if (sources.length === 0) problems.push(`${file.slice(dir.length + 1)}: no sources`);
  }
  return { maps: maps.length, problems };
}

const bytes = (n) => `${n.toLocaleString('en-US')} B`;

// ---------------------------------------------------------------------------------------------
// Consumer scripts. They log no secrets: FAKE_API_KEY is only passed to the client.

const streamBody = (flavour) => `
  const server = await FakeAuiServer.start();
  const client = new AuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
  try {
    const create$ = client.createTask({ user_id: 'smoke-${flavour}' });
    assert.ok(create$ instanceof Observable, 'client methods return the consumer rxjs Observable');
    const task = await lastValueFrom(create$);
    assert.match(task.id, /^[0-9a-f]{24}$/);
    const text = 'a built-in microwave under $500 (${flavour})';
    const events = await lastValueFrom(client.streamMessage({ task_id: task.id, text }).pipe(toArray()));
    const final = events.at(-1);
    const texts = events.filter((e) => e.kind === 'text');
    assert.equal(final.kind, 'final');
    assert.equal(final.message.text, agentReplyText(text));
    assert.ok(texts.length >= 2, 'several text events');
    assert.equal(texts.at(-1).text, agentReplyText(text));
    assert.equal(server.stats.turns, 1);
    console.log(JSON.stringify({ flavour: '${flavour}', textEvents: texts.length, finalChars: final.message.text.length }));
  } finally {
    client.close();
    await server.stop();
  }
`;

const CJS_STREAM = `'use strict';
const assert = require('node:assert/strict');
const { AuiClient } = require('aui-rx');
const { FakeAuiServer, agentReplyText } = require('aui-rx/testing');
const { Observable, lastValueFrom, toArray } = require('rxjs');
(async () => {${streamBody('cjs')}})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

const ESM_STREAM = `import assert from 'node:assert/strict';
import { Observable, lastValueFrom, toArray } from 'rxjs';
const { AuiClient } = await import('aui-rx');
const { FakeAuiServer, agentReplyText } = await import('aui-rx/testing');
${streamBody('esm')}
`;

const PEER_CHECK = `'use strict';
const assert = require('node:assert/strict');
const { existsSync, readdirSync, realpathSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const consumerRxjs = realpathSync(require.resolve('rxjs'));
const fromLib = realpathSync(createRequire(require.resolve('aui-rx')).resolve('rxjs'));
const fromTesting = realpathSync(createRequire(require.resolve('aui-rx/testing')).resolve('rxjs'));
assert.equal(fromLib, consumerRxjs, 'aui-rx resolves rxjs to the consumer copy');
assert.equal(fromTesting, consumerRxjs, 'aui-rx/testing resolves rxjs to the consumer copy');
// Every rxjs package.json under node_modules: exactly one.
const copies = [];
(function walk(dir, depth) {
  if (depth > 6 || !existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = join(dir, entry.name);
    if (entry.name === 'rxjs' && existsSync(join(full, 'package.json'))) copies.push(full);
    if (entry.name.startsWith('@')) walk(full, depth);
    else if (existsSync(join(full, 'node_modules'))) walk(join(full, 'node_modules'), depth + 1);
  }
})(join(process.cwd(), 'node_modules'), 0);
assert.deepEqual(copies, [join(process.cwd(), 'node_modules', 'rxjs')], 'one rxjs in the tree');
const rxjsVersion = require('rxjs/package.json').version;
const peer = require('aui-rx/package.json').peerDependencies;
console.log(JSON.stringify({ rxjs: rxjsVersion, peer: peer.rxjs, copies: copies.length, resolved: 'node_modules/' + fromLib.split('/node_modules/').pop() }));
`;

// Marble tests: fail at 0 → wait 500 → resubscribe at 500, fail → wait 1000 → resubscribe at 1500,
// fail → retries exhausted (count 2) → error at 1500. A 1008 passes at once with one subscription.
// If aui-rx had its own rxjs, its timer would run on a real clock and these expectations would fail.
const marbleBody = `
  const err1011 = new AuiServerError('internal error', { closeCode: 1011 });
  const err1008 = new AuiAuthenticationError('invalid API key', { closeCode: 1008 });
  // one TestScheduler per run: frames would carry over from one run to the next
  const testScheduler = () => new TestScheduler((actual, expected) => assert.deepStrictEqual(actual, expected));
  testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('#', undefined, err1011);
    expectObservable(source.pipe(retryOn1011({ jitter: false, count: 2 }))).toBe('1500ms #', undefined, err1011);
    expectSubscriptions(source.subscriptions).toBe(['(^!)', '500ms (^!)', '1500ms (^!)']);
  });
  testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    // default count 3, one frame per attempt: fails at 1 → +500 → 501, fails at 502 → +1000 → 1502,
    // fails at 1503 → +2000 → 3503, fails at 3504: retries used up
    const source = cold('-#', undefined, err1011);
    expectObservable(source.pipe(retryOn1011({ jitter: false }))).toBe('3504ms #', undefined, err1011);
    expectSubscriptions(source.subscriptions).toBe(['^!', '501ms ^!', '1502ms ^!', '3503ms ^!']);
  });
  testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('--#', undefined, err1008);
    expectObservable(source.pipe(failFastOn1008(), retryOn1011({ jitter: false }))).toBe('--#', undefined, err1008);
    expectSubscriptions(source.subscriptions).toBe('^-!');
  });
  const wallClockStart = Date.now();
  testScheduler().run(({ cold, expectObservable }) => {
    const source = cold('#', undefined, err1011);
    expectObservable(source.pipe(retryOn1011({ jitter: false, count: 3, maxDelayMs: 60000, initialDelayMs: 20000 }))).toBe('120000ms #', undefined, err1011); // 20 s + 40 s + 60 s (capped)
  });
  assert.ok(Date.now() - wallClockStart < 5000, '120 s of backoff ran in virtual time');
`;

const CJS_MARBLE = `'use strict';
const assert = require('node:assert/strict');
const { TestScheduler } = require('rxjs/testing');
const { AuiServerError, AuiAuthenticationError, retryOn1011, failFastOn1008 } = require('aui-rx');
${marbleBody}
console.log(JSON.stringify({ marble: 'cjs', ok: true }));
`;

const ESM_MARBLE = `import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { AuiServerError, AuiAuthenticationError, retryOn1011, failFastOn1008 } from 'aui-rx';
${marbleBody}
console.log(JSON.stringify({ marble: 'esm', ok: true }));
`;

// Real bundlers. The page imports what a typical app imports and uses it (so nothing is tree-shaken
// away); the base page has no aui-rx, so app − base is what aui-rx adds. rxjs is external in all three
// builds (a peer the app has anyway), zod too in the `alone` build. vite and webpack are aui-rx's
// devDependencies, loaded from its node_modules; the page resolves aui-rx, zod and rxjs from the
// consumer's node_modules (the tarball). Prints one JSON line.
const TYPICAL_PAGE = `import { AuiClient, retryOn1011, failFastOn1008, accumulateText } from 'aui-rx';
const client = new AuiClient({ apiKey: () => sessionStorage.getItem('aui-key') ?? '', baseUrl: location.origin });
document.querySelector('button')?.addEventListener('click', () => {
  client
    .streamMessage({ task_id: '68e78d0dc5a4b19a030d03d6', text: 'a built-in microwave' })
    .pipe(failFastOn1008(), retryOn1011(), accumulateText())
    .subscribe({ next: (text) => (document.body.textContent = text), error: (e) => (document.title = e.name) });
});
`;
const BASE_PAGE = `document.querySelector('button')?.addEventListener('click', () => (document.body.textContent = 'hello'));
`;

const BUNDLER_BUILD = `import { gzipSync } from 'node:zlib';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
const root = process.env.AUI_RX_ROOT;
const bundler = process.argv[2];
const rootRequire = createRequire(join(root, 'package.json'));
const RXJS = /^rxjs(\\/|$)/;
const ZOD = /^zod(\\/|$)/;
const gzip = (buf) => gzipSync(buf, { level: 9 }).length;

async function viteBuild(entry, external) {
  const vite = await import(pathToFileURL(join(root, 'node_modules/vite/dist/node/index.js')).href);
  const warnings = [];
  const logger = vite.createLogger('warn');
  const keep = (m) => warnings.push(String(m));
  const customLogger = { ...logger, warn: keep, warnOnce: keep, error: keep };
  const result = await vite.build({
    root: process.cwd(), configFile: false, envDir: false, mode: 'production', logLevel: 'warn', customLogger,
    build: { write: false, minify: true, reportCompressedSize: false, rolldownOptions: { input: entry, external, onwarn: (w) => keep(w.message ?? w) } },
  });
  const chunks = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output).filter((o) => o.type === 'chunk');
  return {
    version: vite.version,
    minBytes: chunks.reduce((s, c) => s + Buffer.byteLength(c.code), 0),
    gzipBytes: chunks.reduce((s, c) => s + gzip(c.code), 0),
    modules: chunks.flatMap((c) => c.moduleIds),
    warnings,
  };
}

async function webpackBuild(entry, external) {
  const webpack = rootRequire('webpack');
  const out = join(process.cwd(), 'webpack-out', entry.replace(/\\W/g, '_'));
  const compiler = webpack({
    mode: 'production', context: process.cwd(), entry: './' + entry, target: 'web', devtool: false,
    experiments: { outputModule: true }, externalsType: 'module',
    externals: [({ request }, callback) => (external.some((re) => re.test(request)) ? callback(null, request) : callback())],
    output: { path: out, filename: 'main.js', module: true, clean: true },
  });
  const stats = await new Promise((resolve, reject) => compiler.run((error, s) => (error ? reject(error) : resolve(s))));
  await new Promise((resolve) => compiler.close(resolve));
  const json = stats.toJson({ all: false, modules: true, nestedModules: true, warnings: true, errors: true });
  const modules = [];
  (function walk(list) {
    for (const m of list ?? []) {
      if (m.nameForCondition) modules.push(m.nameForCondition);
      walk(m.modules);
    }
  })(json.modules);
  const files = readdirSync(out).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(out, f)));
  rmSync(out, { recursive: true, force: true });
  return {
    version: webpack.version,
    minBytes: files.reduce((s, b) => s + b.length, 0),
    gzipBytes: files.reduce((s, b) => s + gzip(b), 0),
    modules,
    warnings: [...json.warnings, ...json.errors].map((w) => String(w.message ?? w)),
  };
}

const build = bundler === 'vite' ? viteBuild : webpackBuild;
const app = await build('page-app.js', [RXJS]);
const alone = await build('page-app.js', [RXJS, ZOD]);
const base = await build('page-base.js', [RXJS]);
console.log(JSON.stringify({ bundler, version: app.version, app, alone, base }));
`;

// An ESM server build of aui-rx with the options of Angular's SSR build (@angular/build 21:
// platform node, format esm, its main fields and conditions, the createRequire banner), everything
// bundled. Fails on any esbuild warning and on any package reached through a non-relative import that
// is not ESM (what Angular warns about). Then the bundle streams a turn from FakeAuiServer.
const SSR_ENTRY = `import { AuiClient, accumulateText } from 'aui-rx';
import { lastValueFrom } from 'rxjs';
export async function streamOnce(baseUrl, apiKey, text) {
  const client = new AuiClient({ apiKey, baseUrl });
  try {
    return await lastValueFrom(client.streamMessage({ task_id: (await lastValueFrom(client.createTask({ user_id: 'ssr' }))).id, text }).pipe(accumulateText()));
  } finally {
    client.close();
  }
}
`;

const SSR_BUILD = `import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
const esbuild = createRequire(join(process.env.AUI_RX_ROOT, 'package.json'))('esbuild');
const result = await esbuild.build({
  entryPoints: ['ssr-entry.mjs'], outfile: 'ssr-out/server.mjs', bundle: true, platform: 'node', format: 'esm', target: 'es2022',
  mainFields: ['es2020', 'es2015', 'module', 'main'], conditions: ['es2015', 'es2020', 'module', 'production'],
  banner: { js: "import { createRequire as __ngCreateRequire } from 'node:module';\\nglobalThis['require'] ??= __ngCreateRequire(import.meta.url);" },
  metafile: true, logLevel: 'silent',
  // Angular's rxjs plugin: rxjs's "node" condition is its CommonJS build; Angular takes dist/esm instead
  plugins: [{ name: 'rxjs-esm', setup(build) {
    build.onResolve({ filter: /^rxjs/ }, async (args) => {
      if (args.pluginData?.rxjsEsm) return null;
      const result = await build.resolve(args.path, { importer: args.importer, kind: args.kind, resolveDir: args.resolveDir, pluginData: { rxjsEsm: true } });
      result.path = result.path.replace(/([\\/]dist[\\/])cjs([\\/])/, '$1esm$2');
      return result;
    });
  } }],
});
const warnings = result.warnings.map((w) => w.text);
// Angular's rule (commonjs-checker): walk the imports from the entry; a non-relative import whose file
// is not ESM is reported (and not walked into); relative imports are walked.
const notEsm = [];
const seen = new Set();
const files = [Object.values(result.metafile.outputs)[0].entryPoint];
for (let file; (file = files.shift()); ) {
  for (const imported of result.metafile.inputs[file].imports) {
    if (!imported.original || seen.has(imported.path)) continue;
    seen.add(imported.path);
    if (!/\\.[cm]?[jt]sx?$/.test(imported.path)) continue;
    if (imported.original[0] !== '.' && result.metafile.inputs[imported.path].format !== 'esm') {
      notEsm.push(\`Module '\${imported.original}' used by '\${file}' is not ESM\`);
      continue;
    }
    files.push(imported.path);
  }
}
const inputs = Object.keys(result.metafile.inputs);
const socketFiles = inputs.filter((p) => /node-socket\\.js$|browser-socket\\.js$|\\/ws\\/wrapper\\.mjs$/.test(p)).map((p) => p.split('node_modules/').pop());
assert.deepEqual(warnings, [], 'esbuild warnings');
assert.deepEqual(notEsm, [], 'every package the server build reaches is ESM');
const { FakeAuiServer, agentReplyText } = await import('aui-rx/testing');
const { streamOnce } = await import('./ssr-out/server.mjs');
const server = await FakeAuiServer.start();
try {
  const text = await streamOnce(server.baseUrl, server.apiKey, 'rendered on the server');
  assert.equal(text, agentReplyText('rendered on the server'));
} finally {
  await server.stop();
}
console.log(JSON.stringify({ warnings: 0, notEsm: 0, modules: inputs.length, socket: socketFiles }));
`;

// ---------------------------------------------------------------------------------------------
// The browser-safe testing kit (design.md §5, issue 16): one spec that imports MockWebSocket and
// FakeFetch from 'aui-rx/testing' (the tarball) and marble-tests a client on them runs under Karma +
// headless Chromium (bundled by esbuild for the browser, as Angular's Karma builder does), Vitest
// browser mode (Playwright on the system Chromium: CHROME_BIN, default /usr/bin/chromium) and Vitest +
// jsdom; in a real browser it must get the browser entry (no FakeAuiServer, no node:http). The spec
// declares the two globals it uses, so `tsc` checks it with `types: []` in the lean consumer, where no
// @types/node is installed. The runners are installed from the registry into their own temporary
// consumer, never into aui-rx's devDependencies.

const BROWSER_SPEC = `import { AuiClient } from 'aui-rx';
import * as testing from 'aui-rx/testing';
import { FakeFetch, MockWebSocket } from 'aui-rx/testing';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, body: () => void) => void;

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(\`check failed: \${what}\`);
}
function same(actual: unknown, expected: unknown, what: string): void {
  check(JSON.stringify(actual) === JSON.stringify(expected), \`\${what}: \${JSON.stringify(actual)} !== \${JSON.stringify(expected)}\`);
}

const TASK = { id: '0123456789abcdef01234567', user_id: 'user-1', title: 'Kettle', created_at: '2025-11-12T14:03:46.984000' };
const FINAL = {
  id: 'msg-1',
  created_at: '2025-11-12T14:03:46.984000',
  text: 'Hello',
  sender: { id: 'intelligent-agent', type: 'agent' },
  receiver: { id: 'user-1', type: 'user' },
  cards: [],
  followup_suggestions: [],
};

describe('aui-rx/testing (MockWebSocket, FakeFetch) in this runner', () => {
  it('streams a reply from MockWebSocket in virtual time', () => {
    MockWebSocket.reset();
    const scheduler = new TestScheduler((actual, expected) => same(actual, expected, 'marbles'));
    scheduler.run(({ expectObservable }) => {
      const client = new AuiClient({ apiKey: 'k', baseUrl: 'https://aui.test', WebSocket: MockWebSocket, scheduler });
      const reply$ = client
        .streamMessage({ task_id: 'task-1', text: 'hi' })
        .pipe(map((e) => (e.kind === 'final' ? \`final:\${e.message.text}\` : e.kind === 'text' ? \`text:\${e.text}\` : e.kind)));
      scheduler.schedule(() => MockWebSocket.latest?.open(), 1);
      scheduler.schedule(() => MockWebSocket.latest?.receive({ event: 'thread-message-text-content-updated', data: { text: 'Hel' } }), 3);
      scheduler.schedule(() => MockWebSocket.latest?.receive(FINAL), 5);
      expectObservable(reply$).toBe('---a-(b|)', { a: 'text:Hel', b: 'final:Hello' });
    });
    same(MockWebSocket.instances.length, 1, 'one socket');
  });

  it('answers REST from FakeFetch in virtual time', () => {
    const scheduler = new TestScheduler((actual, expected) => same(actual, expected, 'marbles'));
    scheduler.run(({ expectObservable }) => {
      const fake = new FakeFetch({ scheduler }).respondWith({ status: 200, body: TASK, delayMs: 40 });
      const client = new AuiClient({ apiKey: 'k', baseUrl: 'https://aui.test', fetch: fake.fetch, scheduler });
      expectObservable(client.getTask(TASK.id).pipe(map((t) => t.title))).toBe('40ms (a|)', { a: 'Kettle' });
    });
  });

  it('gets the browser entry in a real browser (no FakeAuiServer, no node:http)', () => {
    const realBrowser = typeof navigator !== 'undefined' && !/jsdom/i.test(navigator.userAgent);
    if (realBrowser) check(!('FakeAuiServer' in testing), 'the browser entry of aui-rx/testing');
  });
});
`;

const KARMA_CONF = `module.exports = (config) =>
  config.set({
    frameworks: ['jasmine'],
    plugins: ['karma-jasmine', 'karma-chrome-launcher'],
    files: ['karma-bundle/spec.js'],
    browsers: ['ChromeHeadlessNoSandbox'],
    customLaunchers: { ChromeHeadlessNoSandbox: { base: 'ChromeHeadless', flags: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] } },
    reporters: ['dots'],
    singleRun: true,
    autoWatch: false,
    browserNoActivityTimeout: 60000,
    captureTimeout: 60000,
    logLevel: config.LOG_WARN,
  });
`;

const VITEST_BROWSER_CONF = `import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
export default defineConfig({
  test: {
    globals: true,
    include: ['spec.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: { executablePath: process.env.CHROME_BIN, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] } }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
`;

const VITEST_JSDOM_CONF = `import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { globals: true, environment: 'jsdom', include: ['spec.ts'] } });
`;

// What the browser consumer installs besides the tarball and rxjs (Node 20-compatible majors).
const BROWSER_RUNNERS = [
  'karma@^6.4.4',
  'karma-jasmine@^5.1.0',
  'jasmine-core@^5.1.0',
  'karma-chrome-launcher@^3.2.0',
  'esbuild@^0.28.0',
  'vitest@^4.1.12',
  '@vitest/browser-playwright@^4.1.12',
  'playwright@^1.65.0',
  'jsdom@^27.4.0',
];

/** A strict tsconfig for the spec with `types: []` (no ambient @types at all) plus `extra`. */
function typesOnlyTsconfig(extra) {
  return JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        module: 'ESNext',
        moduleResolution: 'Bundler',
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        types: [],
        noEmit: true,
        ...extra,
      },
      files: ['browser-spec.ts'],
    },
    null,
    2,
  );
}

/** The last line of a runner's output that says how many tests passed. */
function passedLine(res, pattern) {
  return (`${res.stdout}\n${res.stderr}`.split('\n').filter((l) => pattern.test(l)).at(-1) ?? '').trim();
}

/** The browser-safe testing checks, after main() (they need its tarball and its lean consumer). */
async function checkBrowserTesting() {
  if (!work) return;
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  const consumer = join(work, 'consumer');
  if (!tarball || !existsSync(join(consumer, 'node_modules', 'aui-rx', 'package.json'))) return;

  // (e) tsc with types: [] where no @types/node is installed (the lean consumer: tarball + rxjs)
  writeFileSync(join(consumer, 'browser-spec.ts'), BROWSER_SPEC);
  const nodeTypes = existsSync(join(consumer, 'node_modules', '@types', 'node'));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const configs = [
    ['skipLibCheck: true (the Angular CLI default)', { skipLibCheck: true }],
    ["skipLibCheck: false, customConditions: ['browser'] (the browser entry's declarations)", { skipLibCheck: false, customConditions: ['browser'] }],
  ];
  for (const [i, [label, extra]] of configs.entries()) {
    const file = `tsconfig.browser-${i}.json`;
    writeFileSync(join(consumer, file), typesOnlyTsconfig(extra));
    const res = await run(process.execPath, [tsc, '-p', file], { cwd: consumer, timeoutMs: 90_000 });
    const ok = res.code === 0 && !nodeTypes;
    record(`browser testing: tsc --noEmit, strict, types: [], no @types/node installed, ${label}: a spec importing MockWebSocket/FakeFetch from aui-rx/testing`, ok, ok ? '' : nodeTypes ? '@types/node is installed in the consumer' : tail(res));
  }

  // (f–h) the runners, in a consumer of their own
  const chrome = process.env.CHROME_BIN || '/usr/bin/chromium';
  if (!existsSync(chrome)) {
    record('browser testing: Chromium for Karma and Vitest browser mode', false, `no Chromium at ${chrome} (set CHROME_BIN)`);
    return;
  }
  const dir = join(work, 'browser-consumer');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'aui-rx-browser-consumer', version: '1.0.0', private: true, type: 'module', license: 'UNLICENSED' }, null, 2));
  const env = { CHROME_BIN: chrome, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
  const install = await run(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock', join(work, tarball), 'rxjs@^7.8', ...BROWSER_RUNNERS], { cwd: dir, timeoutMs: 4 * 60_000, env });
  record(`browser testing: npm install <tarball> rxjs ${BROWSER_RUNNERS.map((p) => p.replace(/@\^.*/, '')).join(' ')}`, install.code === 0, install.code === 0 ? '' : tail(install));
  if (install.code !== 0) return;
  writeFileSync(join(dir, 'spec.ts'), BROWSER_SPEC);
  writeFileSync(join(dir, 'karma.conf.cjs'), KARMA_CONF);
  writeFileSync(join(dir, 'vitest.browser.config.mjs'), VITEST_BROWSER_CONF);
  writeFileSync(join(dir, 'vitest.jsdom.config.mjs'), VITEST_JSDOM_CONF);
  const local = (name) => join(dir, 'node_modules', '.bin', name);

  const bundle = await run(local('esbuild'), ['spec.ts', '--bundle', '--platform=browser', '--format=iife', '--target=es2022', '--outfile=karma-bundle/spec.js', '--log-level=warning'], { cwd: dir, timeoutMs: 60_000 });
  if (bundle.code !== 0 || /warning/i.test(bundle.stderr)) record('browser testing: Karma + jasmine, headless Chromium (spec bundled by esbuild for the browser)', false, tail(bundle));
  else {
    const karma = await run(local('karma'), ['start', 'karma.conf.cjs'], { cwd: dir, timeoutMs: 3 * 60_000, env });
    const line = passedLine(karma, /Executed \d+ of \d+/).replace(/\x1b\[[0-9;]*m/g, '').replace(/\s*\([\d.]+ secs.*$/, '');
    const ok = karma.code === 0 && /Executed 3 of 3.*SUCCESS/.test(line);
    record('browser testing: Karma + jasmine, headless Chromium (spec bundled by esbuild for the browser)', ok, ok ? line : tail(karma));
  }
  for (const [name, config] of [
    ['Vitest browser mode (Playwright, headless Chromium)', 'vitest.browser.config.mjs'],
    ['Vitest + jsdom', 'vitest.jsdom.config.mjs'],
  ]) {
    const res = await run(local('vitest'), ['run', '--config', config], { cwd: dir, timeoutMs: 3 * 60_000, env: { ...env, CI: '1' } });
    const line = passedLine(res, /Tests\s+\d+ passed/);
    const ok = res.code === 0 && /Tests\s+3 passed/.test(line);
    record(`browser testing: ${name}`, ok, ok ? line.replace(/\s+/g, ' ') : tail(res, 40));
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  for (const file of ['dist/cjs/index.js', 'dist/esm/index.js', 'dist/cjs/testing/index.js', 'dist/esm/testing/index.js']) {
    if (!existsSync(join(root, file))) {
      record('built package present', false, `${file} missing: run \`npm run build\` first`);
      return;
    }
  }
  work = mkdtempSync(join(tmpdir(), 'aui-rx-check-'));

  // 1. pack (no prepare: CI built already)
  const pack = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { timeoutMs: 60_000 });
  let tarball;
  try {
    const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0];
    tarball = join(work, info.filename);
    const files = info.files.map((f) => f.path);
    const unwanted = files.filter((f) => /^(lib|spec|bench|scripts|browser|examples)\/|^docs\/api\/|\.tsbuildinfo$/.test(f));
    const needed = ['package.json', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/esm/package.json', 'dist/cjs/package.json', 'testing/package.json', 'dist/cjs/cli/main.js', 'angular/package.json', 'dist/esm/angular/index.js', 'dist/cjs/angular/index.js', 'dist/esm/testing/browser.js', 'dist/cjs/testing/browser.js'];
    const missing = needed.filter((f) => !files.includes(f));
    const ok = pack.code === 0 && existsSync(tarball) && unwanted.length === 0 && missing.length === 0;
    record('npm pack', ok, ok ? `${info.filename}: ${info.entryCount} files, ${info.size} B packed, ${info.unpackedSize} B unpacked` : `exit ${pack.code}; missing [${missing}] unwanted [${unwanted.slice(0, 5)}]\n${tail(pack)}`);
    if (!ok) return;
  } catch (error) {
    record('npm pack', false, `${error}\n${tail(pack)}`);
    return;
  }

  // 5. source maps: each embeds its sources (or they ship in the tarball)
  const unpacked = join(work, 'unpacked');
  mkdirSync(unpacked);
  const untar = await run('tar', ['-xzf', tarball, '-C', unpacked], { timeoutMs: 60_000 });
  if (untar.code !== 0) record('source maps (every .map in the tarball has sourcesContent)', false, tail(untar));
  else {
    const { maps, problems } = sourceMapProblems(join(unpacked, 'package'));
    const ok = maps > 0 && problems.length === 0;
    record('source maps (every .map in the tarball has sourcesContent)', ok, ok ? `${maps} .map files, every source embedded` : `${maps} .map files; sources neither embedded nor shipped:\n  ${problems.slice(0, 10).join('\n  ')}${problems.length > 10 ? `\n  … ${problems.length - 10} more` : ''}`);
  }

  // 2. publint on the tarball: "All good!" means no error, warning or suggestion.
  const lint = await run(bin('publint'), ['run', tarball, '--level', 'suggestion', '--strict'], { timeoutMs: 60_000 });
  const lintOk = lint.code === 0 && /All good!/.test(lint.stdout);
  record('publint (tarball; errors, warnings and suggestions)', lintOk, lintOk ? 'All good!' : tail(lint));

  // 3. attw, strict profile: every resolution mode for every exported entry point.
  const attw = await run(bin('attw'), [tarball, '--profile', 'strict', '--format', 'table-flipped', '--no-color', '--no-emoji'], { timeoutMs: 90_000 });
  const attwOk = attw.code === 0 && /No problems found/.test(attw.stdout);
  record('attw --profile strict (., ./testing, ./relay, ./angular, ./package.json × node10, node16-cjs, node16-esm, bundler)', attwOk, attwOk ? 'No problems found' : tail(attw, 40));

  // 4. consumer project
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'aui-rx-consumer', version: '1.0.0', private: true, description: 'aui-rx pack smoke test', license: 'UNLICENSED' }, null, 2));
  const install = await run(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball, 'rxjs@^7.8'], { cwd: consumer, timeoutMs: 4 * 60_000 });
  record('consumer: npm install <tarball> rxjs@^7.8', install.code === 0, install.code === 0 ? '' : tail(install));
  if (install.code !== 0) return;

  const scripts = {
    'stream.cjs': ['(a) CJS require(\'aui-rx\') + require(\'aui-rx/testing\'): createTask + streamMessage to final', CJS_STREAM],
    'stream.mjs': ['(b) ESM import(\'aui-rx\') + import(\'aui-rx/testing\'): createTask + streamMessage to final', ESM_STREAM],
    'peer.cjs': ['(c) rxjs from inside aui-rx resolves to the consumer\'s single copy', PEER_CHECK],
    'marble.cjs': ['(d) CJS marble test: TestScheduler.run virtualises retryOn1011 (500/1000/2000 ms) and failFastOn1008', CJS_MARBLE],
    'marble.mjs': ['(d) ESM marble test: TestScheduler.run virtualises retryOn1011 (500/1000/2000 ms) and failFastOn1008', ESM_MARBLE],
  };
  for (const [file, [name, source]] of Object.entries(scripts)) {
    writeFileSync(join(consumer, file), source);
    const res = await run(process.execPath, [file], { cwd: consumer, timeoutMs: 60_000 });
    const out = res.stdout.trim().split('\n').filter(Boolean).at(-1) ?? '';
    record(`consumer: ${name}`, res.code === 0, res.code === 0 ? out : tail(res));
  }

  // 6. vite and webpack production builds of a page importing aui-rx from the tarball
  writeFileSync(join(consumer, 'page-app.js'), TYPICAL_PAGE);
  writeFileSync(join(consumer, 'page-base.js'), BASE_PAGE);
  writeFileSync(join(consumer, 'bundler-build.mjs'), BUNDLER_BUILD);
  for (const bundler of ['vite', 'webpack']) {
    const name = `${bundler}: production build of a page importing { AuiClient, retryOn1011, failFastOn1008, accumulateText } (browser socket, no ws / node: / node-socket.js / default-websocket.js / jit-object.js, no warning)`;
    const res = await run(process.execPath, ['bundler-build.mjs', bundler], { cwd: consumer, timeoutMs: 3 * 60_000, env: { AUI_RX_ROOT: root } });
    let report;
    try {
      report = JSON.parse(res.stdout.trim().split('\n').at(-1));
    } catch {
      record(name, false, tail(res));
      continue;
    }
    const problems = [];
    for (const [build, r] of [['app', report.app], ['alone', report.alone], ['base', report.base]]) {
      if (r.warnings.length) problems.push(`${build}: ${r.warnings.length} warning(s): ${r.warnings.join(' | ').slice(0, 600)}`);
    }
    for (const [build, r] of [['app', report.app], ['alone', report.alone]]) {
      const nodeOnly = r.modules.filter((m) => /(^|\/)node_modules\/ws\//.test(m) || /^\0?node:/.test(m) || /\/(node-socket|default-websocket|jit-object)\.js$/.test(m));
      if (nodeOnly.length) problems.push(`${build}: Node-only modules bundled: ${nodeOnly.join(', ')}`);
      if (!r.modules.some((m) => m.endsWith('/aui-rx/dist/esm/transports/websocket/browser-socket.js'))) problems.push(`${build}: aui-rx's browser-socket.js is not in the bundle (${r.modules.length} modules)`);
    }
    const added = report.app.gzipBytes - report.base.gzipBytes;
    const addedAlone = report.alone.gzipBytes - report.base.gzipBytes;
    const figures = `${bundler} ${report.version}: adds ${bytes(added)} gzip -9 with zod (${bytes(report.app.minBytes - report.base.minBytes)} minified), ${bytes(addedAlone)} gzip aui-rx alone (zod external); rxjs external`;
    record(name, res.code === 0 && problems.length === 0, problems.length ? `${problems.join('\n')}\n${figures}` : figures);
  }

  // 7. an ESM server build (the options of Angular's SSR build) takes aui-rx cleanly and runs
  writeFileSync(join(consumer, 'ssr-entry.mjs'), SSR_ENTRY);
  writeFileSync(join(consumer, 'ssr-build.mjs'), SSR_BUILD);
  const ssr = await run(process.execPath, ['ssr-build.mjs'], { cwd: consumer, timeoutMs: 2 * 60_000, env: { AUI_RX_ROOT: root } });
  const ssrOut = ssr.stdout.trim().split('\n').filter(Boolean).at(-1) ?? '';
  record('ESM server build (esbuild, platform node, format esm, Angular SSR options): no warning, every package ESM, streams a turn', ssr.code === 0, ssr.code === 0 ? ssrOut : tail(ssr, 40));
}

const deadline = setTimeout(() => {
  record('deadline', false, `not finished within ${DEADLINE_MS} ms`);
  for (const child of children) killTree(child);
  finish();
}, DEADLINE_MS);
deadline.unref();

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  clearTimeout(deadline);
  for (const child of children) killTree(child);
  if (work && process.env.CHECK_PACKAGE_KEEP === '1') console.log(`(kept ${work})`);
  else if (work) {
    try {
      rmSync(work, { recursive: true, force: true });
    } catch (error) {
      console.log(`(could not remove ${work}: ${error})`);
    }
  }
  const failed = results.filter((r) => !r.ok);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\ncheck-package: ${failed.length === 0 && results.length > 0 ? 'PASS' : 'FAIL'} — ${results.length - failed.length}/${results.length} checks passed in ${seconds} s`);
  for (const r of failed) console.log(`  failed: ${r.name}`);
  process.exit(failed.length === 0 && results.length > 0 ? 0 : 1);
}

main()
  .then(checkBrowserTesting)
  .catch((error) => record('check-package', false, String(error?.stack ?? error)))
  .finally(finish);

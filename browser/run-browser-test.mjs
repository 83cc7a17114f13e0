// `npm run test:browser`: aui-rx in a real browser, from the BUILT package (run `npm run build` first).
//   1. type-checks browser/page.ts against dist/esm's declarations (DOM lib, no Node types);
//   2. bundles it with esbuild for the browser from dist/esm (isomorphic-ws → its browser file, the
//      native WebSocket) and checks from the metafile that no `ws` / `node:` code is in the bundle;
//   3. starts FakeAuiServer (dist/esm/testing) and a static server for the page, both on 127.0.0.1
//      (the page's origin differs from the API's: REST goes through CORS, as in a real app);
//   4. drives Debian Chromium (playwright-core, /usr/bin/chromium, fresh profile) through three runs:
//      ok (DOM text equals the server's reply; screenshot → docs/browser.png), 1011 mid-turn (retried
//      by retryOn1011, the DOM ends with the right text, the server saw 2 turns), and a wrong key
//      (close 1008: failFastOn1008 stops it even under a downstream retry(2); 1 connection; the page
//      shows an authentication error);
//   5. behind aui-rx/relay (dist/esm/relay): the page is served next to the relay (one origin, the
//      user in a cookie), with no key and the relative baseUrl '/aui': it streams a reply through the
//      relay, no byte of the key is in the page's requests, its WebSocket URL or anything it received
//      (a TCP tap in front of the server), and another user's task is refused (403, close 1008).
// Everything runs under one deadline and is closed in `finally`. Prints PASS/FAIL lines; exits 1 on failure.
// The launch, the servers, the tap, the deadline and the PASS/FAIL lines: ./harness.mjs (shared with
// examples/angular/e2e/run-e2e.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closeHttp, createHarness, CHROMIUM, json, loadChromium, startHttp, startTap, withTimeout } from './harness.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '..');
const require = createRequire(import.meta.url);
const DEADLINE_MS = Number(process.env.BROWSER_TEST_DEADLINE_MS ?? 3 * 60_000);
const PAGE_TIMEOUT_MS = 20_000;
const SCREENSHOT = join(root, 'docs', 'browser.png');
const QUESTION = 'a built-in microwave under $500';
const WRONG_KEY = 'API_KEY_01WRONG000000000000000000000';

const harness = createHarness({ label: 'test:browser', crash: 'browser test', deadlineMs: DEADLINE_MS, secrets: [WRONG_KEY] });
const { check, redact } = harness;
let server;
let staticServer;
let relay;
let relayServer;
let tap;

// ---------------------------------------------------------------------------------------------

/** esbuild bundle of page.ts for the browser, `aui-rx` resolved to the built ESM. */
async function bundlePage() {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    alias: { 'aui-rx': join(root, 'dist/esm/index.js') },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const output = Object.values(result.metafile.outputs)[0];
  const parts = {};
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = path.startsWith('dist/esm/') ? 'aui-rx' : (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'page');
    parts[name] = (parts[name] ?? 0) + bytesInOutput;
  }
  const { gzipSync, constants } = await import('node:zlib');
  const gzipBytes = gzipSync(result.outputFiles[0].contents, { level: constants.Z_BEST_COMPRESSION }).length;
  return { code: result.outputFiles[0].text, inputs, parts, gzipBytes };
}

/** Serves `files`; with `relay`, the relay takes its paths (and upgrades) first and the page sets the user's cookie. */
function startStatic(files, relay) {
  const serveFile = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = files[path === '/' ? '/index.html' : path];
    if (!file) {
      res.writeHead(path === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    const cookie = relay && file.type.startsWith('text/html') ? { 'set-cookie': 'aui_user=browser-user; Path=/; SameSite=Strict; HttpOnly' } : {};
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store', ...cookie }).end(file.body);
  };
  return startHttp(serveFile, relay);
}

/** The `aui_user` cookie of a request: the user of the relay in this test. */
function cookieUser(req) {
  return /(?:^|;\s*)aui_user=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
}

/** Opens the page with `config`, waits until it reports done; returns its result, DOM texts and logs. */
async function runPage(origin, config, { screenshot, observe } = {}) {
  const page = await harness.context.newPage();
  observe?.(page);
  const logs = [];
  page.on('console', (msg) => logs.push(`console.${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`));
  try {
    await page.addInitScript((cfg) => {
      window.auiConfig = cfg;
    }, config);
    await page.goto(`${origin}/`, { timeout: PAGE_TIMEOUT_MS, waitUntil: 'load' });
    await page.waitForFunction(() => window.auiResult?.done === true, undefined, { timeout: PAGE_TIMEOUT_MS, polling: 50 });
    const result = await page.evaluate(() => window.auiResult);
    const dom = await page.evaluate(() => ({
      reply: document.getElementById('reply')?.textContent ?? '',
      replyVisible: !document.getElementById('reply')?.hidden,
      error: document.getElementById('error')?.hidden ? '' : (document.getElementById('error')?.textContent ?? ''),
      notice: document.getElementById('notice')?.hidden ? '' : (document.getElementById('notice')?.textContent ?? ''),
      cards: document.querySelectorAll('#cards .card').length,
      state: document.getElementById('state')?.textContent ?? '',
    }));
    if (screenshot) {
      await page.evaluate(() => document.fonts?.ready);
      await page.screenshot({ path: screenshot, fullPage: true, timeout: PAGE_TIMEOUT_MS });
    }
    return { result, dom, logs };
  } catch (error) {
    logs.push(`runner: ${error.message}`);
    const partial = await page.evaluate(() => window.auiResult).catch(() => undefined);
    return { result: partial, dom: undefined, logs, failure: error.message };
  } finally {
    await withTimeout(page.close(), 5_000, 'page.close').catch(() => undefined);
  }
}

function printLogs(logs) {
  for (const line of logs.slice(-20)) console.log(`    ${redact(line)}`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  if (!harness.chromiumPresent()) return;
  const built = ['dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/esm/testing/index.js'].every((f) => existsSync(join(root, f)));
  if (!check('built package present', built, built ? 'dist/esm' : 'run `npm run build` first')) return;

  // 1. type-check the page against the built declarations (no Node types)
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], { cwd: root, stdio: 'pipe', timeout: 60_000 });
    check('page.ts type-checks against dist/esm/index.d.ts (DOM lib, no @types/node)', true);
  } catch (error) {
    check('page.ts type-checks against dist/esm/index.d.ts (DOM lib, no @types/node)', false, `${error.stdout ?? ''}${error.stderr ?? ''}${error.message}`);
    return;
  }

  // 2. bundle from the browser build; no ws in it
  const bundle = await bundlePage();
  const wsInputs = bundle.inputs.filter((p) => /(^|\/)node_modules\/ws\//.test(p) || p.startsWith('node:'));
  const fromDist = bundle.inputs.filter((p) => p.startsWith('dist/esm/')).length;
  const fromLib = bundle.inputs.filter((p) => p.startsWith('lib/')).length;
  const browserWs = bundle.inputs.includes('node_modules/isomorphic-ws/browser.js');
  const nodeImports = /\bfrom\s*["'](?:ws|node:[^"']+)["']|\brequire\(\s*["'](?:ws|node:[^"']+)["']\s*\)/.test(bundle.code);
  check(
    'bundle: built from dist/esm, isomorphic-ws → browser.js (native WebSocket), no ws / node: code',
    wsInputs.length === 0 && !nodeImports && browserWs && fromDist > 0 && fromLib === 0,
    `page bundle ${bundle.code.length} B minified, ${bundle.gzipBytes} B gzip -9 (minified bytes by package: ${Object.entries(bundle.parts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}); ${fromDist} dist/esm modules; ws modules: ${wsInputs.length ? wsInputs.join(', ') : 'none'}`,
  );

  // 3. servers on loopback
  const { FakeAuiServer, agentReplyText } = await import(pathToFileURL(join(root, 'dist/esm/testing/index.js')).href);
  server = await FakeAuiServer.start({ frameDelayMs: 8 });
  harness.secrets.add(server.apiKey);
  staticServer = await startStatic({
    '/index.html': { type: 'text/html; charset=utf-8', body: readFileSync(join(here, 'index.html')) },
    '/page.js': { type: 'text/javascript; charset=utf-8', body: bundle.code },
  });
  const origin = `http://127.0.0.1:${staticServer.address().port}`;
  const expected = agentReplyText(QUESTION);

  // 4. Chromium
  const context = await harness.launch(loadChromium(), { profilePrefix: 'aui-rx-chromium-', viewport: { width: 900, height: 640 } });
  const version = context.browser()?.version() ?? execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim().replace(/\s+built on.*/, '');
  check('Chromium launched (headless, fresh profile)', true, version);

  // 4a. a plain turn
  server.reset();
  const ok = await runPage(origin, { baseUrl: server.baseUrl, apiKey: server.apiKey, question: QUESTION }, { screenshot: SCREENSHOT });
  const okPass = check(
    'stream: REST createTask + WebSocket stream, DOM text equals the server reply',
    ok.result?.ok === true && ok.dom?.reply === expected && ok.dom.cards === 2 && ok.result.textEvents >= 2,
    ok.failure ?? `${ok.result?.textEvents} text events, ${ok.dom?.cards} cards, ${ok.dom?.reply.length}/${expected.length} chars${ok.dom?.reply === expected ? '' : `, DOM: ${json(ok.dom?.reply)}`}`,
  );
  check(
    'stream: native WebSocket, 1 connection, 1 turn, REST through CORS',
    ok.result?.webSocket === 'WebSocket' && server.stats.connections === 1 && server.stats.turns === 1 && server.stats.restRequests === 1 && ok.result?.states.includes('open'),
    `WebSocket=${ok.result?.webSocket}, stats ${json(server.stats)}, states ${json(ok.result?.states)}`,
  );
  check('screenshot saved', okPass && existsSync(SCREENSHOT), 'docs/browser.png');
  if (!okPass) printLogs(ok.logs);

  // 4b. close 1011 after two frames: retryOn1011 resubscribes, the page restarts the text
  server.reset();
  server.failNextTurn({ type: 'close', code: 1011, afterFrames: 2 });
  const r1011 = await runPage(origin, { baseUrl: server.baseUrl, apiKey: server.apiKey, question: QUESTION, retryDelayMs: 200 });
  const pass1011 = check(
    '1011: retried by retryOn1011, DOM ends with the server reply, server saw 2 turns on 2 connections',
    r1011.result?.ok === true && r1011.dom?.reply === expected && r1011.result.restarts === 1 && server.stats.turns === 2 && server.stats.connections === 2,
    r1011.failure ?? `restarts ${r1011.result?.restarts}, notice ${json(r1011.dom?.notice)}, stats ${json(server.stats)}${r1011.dom?.reply === expected ? '' : `, DOM: ${json(r1011.dom?.reply)}`}`,
  );
  if (!pass1011) printLogs(r1011.logs);

  // 4c. a wrong key: close 1008, not retried (even under a downstream retry(2)), an authentication error in the page
  server.reset();
  const task = server.store.createTask('browser-user', server.apiKey);
  const r1008 = await runPage(origin, { baseUrl: server.baseUrl, apiKey: WRONG_KEY, question: QUESTION, taskId: task.id, extraRetries: 2 });
  const e = r1008.result?.error;
  const pass1008 = check(
    '1008: failFastOn1008, 1 connection, no turn, the page shows an authentication error',
    r1008.result?.done === true && r1008.result.ok === false && e?.kind === 'authentication' && e.closeCode === 1008 &&
      server.stats.connections === 1 && server.stats.turns === 0 && /Authentication failed/.test(r1008.dom?.error ?? '') && r1008.dom?.replyVisible === false,
    r1008.failure ?? `${e?.name} closeCode=${e?.closeCode}; DOM: ${json(r1008.dom?.error)}; stats ${json(server.stats)}`,
  );
  const re = r1008.result?.restError;
  check('1008: REST with the wrong key is AuiAuthenticationError 401 in the browser (CORS exposes the answer)', re?.kind === 'authentication' && re.status === 401, `${re?.name} status=${re?.status}`);
  if (!pass1008) printLogs(r1008.logs);

  // 5. behind aui-rx/relay: the page and the relay on one origin, no key in the page, baseUrl '/aui'
  const { createAuiRelay } = await import(pathToFileURL(join(root, 'dist/esm/relay/index.js')).href);
  server.reset();
  relay = createAuiRelay({ apiKey: server.apiKey, baseUrl: server.baseUrl, basePath: '/aui', authorize: cookieUser });
  relayServer = await startStatic(
    {
      '/index.html': { type: 'text/html; charset=utf-8', body: readFileSync(join(here, 'index.html')) },
      '/page.js': { type: 'text/javascript; charset=utf-8', body: bundle.code },
    },
    relay,
  );
  tap = await startTap(relayServer.address().port, { keep: 'both' });
  const relayOrigin = `http://127.0.0.1:${tap.port}`;
  const seen = [];
  const observe = (page) => {
    page.on('request', (request) => seen.push(`${request.method()} ${request.url()} ${json(request.headers())}`));
    page.on('websocket', (ws) => seen.push(`WS ${ws.url()}`));
  };
  const viaRelay = await runPage(relayOrigin, { baseUrl: '/aui', question: QUESTION }, { observe });
  const passRelay = check(
    'relay: a page with no key and baseUrl /aui streams through aui-rx/relay, DOM text equals the server reply',
    viaRelay.result?.ok === true && viaRelay.dom?.reply === expected && viaRelay.result.textEvents >= 2 && server.stats.turns === 1 && server.stats.connections === 1,
    viaRelay.failure ?? `${viaRelay.result?.textEvents} text events, stats ${json(server.stats)}${viaRelay.dom?.reply === expected ? '' : `, DOM: ${json(viaRelay.dom?.reply)}`}`,
  );
  if (!passRelay) printLogs(viaRelay.logs);
  const wsSeen = seen.filter((line) => line.startsWith('WS '));
  // The page's requests carry neither the key nor its parameter or header; the bytes (page.js holds those
  // names as constants of the library) never the key in any form.
  const keyForms = [server.apiKey, encodeURIComponent(server.apiKey)].map((k) => k.toLowerCase());
  const hasKey = (text) => keyForms.some((k) => text.toLowerCase().includes(k));
  const leaks = [...seen.filter((line) => /network_api_key|x-network-api-key/i.test(line) || hasKey(line)), ...(hasKey(tap.text()) ? ['tapped bytes'] : [])];
  check(
    'relay: no key in the page (requests, WebSocket URL, every byte sent or received); the relay added it upstream',
    wsSeen.length === 1 && /^WS ws:\/\/127\.0\.0\.1:\d+\/aui\/api\/v1\/external\/session$/.test(wsSeen[0]) && leaks.length === 0 && tap.text().length > 0 &&
      server.requests.length > 0 && server.requests.every((r) => r.headers['x-network-api-key'] === server.apiKey),
    `${seen.length} requests seen, WebSocket ${redact(wsSeen.join(', '))}, ${leaks.length} with a key, ${tap.text().length} bytes tapped`,
  );
  const foreign = server.store.createTask('someone-else', server.apiKey);
  const turnsBefore = server.stats.turns;
  const rForeign = await runPage(relayOrigin, { baseUrl: '/aui', question: QUESTION, taskId: foreign.id });
  const fe = rForeign.result?.error;
  check(
    "relay: another user's task is refused on the socket (403, close 1008), never forwarded",
    rForeign.result?.done === true && fe?.kind === 'authentication' && fe.status === 403 && fe.closeCode === 1008 && server.stats.turns === turnsBefore,
    rForeign.failure ?? `${fe?.name} status=${fe?.status} closeCode=${fe?.closeCode}; stats ${json(server.stats)}`,
  );
}

// ---------------------------------------------------------------------------------------------

await harness.run(main, () => [
  ['FakeAuiServer', () => server?.stop()],
  ['static server', () => closeHttp(staticServer)],
  ['relay', () => relay?.close()],
  ['tap', () => tap?.close()],
  ['relay server', () => closeHttp(relayServer)],
]);

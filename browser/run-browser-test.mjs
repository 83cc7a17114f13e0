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
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '..');
const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEADLINE_MS = Number(process.env.BROWSER_TEST_DEADLINE_MS ?? 3 * 60_000);
const PAGE_TIMEOUT_MS = 20_000;
const SCREENSHOT = join(root, 'docs', 'browser.png');
const QUESTION = 'a built-in microwave under $500';
const WRONG_KEY = 'API_KEY_01WRONG000000000000000000000';

const started = Date.now();
const results = [];
const secrets = new Set([WRONG_KEY]);
let server;
let staticServer;
let relay;
let relayServer;
let tap;
let context;
let userDataDir;

function redact(text) {
  let out = String(text).replace(/(network_api_key=)[^&\s'"]+/g, '$1***');
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

function check(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${redact(detail)}` : ''}`);
  return ok;
}

const json = (value) => JSON.stringify(value);

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

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
  const srv = createServer(relay ? (req, res) => relay.handler(req, res, () => serveFile(req, res)) : serveFile);
  if (relay) srv.on('upgrade', (req, socket, head) => relay.upgrade(req, socket, head) || socket.destroy());
  return new Promise((resolvePromise, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolvePromise(srv));
  });
}

/** A TCP proxy to `port` that keeps every byte in both directions (what the browser sent and received). */
function startTap(port) {
  const bytes = [];
  const sockets = new Set();
  const srv = createNetServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (d) => bytes.push(d));
    upstream.on('data', (d) => bytes.push(d));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
  });
  return new Promise((resolvePromise, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () =>
      resolvePromise({
        port: srv.address().port,
        text: () => Buffer.concat(bytes).toString('latin1'),
        close: () => new Promise((r) => {
          for (const s of sockets) s.destroy();
          srv.close(() => r());
        }),
      }),
    );
  });
}

/** The `aui_user` cookie of a request: the user of the relay in this test. */
function cookieUser(req) {
  return /(?:^|;\s*)aui_user=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
}

/** Opens the page with `config`, waits until it reports done; returns its result, DOM texts and logs. */
async function runPage(origin, config, { screenshot, observe } = {}) {
  const page = await context.newPage();
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
  if (!check('Chromium present', existsSync(CHROMIUM), existsSync(CHROMIUM) ? CHROMIUM : `${CHROMIUM} missing (apt-get install -y chromium)`)) return;
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
  secrets.add(server.apiKey);
  staticServer = await startStatic({
    '/index.html': { type: 'text/html; charset=utf-8', body: readFileSync(join(here, 'index.html')) },
    '/page.js': { type: 'text/javascript; charset=utf-8', body: bundle.code },
  });
  const origin = `http://127.0.0.1:${staticServer.address().port}`;
  const expected = agentReplyText(QUESTION);

  // 4. Chromium
  const { chromium } = await import('playwright-core');
  userDataDir = mkdtempSync(join(tmpdir(), 'aui-rx-chromium-'));
  context = await withTimeout(
    chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
      viewport: { width: 900, height: 640 },
      deviceScaleFactor: 1,
      timeout: 30_000,
    }),
    40_000,
    'chromium launch',
  );
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
  tap = await startTap(relayServer.address().port);
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

async function cleanup() {
  const steps = [
    ['browser', () => context?.close()],
    ['FakeAuiServer', () => server?.stop()],
    ['static server', () => staticServer && new Promise((r) => { staticServer.closeAllConnections?.(); staticServer.close(() => r()); })],
    ['relay', () => relay?.close()],
    ['tap', () => tap?.close()],
    ['relay server', () => relayServer && new Promise((r) => { relayServer.closeAllConnections?.(); relayServer.close(() => r()); })],
  ];
  for (const [name, step] of steps) {
    try {
      await withTimeout(Promise.resolve(step()), 10_000, `closing ${name}`);
    } catch (error) {
      console.log(`(cleanup: ${redact(error.message)})`);
    }
  }
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
}

function summary() {
  const failed = results.filter((r) => !r.ok);
  const pass = failed.length === 0 && results.length > 0;
  console.log(`\ntest:browser: ${pass ? 'PASS' : 'FAIL'} — ${results.length - failed.length}/${results.length} checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const r of failed) console.log(`  failed: ${r.name}`);
  return pass;
}

const deadline = setTimeout(() => {
  check('deadline', false, `not finished within ${DEADLINE_MS} ms`);
  void withTimeout(cleanup(), 15_000, 'cleanup').catch(() => undefined).finally(() => {
    summary();
    process.exit(1); // playwright kills the browser it launched when this process exits
  });
}, DEADLINE_MS);

let pass = false;
try {
  await main();
} catch (error) {
  check('browser test', false, error?.stack ?? String(error));
} finally {
  await cleanup();
  clearTimeout(deadline);
  pass = summary();
}
process.exit(pass ? 0 : 1);

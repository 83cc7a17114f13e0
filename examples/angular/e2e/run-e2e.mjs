// `npm run e2e` (after `npm run build`): the built Angular app in headless Chromium, talking to an
// aui-rx/relay in front of FakeAuiServer, everything on 127.0.0.1:
//   - one node:http server serves dist/aui-chat-app/browser and mounts the relay under /aui (REST and
//     the WebSocket upgrade); the relay's `authorize` reads the user from the `demo_user` cookie (or
//     the `x-demo-user` header) and holds the only copy of the key;
//   - alice asks a question: the reply streams into the page (the DOM is seen growing), ends with the
//     server's text and its cards; a screenshot goes to docs/angular-chat.png;
//   - alice asks again and the server closes that turn with 1011 after two frames: the chat retries,
//     the reply restarts in place and ends with the right text (2 turns upstream, no duplicated text);
//   - alice reopens her chat by its link: the history is loaded;
//   - mallory opens alice's chat by its link: refused, the page shows the 403, nothing reaches AUI;
//   - not one byte the page received (every TCP byte the server wrote to it, and every response body
//     and WebSocket frame Chromium decoded) contains the key.
// aui-rx, aui-rx/relay and aui-rx/testing come from this app's node_modules (the packed package);
// playwright-core from the repository's devDependencies. One deadline; everything closed in `finally`.
// Prints PASS/FAIL lines; exits 1 on failure. The launch, the web server, the tap, the deadline and the
// PASS/FAIL lines come from the repository's browser/harness.mjs (shared with `npm run test:browser`).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeHttp, createHarness, json, loadChromium, startHttp, startTap, withTimeout } from '../../../browser/harness.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const app = resolve(here, '..');
const repo = resolve(app, '../..');
const DIST = join(app, 'dist/aui-chat-app/browser');
const SCREENSHOT = join(repo, 'docs', 'angular-chat.png');
const DEADLINE_MS = Number(process.env.E2E_DEADLINE_MS ?? 3 * 60_000);
const WAIT_MS = 20_000;
const Q1 = 'a built-in microwave under $500';
const Q2 = 'and one with an air-fry mode?';

const harness = createHarness({ label: 'e2e', crash: 'e2e', deadlineMs: DEADLINE_MS });
const { check } = harness;
let upstream;
let relay;
let web;
let tap;

// ---------------------------------------------------------------------------------------------

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The app's built files; any other path without a file extension gets index.html (client routing). */
function serveStatic(req, res) {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  let file = normalize(join(DIST, path));
  if (!file.startsWith(DIST + sep) && file !== DIST) {
    res.writeHead(400).end();
    return;
  }
  if (path === '/' || (!extname(path) && !existsSync(file))) file = join(DIST, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  res.end(readFileSync(file));
}

/** The user of a request: the `demo_user` cookie, else the `x-demo-user` header; none → the relay answers 401. */
function userOf(req) {
  const cookie = /(?:^|;\s*)demo_user=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
  const header = req.headers['x-demo-user'];
  const user = cookie ? decodeURIComponent(cookie) : typeof header === 'string' ? header : undefined;
  return user && /^[a-z][a-z0-9-]{0,31}$/.test(user) ? user : undefined;
}

// ---------------------------------------------------------------------------------------------

/** What Chromium decoded for the page: response headers and bodies, WebSocket frames and closes. */
function recordPage(page, seen) {
  page.on('console', (msg) => seen.logs.push(`console.${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (error) => seen.logs.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    seen.pending.push(
      (async () => {
        seen.received.push(json(await response.allHeaders()));
        const body = await response.body().catch(() => undefined);
        if (body) seen.received.push(body.toString('latin1'));
      })(),
    );
  });
  page.on('websocket', (ws) => {
    seen.sockets.push(ws.url());
    ws.on('framereceived', (frame) => seen.received.push(typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('latin1')));
    ws.on('close', () => seen.received.push(`(closed ${ws.url()})`));
  });
}

/** Keeps every distinct text the last assistant message showed, to see a reply grow. */
function watchReplies() {
  const seen = [];
  window.__replyTexts = seen;
  new MutationObserver(() => {
    const all = document.querySelectorAll('app-chat li.message.assistant .text');
    const text = all[all.length - 1]?.textContent?.replace('▍', '') ?? '';
    if (text && seen[seen.length - 1] !== text) seen.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

async function openChat(user, path, seen) {
  const page = await harness.context.newPage();
  recordPage(page, seen);
  await harness.context.addCookies([{ name: 'demo_user', value: user, url: webOrigin() }]);
  await page.addInitScript(watchReplies);
  await page.goto(`${webOrigin()}${path}`, { timeout: WAIT_MS, waitUntil: 'load' });
  await page.waitForSelector('app-chat form', { timeout: WAIT_MS });
  return page;
}

async function ask(page, text) {
  await page.fill('app-chat textarea', text);
  await page.click('app-chat button.send');
}

/** The chat as the page shows it. */
function readChat(page) {
  return page.evaluate(() => {
    const q = (sel) => [...document.querySelectorAll(sel)];
    return {
      status: document.querySelector('app-chat .status')?.getAttribute('data-status') ?? '',
      messages: q('app-chat li.message').map((li) => ({
        role: li.getAttribute('data-role'),
        text: li.querySelector('.text')?.textContent?.replace('▍', '') ?? '',
        cards: li.querySelectorAll('.card').length,
      })),
      suggestions: q('app-chat .suggestions button').length,
      error: document.querySelector('app-chat .error')?.textContent?.trim() ?? '',
      link: document.querySelector('app-chat a.task-link')?.getAttribute('href') ?? '',
      replyTexts: window.__replyTexts ?? [],
    };
  });
}

/** Waits until the page shows `status` with `count` messages (the DOM updates after the click, not in it). */
const waitChat = (page, status, count) =>
  page.waitForFunction(
    ([s, n]) =>
      document.querySelector('app-chat .status')?.getAttribute('data-status') === s &&
      (n === undefined || document.querySelectorAll('app-chat li.message').length === n),
    [status, count],
    { timeout: WAIT_MS, polling: 20 },
  );

const webOrigin = () => `http://127.0.0.1:${tap.port}`;

// ---------------------------------------------------------------------------------------------

async function main() {
  if (!harness.chromiumPresent()) return;
  if (!check('app built', existsSync(join(DIST, 'index.html')), existsSync(join(DIST, 'index.html')) ? DIST : 'run `npm run build` first')) return;

  const { FakeAuiServer, agentReplyText } = await import('aui-rx/testing');
  const { createAuiRelay } = await import('aui-rx/relay');
  upstream = await FakeAuiServer.start({ frameDelayMs: 25 });
  harness.secrets.add(upstream.apiKey);
  relay = createAuiRelay({ apiKey: upstream.apiKey, baseUrl: upstream.baseUrl, basePath: '/aui', authorize: userOf });
  // The relay takes its own paths (/aui/api/v1/external/...) and passes the rest on, as middleware.
  web = await startHttp(serveStatic, relay);
  // A TCP tap in front of the web server: the page connects to it, and every byte on the way back to
  // the page (HTTP heads, bodies, WebSocket frames) is kept for the key check.
  tap = await startTap(web.address().port, { keep: 'to-page' });

  let chromium;
  try {
    chromium = loadChromium();
  } catch (error) {
    check('playwright-core present', false, `${error.message} (a devDependency of aui-rx: run npm ci at the repository root)`);
    return;
  }
  const context = await harness.launch(chromium, { profilePrefix: 'aui-rx-ng-e2e-', viewport: { width: 760, height: 620 } });
  check('Chromium launched (headless, fresh profile)', true, context.browser()?.version() ?? '');

  const seen = { logs: [], received: [], sockets: [], pending: [] };
  try {
    // 1. alice: a new task, a reply streamed into the page
    const page = await openChat('alice', '/', seen);
    await ask(page, Q1);
    await waitChat(page, 'streaming', 2);
    await waitChat(page, 'ready', 2);
    const one = await readChat(page);
    const reply1 = one.messages[1];
    const grew = one.replyTexts.filter((t) => agentReplyText(Q1).startsWith(t) && t.length < agentReplyText(Q1).length);
    check(
      'stream: the reply grows in the page, then equals the server reply with its cards',
      one.messages.length === 2 && reply1?.role === 'assistant' && reply1.text === agentReplyText(Q1) && reply1.cards === 2 && grew.length >= 2 && one.suggestions > 0,
      `${grew.length} partial texts seen, ${reply1?.cards} cards, ${one.suggestions} suggestions, messages ${json(one.messages.map((m) => `${m.role}:${m.text.length}`))}`,
    );
    check('stream: one task for alice upstream, one turn', upstream.store.tasksOf('alice', upstream.apiKey).length === 1 && upstream.stats.turns === 1, json(upstream.stats));
    mkdirSync(join(repo, 'docs'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true, timeout: WAIT_MS });
    check('screenshot saved', existsSync(SCREENSHOT), 'docs/angular-chat.png');

    // 2. a 1011 after two frames: retried, restarted in place
    upstream.failNextTurn({ type: 'close', code: 1011, afterFrames: 2 });
    const turnsBefore = upstream.stats.turns;
    await page.evaluate(() => (window.__replyTexts.length = 0));
    await ask(page, Q2);
    await waitChat(page, 'ready', 4);
    const two = await readChat(page);
    const reply2 = two.messages[3];
    // The reply as the page showed it: partial texts of this reply, in order; the restart shows as a
    // text shorter than the one before it (the first attempt's words, then the retry from the start).
    const partial2 = two.replyTexts.filter((t) => agentReplyText(Q2).startsWith(t) && t.length < agentReplyText(Q2).length);
    const restarted = partial2.some((t, i) => i > 0 && t.length < (partial2[i - 1]?.length ?? 0));
    check(
      '1011: retried, the reply restarts in place and ends with the server text (no duplicated text)',
      two.messages.length === 4 && reply2?.text === agentReplyText(Q2) && two.error === '' && upstream.stats.turns - turnsBefore === 2 && restarted,
      `turns upstream ${upstream.stats.turns - turnsBefore}, restart seen in the page: ${restarted}, error ${json(two.error)}, reply ${json(reply2?.text)}`,
    );

    // 3. alice reopens her chat by its link: the task's history is loaded (as the server keeps it: the
    //    turn retried after the 1011 was sent twice, so its user message is there twice)
    const link = two.link;
    const stored = upstream.store.messages.get(link.replace('?task=', '')) ?? [];
    const again = await openChat('alice', `/${link}`, seen);
    await waitChat(again, 'ready', stored.length);
    const history = await readChat(again);
    check(
      "history: the chat's link reloads the task with the server's messages, in order",
      /^\?task=[0-9a-f]+$/.test(link) && stored.length >= 4 && json(history.messages.map((m) => m.text)) === json(stored.map((m) => m.text)) &&
        history.messages.at(-1)?.text === agentReplyText(Q2),
      `link ${link}, ${history.messages.length} messages: ${json(history.messages.map((m) => `${m.role}:${m.text.slice(0, 24)}`))}`,
    );
    await again.close();

    // 4. mallory opens alice's chat: 403 in the page, nothing forwarded
    const restBefore = upstream.stats.restRequests;
    const turnsBeforeMallory = upstream.stats.turns;
    const foreign = await openChat('mallory', `/${link}`, seen);
    await waitChat(foreign, 'error');
    const refused = await readChat(foreign);
    check(
      'bad user: mallory opening alice\'s task sees a 403, no message of alice\'s, nothing sent upstream',
      /\(403\)/.test(refused.error) && refused.messages.length === 0 && upstream.stats.turns === turnsBeforeMallory,
      `error ${json(refused.error)}, ${refused.messages.length} messages, upstream REST ${upstream.stats.restRequests - restBefore} (ownership look-ups only)`,
    );
    await foreign.close();
    await page.close();
  } finally {
    await withTimeout(Promise.allSettled(seen.pending), 10_000, 'response bodies').catch(() => undefined);
  }

  // 5. the key: in no byte the page received
  const key = upstream.apiKey;
  const wireText = tap.text();
  const deflated = /sec-websocket-extensions:[^\r\n]*permessage-deflate/i.test(wireText);
  const inWire = wireText.includes(key) || wireText.includes(encodeURIComponent(key));
  const inDecoded = seen.received.some((text) => text.includes(key) || text.includes(encodeURIComponent(key)));
  check(
    'no key: not in any byte written to the page (TCP) nor in any header, body or frame Chromium decoded',
    !inWire && !inDecoded && wireText.length > 0 && seen.received.length > 0 && seen.sockets.length > 0,
    `${wireText.length} bytes on the wire${deflated ? ' (frames deflated: checked decoded)' : ''}, ${seen.received.length} decoded items, sockets ${json([...new Set(seen.sockets)].map((u) => new URL(u).pathname))}`,
  );
  const errors = seen.logs.filter((l) => l.startsWith('pageerror') || /^console\.error/.test(l));
  // The 403 of step 4 is logged by Chromium as a failed resource load; nothing else may fail.
  const unexpected = errors.filter((l) => !/status of 403/.test(l));
  check('page: no uncaught error', unexpected.length === 0, unexpected.slice(0, 5).join(' | '));
}

// ---------------------------------------------------------------------------------------------

await harness.run(main, () => [
  ['relay', () => relay?.close()],
  ['tap', () => tap?.close()],
  ['web server', () => closeHttp(web)],
  ['FakeAuiServer', () => upstream?.stop()],
]);

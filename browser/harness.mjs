// The Chromium harness of the two browser runs: browser/run-browser-test.mjs (`npm run test:browser`)
// and examples/angular/e2e/run-e2e.mjs (`npm run e2e --prefix examples/angular`). It holds what both
// need and nothing of their checks: PASS/FAIL lines with secrets redacted, a deadline, headless Debian
// Chromium (playwright-core from this repository, a fresh profile), node:http servers with an optional
// aui-rx relay in front, a TCP tap that keeps the bytes the page exchanges, and a cleanup that closes
// everything (each step bounded) before the summary line and the exit code.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Chromium binary: Debian's, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const json = (value) => JSON.stringify(value);

/** `promise`, or a rejection after `ms` naming `what`. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** playwright-core's `chromium`, resolved from the repository's devDependencies. */
export function loadChromium() {
  return createRequire(import.meta.url)('playwright-core').chromium;
}

/**
 * One run: `label` names it in the summary line (`<label>: PASS — n/m checks passed in s`), `crash`
 * names the check a thrown error becomes; `deadlineMs` bounds the whole run; `secrets` are redacted
 * from every detail line (more are added to `harness.secrets` as they become known).
 */
export function createHarness({ label, crash, deadlineMs, secrets = [] }) {
  const started = Date.now();
  const results = [];
  const harness = {
    secrets: new Set(secrets),
    /** The browser context, once launched (closed first in cleanup). */
    context: undefined,
    userDataDir: undefined,

    redact(text) {
      let out = String(text).replace(/(network_api_key=)[^&\s'"]+/g, '$1***');
      for (const secret of harness.secrets) out = out.split(secret).join('***');
      return out;
    },

    check(name, ok, detail = '') {
      results.push({ name, ok });
      console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${harness.redact(detail)}` : ''}`);
      return ok;
    },

    chromiumPresent() {
      const present = existsSync(CHROMIUM);
      return harness.check('Chromium present', present, present ? CHROMIUM : `${CHROMIUM} missing (apt-get install -y chromium)`);
    },

    /** Headless Chromium with a fresh profile in a temporary directory (removed in cleanup). */
    async launch(chromium, { profilePrefix, viewport }) {
      harness.userDataDir = mkdtempSync(join(tmpdir(), profilePrefix));
      harness.context = await withTimeout(
        chromium.launchPersistentContext(harness.userDataDir, {
          executablePath: CHROMIUM,
          headless: true,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
          viewport,
          deviceScaleFactor: 1,
          timeout: 30_000,
        }),
        40_000,
        'chromium launch',
      );
      return harness.context;
    },

    /**
     * Runs `main` under the deadline, then the browser's close and `steps()` (`[name, close]` pairs,
     * each bounded), removes the profile, prints the summary and exits 0 (all passed) or 1.
     */
    async run(main, steps) {
      const cleanup = async () => {
        for (const [name, step] of [['browser', () => harness.context?.close()], ...steps()]) {
          try {
            await withTimeout(Promise.resolve(step()), 10_000, `closing ${name}`);
          } catch (error) {
            console.log(`(cleanup: ${harness.redact(error.message)})`);
          }
        }
        if (harness.userDataDir) rmSync(harness.userDataDir, { recursive: true, force: true, maxRetries: 3 });
      };
      const summary = () => {
        const failed = results.filter((r) => !r.ok);
        const pass = failed.length === 0 && results.length > 0;
        console.log(`\n${label}: ${pass ? 'PASS' : 'FAIL'} — ${results.length - failed.length}/${results.length} checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        for (const r of failed) console.log(`  failed: ${r.name}`);
        return pass;
      };
      const deadline = setTimeout(() => {
        harness.check('deadline', false, `not finished within ${deadlineMs} ms`);
        void withTimeout(cleanup(), 15_000, 'cleanup').catch(() => undefined).finally(() => {
          summary();
          process.exit(1); // playwright kills the browser it launched when this process exits
        });
      }, deadlineMs);

      let pass = false;
      try {
        await main();
      } catch (error) {
        harness.check(crash, false, error?.stack ?? String(error));
      } finally {
        await cleanup();
        clearTimeout(deadline);
        pass = summary();
      }
      process.exit(pass ? 0 : 1);
    },
  };
  return harness;
}

/** A node:http server on 127.0.0.1 (port 0) for `serve`; with `relay`, the relay takes its paths and upgrades first. */
export function startHttp(serve, relay) {
  const srv = createServer(relay ? (req, res) => relay.handler(req, res, () => serve(req, res)) : serve);
  if (relay) srv.on('upgrade', (req, socket, head) => relay.upgrade(req, socket, head) || socket.destroy());
  return new Promise((resolvePromise, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolvePromise(srv));
  });
}

/** Closes a node:http server and its open connections (nothing to do when it never started). */
export function closeHttp(srv) {
  return srv && new Promise((r) => {
    srv.closeAllConnections?.();
    srv.close(() => r());
  });
}

/**
 * A TCP proxy on 127.0.0.1 to `port` that keeps the bytes the page received (`keep: 'to-page'`) or
 * those in both directions, in order (`keep: 'both'`): `text()` gives them as latin1.
 */
export function startTap(port, { keep }) {
  const bytes = [];
  const sockets = new Set();
  const srv = createNetServer((page) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(page).add(upstream);
    if (keep === 'both') page.on('data', (d) => bytes.push(d));
    upstream.on('data', (d) => bytes.push(d));
    page.pipe(upstream).pipe(page);
    // An error tears both down; a close ends the other side once what it holds is written.
    page.on('error', () => upstream.destroy()).on('close', () => {
      sockets.delete(page);
      upstream.end();
    });
    upstream.on('error', () => page.destroy()).on('close', () => {
      sockets.delete(upstream);
      page.end();
    });
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

// The three clients under test, behind one small interface used by every client scenario:
//
//   const impl = await loadImpl('raw' | 'rxjs' | 'aui');       // { name } or { unavailable: reason }
//   const client = impl.create({ port, maxConnections, idleLingerMs });
//   client.turn(text, handlers);   // handlers: { accumulate, onText(s), onFinal(msg), onDone(err) }
//   await client.close();
//
// onText gets the delta (raw/rxjs without `accumulate`) or the whole text so far (with it; aui-rx
// always accumulates through `accumulateText()` when asked). onFinal fires on the final message and
// onDone when the turn has ended (after onFinal, or with an error).
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');
const EVENT = 'thread-message-text-content-updated';
// AUI_BENCH_DIST=<path to another build's dist/esm/index.js> runs the aui-rx rows on that build (A/B of two builds).
export const DIST_ESM = process.env.AUI_BENCH_DIST || fileURLToPath(new URL('../../dist/esm/index.js', import.meta.url));

const wsUrl = (port) => `ws://127.0.0.1:${port}/api/v1/external/session?network_api_key=bench-key`;
const frame = (text) => JSON.stringify({ task_id: 'bench-task', text });

/** Raw `ws` + JSON.parse: the reference. A bare pool: a free list of open sockets, one turn per socket. */
function rawImpl() {
  return {
    name: 'raw',
    create({ port }) {
      const free = [];
      const all = new Set();
      const open = () =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(wsUrl(port), { perMessageDeflate: false });
          ws.cur = null;
          ws.on('message', (data) => {
            const h = ws.cur;
            if (h === null) return;
            const m = JSON.parse(data.toString());
            if (m.event === EVENT) {
              if (h.accumulate) h.onText((h.acc += m.data.text));
              else h.onText(m.data.text);
            } else if (m.id !== undefined) {
              ws.cur = null;
              free.push(ws);
              h.onFinal(m);
              h.onDone(null);
            }
          });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
          ws.on('close', () => {
            all.delete(ws);
            const i = free.indexOf(ws);
            if (i >= 0) free.splice(i, 1);
            if (ws.cur) ws.cur.onDone(new Error('socket closed mid-turn'));
          });
          all.add(ws);
        });
      return {
        turn(text, h) {
          h.acc = '';
          const start = (ws) => {
            ws.cur = h;
            ws.send(frame(text));
          };
          const ws = free.pop();
          if (ws) start(ws);
          else open().then(start, (err) => h.onDone(err));
        },
        sockets: () => all.size,
        async close() {
          await Promise.all([...all].map((ws) => new Promise((r) => (ws.once('close', r), ws.close(1000)))));
        },
      };
    },
  };
}

/** rxjs `webSocket()` with `ws` as its constructor: the anchor. One subject, one persistent subscription. */
async function rxjsImpl() {
  const { webSocket } = await import('rxjs/webSocket');
  return {
    name: 'rxjs',
    create({ port }) {
      let cur = null;
      const subject = webSocket({ url: wsUrl(port), WebSocketCtor: WebSocket });
      const sub = subject.subscribe({
        next: (m) => {
          const h = cur;
          if (h === null) return;
          if (m.event === EVENT) {
            if (h.accumulate) h.onText((h.acc += m.data.text));
            else h.onText(m.data.text);
          } else if (m.id !== undefined) {
            cur = null;
            h.onFinal(m);
            h.onDone(null);
          }
        },
        error: (err) => cur?.onDone(err),
      });
      return {
        turn(text, h) {
          h.acc = '';
          cur = h;
          subject.next({ task_id: 'bench-task', text });
        },
        sockets: () => 1,
        async close() {
          sub.unsubscribe();
        },
      };
    },
  };
}

/** aui-rx from the built package (dist/esm). Unavailable (with a reason) until it is built with streamMessage. */
async function auiImpl() {
  if (!existsSync(DIST_ESM)) return { unavailable: 'aui-rx: not built yet (no dist/esm/index.js)' };
  let mod;
  try {
    mod = await import(pathToFileURL(DIST_ESM).href);
  } catch (err) {
    return { unavailable: `aui-rx: not built yet (import failed: ${String(err?.message ?? err).split('\n')[0]})` };
  }
  const { AuiClient, accumulateText } = mod;
  if (typeof AuiClient !== 'function' || typeof AuiClient.prototype?.streamMessage !== 'function') {
    return { unavailable: 'aui-rx: not built yet (dist has no AuiClient with streamMessage)' };
  }
  if (typeof accumulateText !== 'function') return { unavailable: 'aui-rx: not built yet (dist has no accumulateText)' };
  return {
    name: 'aui',
    distMtime: statSync(DIST_ESM).mtime.toISOString(),
    create({ port, maxConnections = 4, idleLingerMs = 600_000 }) {
      const client = new AuiClient({
        apiKey: 'bench-key',
        baseUrl: `http://127.0.0.1:${port}`,
        wsUrl: `ws://127.0.0.1:${port}/api/v1/external/session`,
        maxConnections,
        idleLingerMs,
        timeouts: { connectMs: 30_000, idleMs: 120_000, requestMs: 30_000 },
        // A bulk turn is 1,000,000 deltas of 15 characters: far past the 1,000,000-character default.
        limits: { maxReplyChars: 100_000_000 },
      });
      return {
        turn(text, h) {
          const events = client.streamMessage({ task_id: 'bench-task', text });
          if (h.accumulate) {
            events.pipe(accumulateText()).subscribe({
              next: (s) => h.onText(s),
              error: (err) => h.onDone(err),
              complete: () => h.onDone(null),
            });
          } else {
            events.subscribe({
              next: (ev) => {
                if (ev.kind === 'text') h.onText(ev.delta);
                else if (ev.kind === 'final') h.onFinal(ev.message);
              },
              error: (err) => h.onDone(err),
              complete: () => h.onDone(null),
            });
          }
        },
        sockets: () => NaN,
        async close() {
          client.close();
        },
      };
    },
  };
}

/** Loads one implementation by name. */
export async function loadImpl(name) {
  if (name === 'raw') return rawImpl();
  if (name === 'rxjs') return rxjsImpl();
  if (name === 'aui') return auiImpl();
  throw new Error(`unknown impl ${name}`);
}

/**
 * Runs one turn to its end; resolves with `{ texts, t0, firstNs, lastTextNs, finalNs, doneNs, lastText, final }`
 * (hrtime bigints). `keepText` keeps the last text seen; `stampText` stamps each text event (costs one
 * hrtime call per event, so only the accumulation scenario uses it).
 */
export function turnOnce(client, text, { accumulate = false, keepText = false, stampText = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const r = { texts: 0, t0, firstNs: 0n, lastTextNs: 0n, finalNs: 0n, doneNs: 0n, lastText: '', final: null };
    client.turn(text, {
      accumulate,
      onText(s) {
        if (r.texts++ === 0) r.firstNs = process.hrtime.bigint();
        if (keepText) r.lastText = s;
        if (stampText) r.lastTextNs = process.hrtime.bigint();
      },
      onFinal(m) {
        r.finalNs = process.hrtime.bigint();
        r.final = m;
      },
      onDone(err) {
        r.doneNs = process.hrtime.bigint();
        if (r.finalNs === 0n) r.finalNs = r.doneNs;
        if (err) reject(err);
        else resolve(r);
      },
    });
  });
}

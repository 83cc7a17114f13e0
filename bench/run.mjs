// `npm run bench` — runs the scenarios (server and clients in separate processes on 127.0.0.1),
// prints a table per scenario with ratios to the reference, writes bench/results/latest.json (and
// latest.md, the same tables in Markdown).
//
//   node bench/run.mjs [--quick] [--only bulk,relay,latency,memory,accumulate,bundle,aui-relay] [--reps N] [--out FILE] [--deadline SECONDS]
//
// --quick: fewer frames, turns and reps (a smoke run); its results go to bench/results/quick.json
// unless --out says otherwise. --only merges the scenarios it runs into the existing results file.
// --deadline replaces every scenario's hard deadline (the scenario is aborted, its processes killed).
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { cpuPinning, killAll, runClient, runPaired, startServer, stopChild } from './lib/proc.mjs';
import { markdownTable, table } from './lib/stats.mjs';
import { DIST_ESM } from './lib/impls.mjs';
import * as bulk from './scenarios/bulk.mjs';
import * as relay from './scenarios/relay.mjs';
import * as latency from './scenarios/latency.mjs';
import * as memory from './scenarios/memory.mjs';
import * as accumulate from './scenarios/accumulate.mjs';
import * as bundle from './scenarios/bundle.mjs';
import * as auiRelay from './scenarios/aui-relay.mjs';

const SCENARIOS = [bulk, relay, latency, memory, accumulate, bundle, auiRelay];
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const SERVER = here('./server.mjs');
const CLIENT = here('./client.mjs');

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, reps: { type: 'string' }, out: { type: 'string' }, deadline: { type: 'string' } },
});
const only = args.only ? args.only.split(',').map((s) => s.trim()) : null;
for (const name of only ?? []) if (!SCENARIOS.some((s) => s.id === name)) throw new Error(`unknown scenario ${name} (one of ${SCENARIOS.map((s) => s.id).join(', ')})`);
const selected = SCENARIOS.filter((s) => !only || only.includes(s.id));
const out = args.out ?? here(args.quick ? './results/quick.json' : './results/latest.json');
const log = (s) => process.stderr.write(s);

function sh(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    nproc: sh('nproc', []) ?? String(os.availableParallelism()),
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model,
    totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
    loadavgAtStart: os.loadavg().map((x) => +x.toFixed(2)),
    pinning: cpuPinning()?.how ?? 'none (the OS places server and clients)',
    git: sh('git', ['rev-parse', '--short', 'HEAD']),
    distMtime: existsSync(DIST_ESM) ? statSync(DIST_ESM).mtime.toISOString() : null,
    packages: Object.fromEntries(['ws', 'rxjs', 'zod', 'esbuild'].map((p) => [p, readVersion(p)])),
  };
}

function readVersion(pkg) {
  try {
    return JSON.parse(readFileSync(here(`../node_modules/${pkg}/package.json`), 'utf8')).version;
  } catch {
    return undefined;
  }
}

const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);

/** One rep of a paired scenario: every client at once, in lockstep (see runPaired). */
async function runPairedRep(sc, ctx, impls, rep, { clientCfg, clientDeadlineMs, server }) {
  const t = Date.now();
  const live = impls.filter((impl) => !ctx.unavailable[impl]);
  let outcome;
  try {
    outcome = await runPaired(CLIENT, live, { scenario: sc.id, port: server.port, ...clientCfg }, { deadlineMs: clientDeadlineMs, execArgv: sc.execArgv ?? [], server, turns: clientCfg.turns });
  } catch (err) {
    for (const impl of live) (ctx.failures[impl] ??= []).push(String(err?.message ?? err));
    log(` ${live.join('+')}=FAILED`);
    return;
  }
  for (const impl of live) {
    const msg = outcome[impl];
    if (msg.type === 'unavailable') {
      ctx.unavailable[impl] = msg.reason;
      log(` ${impl}=unavailable`);
    } else if (msg.type === 'failed') {
      (ctx.failures[impl] ??= []).push(String(msg.error));
      log(` ${impl}=FAILED`);
    } else {
      (ctx.runs[impl] ??= []).push({ rep, ...msg.result });
      log(` ${impl}=ok`);
    }
  }
  log(` (paired, ${((Date.now() - t) / 1000).toFixed(1)}s)`);
}

async function runScenario(sc) {
  const cfg = sc.config(args.quick);
  if (args.reps && !sc.single) cfg.reps = Math.max(1, Math.min(50, Number(args.reps) | 0));
  if (args.deadline) cfg.scenarioDeadlineMs = Math.max(1, Number(args.deadline)) * 1000;
  const ctx = { cfg, runs: {}, unavailable: {}, failures: {}, abort: false };
  const { reps, clientDeadlineMs, scenarioDeadlineMs, ...clientCfg } = cfg;
  const started = Date.now();
  let server;
  log(`\n[${sc.id}] ${reps} rep(s), deadline ${scenarioDeadlineMs / 1000} s\n`);
  const work = (async () => {
    if (!sc.single) server = await startServer(SERVER);
    for (let rep = 0; rep < reps && !ctx.abort; rep++) {
      log(`  rep ${rep + 1}/${reps}:`);
      if (sc.paired) {
        await runPairedRep(sc, ctx, rotate(sc.impls, rep), rep, { clientCfg, clientDeadlineMs, server });
        log('\n');
        continue;
      }
      for (const impl of rotate(sc.impls, rep)) {
        if (ctx.abort) break;
        if (ctx.unavailable[impl]) continue;
        const t = Date.now();
        try {
          const msg = await runClient(CLIENT, { scenario: sc.id, impl, port: server?.port, ...clientCfg }, { deadlineMs: clientDeadlineMs, execArgv: sc.execArgv ?? [], server });
          if (msg.type === 'unavailable') {
            ctx.unavailable[impl] = msg.reason;
            log(` ${impl}=unavailable`);
            continue;
          }
          if (msg.type === 'failed') throw new Error(msg.error);
          (ctx.runs[impl] ??= []).push({ rep, ...msg.result });
          log(` ${impl}=ok(${((Date.now() - t) / 1000).toFixed(1)}s)`);
        } catch (err) {
          (ctx.failures[impl] ??= []).push(String(err?.message ?? err));
          log(` ${impl}=FAILED`);
        }
      }
      log('\n');
    }
  })();
  let timer;
  const deadline = new Promise((resolve) => (timer = setTimeout(() => resolve('deadline'), scenarioDeadlineMs)));
  const outcome = await Promise.race([work.then(() => 'done', (err) => err), deadline]);
  clearTimeout(timer);
  let aborted = null;
  if (outcome === 'deadline') {
    ctx.abort = true;
    aborted = `scenario deadline of ${scenarioDeadlineMs / 1000} s passed; partial results`;
    killAll();
    await Promise.race([work.catch(() => {}), new Promise((r) => setTimeout(r, 3_000))]);
  } else if (outcome instanceof Error) aborted = `scenario failed: ${outcome.message}`;
  if (server) await stopChild(server.child);
  for (const [impl, errs] of Object.entries(ctx.failures)) for (const e of errs) log(`  ${impl} failure: ${e.split('\n').slice(0, 3).join(' | ')}\n`);
  const summary = sc.summarizeRuns(ctx);
  return {
    title: sc.title,
    description: sc.describe(cfg),
    reference: sc.reference,
    config: cfg,
    quick: args.quick,
    date: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    loadavgAfter: os.loadavg().map((x) => +x.toFixed(2)),
    aborted,
    unavailable: ctx.unavailable,
    failures: ctx.failures,
    runs: ctx.runs,
    table: { header: summary.header, rows: summary.rows },
    notes: summary.notes ?? [],
    figures: summary.figures ?? {},
    goals: summary.goals,
  };
}

const verdict = (g) => (g.met === true ? 'MET' : g.met === false ? 'NOT MET' : Number.isFinite(g.measured?.value) ? 'not decided (partial figure)' : 'not measured');

function render(id, s) {
  const lines = [`== ${s.title}${s.quick ? ' (quick)' : ''} ==`, s.description, table(s.table.header, s.table.rows)];
  for (const n of s.notes) lines.push(`note: ${n}`);
  if (s.aborted) lines.push(`ABORTED: ${s.aborted}`);
  for (const g of s.goals) lines.push(`Goal: ${g.goal} → ${verdict(g)} (measured ${g.measured?.text ?? 'n/a'})`);
  return lines.join('\n');
}

function renderMarkdown(doc) {
  const m = doc.meta;
  const parts = [
    `# aui-rx benchmark results`,
    '',
    `${m.date} · node ${m.node} · ${m.cpuModel} · ${m.nproc} cores · git ${m.git} · CPU placement: ${m.pinning ?? 'none'}`,
  ];
  for (const s of Object.values(doc.scenarios)) {
    parts.push('', `## ${s.title}${s.quick ? ' (quick)' : ''}`, '', s.description, '', markdownTable(s.table.header, s.table.rows), '');
    for (const n of s.notes) parts.push(`Note: ${n}`, '');
    if (s.aborted) parts.push(`**Aborted:** ${s.aborted}`, '');
    for (const g of s.goals) parts.push(`- Goal: ${g.goal} → **${verdict(g)}** (measured ${g.measured?.text ?? 'n/a'})`);
  }
  return parts.join('\n') + '\n';
}

const meta = machine();
log(`aui-rx bench${args.quick ? ' --quick' : ''}: node ${meta.node}, ${meta.nproc} cores (${meta.cpuModel}), load ${meta.loadavgAtStart.join(' ')}; CPU placement: ${meta.pinning}\n`);
let doc = { meta, scenarios: {} };
if (only && existsSync(out)) {
  try {
    doc = JSON.parse(readFileSync(out, 'utf8'));
    doc.meta = meta;
  } catch {
    /* start afresh */
  }
}
for (const sc of selected) {
  const s = await runScenario(sc);
  doc.scenarios[sc.id] = s;
  console.log(`\n${render(sc.id, s)}`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
  writeFileSync(out.replace(/\.json$/, '.md'), renderMarkdown(doc));
}
doc.meta.loadavgAtEnd = os.loadavg().map((x) => +x.toFixed(2));
writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
console.log(`\nwrote ${out}`);
killAll();

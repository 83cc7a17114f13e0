// Scenario 4: memory per pooled idle socket and heap growth over sequential turns.
import { fmt, fmtDiff, fmtSummary } from '../lib/stats.mjs';
import { LABEL, diff, goal, missing, sumOf } from './labels.mjs';

export const id = 'memory';
export const title = '4. Memory';
export const impls = ['raw', 'aui'];
export const reference = 'raw';
export const execArgv = ['--expose-gc'];

export function config(quick) {
  return {
    reps: quick ? 3 : 5,
    sockets: quick ? 200 : 1_000,
    turns: quick ? 2_000 : 10_000,
    warmTurns: quick ? 200 : 1_000,
    clientDeadlineMs: quick ? 60_000 : 120_000,
    scenarioDeadlineMs: quick ? 4 * 60_000 : 10 * 60_000,
  };
}

export function describe(cfg) {
  return `heap per idle socket: ${cfg.sockets} concurrent turns (maxConnections ${cfg.sockets}, idleLingerMs 600000), heapUsed delta after full GC / ${cfg.sockets}; growth: heapUsed after GC before/after ${cfg.turns.toLocaleString('en-US')} sequential turns (after ${cfg.warmTurns} warm-up); ${cfg.reps} reps`;
}

const KB = 1024;

export function summarizeRuns(ctx) {
  const per = (impl) => sumOf(ctx.runs, impl, (r) => r.bytesPerSocket / KB);
  const grow = (impl) => sumOf(ctx.runs, impl, (r) => r.growthBytes / KB);
  const rows = impls.map((impl) => {
    const p = per(impl);
    if (!p) return [LABEL[impl], missing(ctx, impl), '', ''];
    const open = (ctx.runs[impl] ?? []).map((r) => r.serverOpenSockets);
    return [LABEL[impl], fmtSummary(p, 2), fmtSummary(grow(impl), 1), `${Math.min(...open)}–${Math.max(...open)}`];
  });
  const dPer = diff(per('aui'), per('raw'));
  rows.push(['aui-rx − raw', `${fmtDiff(dPer, 2)} KB`, `${fmtDiff(diff(grow('aui'), grow('raw')), 1)} KB`, '']);
  const auiPer = per('aui')?.median ?? NaN;
  const auiGrowth = grow('aui')?.median ?? NaN;
  return {
    header: ['client', 'heap KB per idle socket median [min–max]', `heap growth KB over ${ctx.cfg.turns} turns`, 'open sockets at server'],
    rows,
    figures: { auiKbPerSocket: auiPer, rawKbPerSocket: per('raw')?.median ?? NaN, auiOverheadKbPerSocket: dPer, auiGrowthKb: auiGrowth },
    goals: [
      goal('aui-rx ≤ 10 KB heap per pooled idle socket', { value: auiPer, text: `${fmt(auiPer, 2)} KB (raw ws ${fmt(per('raw')?.median, 2)} KB; overhead ${fmtDiff(dPer, 2)} KB)` }, auiPer <= 10),
      goal(`aui-rx heap growth ≤ 1 MB over ${ctx.cfg.turns} sequential turns`, { value: auiGrowth, text: `${fmt(auiGrowth, 1)} KB` }, auiGrowth <= 1024),
    ],
  };
}

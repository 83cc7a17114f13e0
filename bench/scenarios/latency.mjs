// Scenario 3: latency of sequential turns.
import { fmt, fmtDiff, summarize } from '../lib/stats.mjs';
import { LABEL, diff, goal, missing } from './labels.mjs';

export const id = 'latency';
export const title = '3. Latency';
export const impls = ['raw', 'aui'];
export const reference = 'raw';

export function config(quick) {
  return {
    reps: quick ? 3 : 5,
    turns: quick ? 1_000 : 10_000,
    warmTurns: quick ? 200 : 1_000,
    clientDeadlineMs: quick ? 30_000 : 90_000,
    scenarioDeadlineMs: quick ? 3 * 60_000 : 10 * 60_000,
  };
}

export function describe(cfg) {
  return `${cfg.turns.toLocaleString('en-US')} sequential turns (after ${cfg.warmTurns} warm-up) of one short text update + the 2 KB final on one connection; µs from send to first text event / to final; per-rep percentile, then median [min–max] over ${cfg.reps} reps`;
}

const COLS = [['first', 'p50'], ['first', 'p90'], ['first', 'p99'], ['final', 'p50'], ['final', 'p90'], ['final', 'p99']];
const sumAt = (ctx, impl, what, p) => {
  const rs = ctx.runs[impl] ?? [];
  return rs.length ? summarize(rs.map((r) => r[what][p])) : undefined;
};
const cell = (s) => (s ? `${fmt(s.median, 1)} [${fmt(s.min, 1)}–${fmt(s.max, 1)}]` : 'n/a');

export function summarizeRuns(ctx) {
  const rows = impls.map((impl) => {
    if (!(ctx.runs[impl] ?? []).length) return [LABEL[impl], missing(ctx, impl), '', '', '', '', ''];
    return [LABEL[impl], ...COLS.map(([w, p]) => cell(sumAt(ctx, impl, w, p)))];
  });
  const d = Object.fromEntries(COLS.map(([w, p]) => [`${w}_${p}`, diff(sumAt(ctx, 'aui', w, p), sumAt(ctx, 'raw', w, p))]));
  rows.push(['aui-rx − raw (µs)', ...COLS.map(([w, p]) => fmtDiff(d[`${w}_${p}`], 1))]);
  const conns = (ctx.runs.aui ?? []).map((r) => r.newConnections);
  return {
    header: ['client', 'first p50 µs', 'first p90', 'first p99', 'final p50 µs', 'final p90', 'final p99'],
    rows,
    notes: conns.length ? [`aui-rx opened ${conns.join(', ')} new connection(s) during the measured turns of each rep (0 = the pooled socket was reused)`] : [],
    figures: d,
    goals: [
      goal('aui-rx p50 ≤ +5 µs over raw ws (first text and final)', { value: Math.max(d.first_p50, d.final_p50), text: `first ${fmtDiff(d.first_p50, 1)} µs, final ${fmtDiff(d.final_p50, 1)} µs` }, d.first_p50 <= 5 && d.final_p50 <= 5),
      goal('aui-rx p99 ≤ +15 µs over raw ws (first text and final)', { value: Math.max(d.first_p99, d.final_p99), text: `first ${fmtDiff(d.first_p99, 1)} µs, final ${fmtDiff(d.final_p99, 1)} µs` }, d.first_p99 <= 15 && d.final_p99 <= 15),
    ],
  };
}

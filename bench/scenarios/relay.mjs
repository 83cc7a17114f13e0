// Scenario 2: relay CPU.
import { fmtDiff, fmtRatio, fmtSummary, summarize } from '../lib/stats.mjs';
import { LABEL, diff, goal, missing, ratio } from './labels.mjs';

export const id = 'relay';
export const title = '2. Relay CPU';
export const impls = ['raw', 'aui'];
export const reference = 'raw';

export function config(quick) {
  return {
    reps: quick ? 3 : 5,
    rates: [1_000, 10_000, 50_000],
    durationMs: quick ? 1_000 : 3_000,
    warmRate: 10_000,
    warmMs: quick ? 200 : 500,
    clientDeadlineMs: quick ? 30_000 : 60_000,
    scenarioDeadlineMs: quick ? 3 * 60_000 : 8 * 60_000,
  };
}

export function describe(cfg) {
  return `server writes one frame per write at each rate for ${cfg.durationMs} ms (hrtime-paced, 1 ms timer batches); client CPU (user+sys) / wall over the turn, % of one core; ${cfg.reps} reps`;
}

const at = (ctx, impl, rate) => {
  const rs = ctx.runs[impl] ?? [];
  return rs.length ? summarize(rs.map((r) => r.points.find((p) => p.rate === rate)?.cpuPct ?? NaN)) : undefined;
};

export function summarizeRuns(ctx) {
  const rows = [];
  for (const rate of ctx.cfg.rates) {
    const ref = at(ctx, 'raw', rate);
    for (const impl of impls) {
      const s = at(ctx, impl, rate);
      if (!s) rows.push([rate.toLocaleString('en-US'), LABEL[impl], missing(ctx, impl), '', '']);
      else rows.push([rate.toLocaleString('en-US'), LABEL[impl], fmtSummary(s, 1), impl === 'raw' ? '(reference)' : fmtDiff(diff(s, ref), 2), impl === 'raw' ? '' : fmtRatio(ratio(s, ref))]);
    }
  }
  const d50 = diff(at(ctx, 'aui', 50_000), at(ctx, 'raw', 50_000));
  return {
    header: ['frames/s', 'client', 'CPU % of a core median [min–max]', 'Δ pp vs raw', 'ratio'],
    rows,
    figures: { auiDeltaPpAt50k: d50 },
    goals: [goal('aui-rx ≤ +1.0 pp CPU over raw ws at 50k frames/s', { value: d50, text: `${fmtDiff(d50)} pp` }, d50 <= 1.0)],
  };
}

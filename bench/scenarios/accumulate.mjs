// Scenario 5: accumulation scaling.
import { fmtRatio, fmtSummary } from '../lib/stats.mjs';
import { LABEL, goal, missing, sumOf } from './labels.mjs';

export const id = 'accumulate';
export const title = '5. Accumulation scaling';
export const impls = ['raw', 'aui'];
export const reference = 'raw';

export function config(quick) {
  return {
    reps: quick ? 3 : 5,
    sizes: [1_000, 10_000, 100_000],
    inner: quick ? { 1000: 10, 10000: 4, 100000: 2 } : { 1000: 30, 10000: 10, 100000: 3 },
    warmFrames: 10_000,
    clientDeadlineMs: quick ? 60_000 : 120_000,
    scenarioDeadlineMs: quick ? 3 * 60_000 : 8 * 60_000,
  };
}

export function describe(cfg) {
  return `one turn of N delta frames (pre-written), accumulated (aui-rx: accumulateText(); raw: acc += delta); ns per delta from first to last text event, median of ${Object.values(cfg.inner).join('/')} turns per process; ${cfg.reps} reps`;
}

export function summarizeRuns(ctx) {
  const [small, , big] = ctx.cfg.sizes;
  const rows = impls.map((impl) => {
    if (!(ctx.runs[impl] ?? []).length) return [LABEL[impl], missing(ctx, impl), '', '', '', ''];
    const cells = ctx.cfg.sizes.map((n) => fmtSummary(sumOf(ctx.runs, impl, (r) => r.perDelta[n]), 0));
    const scale = sumOf(ctx.runs, impl, (r) => r.perDelta[big] / r.perDelta[small]);
    const cpu = sumOf(ctx.runs, impl, (r) => r.cpuPerDelta[big] / r.cpuPerDelta[small]);
    const range = (x) => `${fmtRatio(x.median)} [${fmtRatio(x.min)}–${fmtRatio(x.max)}]`;
    return [LABEL[impl], ...cells, range(scale), range(cpu)];
  });
  const aui = sumOf(ctx.runs, 'aui', (r) => r.perDelta[big] / r.perDelta[small]);
  const auiScale = aui?.median ?? NaN;
  return {
    header: ['client', ...ctx.cfg.sizes.map((n) => `ns/delta @${n / 1000}k`), `${big / 1000}k ÷ ${small / 1000}k`, `CPU-time ${big / 1000}k ÷ ${small / 1000}k`],
    notes: ['the goal is judged on the wall-time figure (first to last text event); the last column is a secondary figure: client CPU (user+sys, all threads, whole turn incl. the final) per delta, ratio per rep'],
    rows,
    figures: { auiScale, rawScale: sumOf(ctx.runs, 'raw', (r) => r.perDelta[big] / r.perDelta[small])?.median ?? NaN },
    goals: [goal(`aui-rx per-delta cost at ${big / 1000}k ≤ 1.2× of ${small / 1000}k`, { value: auiScale, text: fmtRatio(auiScale) }, auiScale <= 1.2)],
  };
}

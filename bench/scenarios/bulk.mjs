// Scenario 1: bulk throughput.
import { fmtRatio, fmtSummary } from '../lib/stats.mjs';
import { TEXT_FRAME_BYTES, FINAL_JSON } from '../lib/frames.mjs';
import { LABEL, goal, missing, ratio, sumOf } from './labels.mjs';

export const id = 'bulk';
export const title = '1. Bulk throughput';
export const impls = ['raw', 'rxjs', 'raw+acc', 'aui'];
export const reference = 'raw';

export function config(quick) {
  return {
    reps: quick ? 3 : 5,
    frames: quick ? 100_000 : 1_000_000,
    warmFrames: quick ? 20_000 : 100_000,
    clientDeadlineMs: quick ? 60_000 : 120_000,
    scenarioDeadlineMs: quick ? 5 * 60_000 : 15 * 60_000,
  };
}

export function describe(cfg) {
  return `${cfg.frames.toLocaleString('en-US')} text updates of ${TEXT_FRAME_BYTES} B + 1 final of ${FINAL_JSON.length} B per turn, pre-encoded, one write; frames/s from send to final; ${cfg.reps} reps`;
}

export function summarizeRuns(ctx) {
  const ref = sumOf(ctx.runs, 'raw', (r) => r.framesPerSec);
  const rows = impls.map((impl) => {
    const s = sumOf(ctx.runs, impl, (r) => r.framesPerSec);
    if (!s) return [LABEL[impl], missing(ctx, impl), ''];
    return [LABEL[impl], fmtSummary(s), impl === 'raw' ? '1.00× (reference)' : fmtRatio(ratio(s, ref))];
  });
  const auiRatio = ratio(sumOf(ctx.runs, 'aui', (r) => r.framesPerSec), ref);
  const accRatio = ratio(sumOf(ctx.runs, 'raw+acc', (r) => r.framesPerSec), ref);
  const auiToAcc = ratio(sumOf(ctx.runs, 'aui', (r) => r.framesPerSec), sumOf(ctx.runs, 'raw+acc', (r) => r.framesPerSec));
  return {
    header: ['client', 'text frames/s median [min–max]', 'ratio to raw'],
    rows,
    notes: ['raw ws + JSON.parse + acc += delta is an extra anchor (not in the issue): the raw client doing the same text accumulation aui-rx does, to separate the cost of accumulating from the cost of the library' + (Number.isFinite(auiToAcc) ? `; aui-rx is ${fmtRatio(auiToAcc)} of it` : '')],
    figures: { auiRatio, rxjsRatio: ratio(sumOf(ctx.runs, 'rxjs', (r) => r.framesPerSec), ref), rawAccRatio: accRatio, auiToRawAcc: auiToAcc },
    goals: [goal('aui-rx ≥ 0.90× raw ws frames/s', { value: auiRatio, text: fmtRatio(auiRatio) }, auiRatio >= 0.9)],
  };
}

// Scenario 3: latency of sequential turns. Paired: the raw and aui-rx client processes run at the
// same time, in lockstep (one turn of one, then one of the other; see runPaired in lib/proc.mjs),
// so both meet the same machine conditions turn after turn; each keeps its own heap and GC.
import { fmt, fmtDiff, summarize } from '../lib/stats.mjs';
import { LABEL, diff, goal, missing } from './labels.mjs';

export const id = 'latency';
export const title = '3. Latency';
export const impls = ['raw', 'aui'];
export const reference = 'raw';
export const paired = true;

export function config(quick) {
  return {
    reps: quick ? 3 : 10,
    turns: quick ? 1_000 : 10_000,
    warmTurns: quick ? 200 : 1_000,
    clientDeadlineMs: quick ? 30_000 : 90_000,
    scenarioDeadlineMs: quick ? 3 * 60_000 : 10 * 60_000,
  };
}

export function describe(cfg) {
  return `${cfg.turns.toLocaleString('en-US')} sequential turns per client (after ${cfg.warmTurns} warm-up) of one short text update + the 2 KB final on one connection; the two client processes run in lockstep, alternating turn by turn (the order rotates), so both see the same machine conditions; µs from send to first text event / to final; per-rep percentile, then median [min–max] over ${cfg.reps} reps`;
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
  // The two clients of a rep ran side by side (lockstep), so the difference is taken per rep, then
  // the median over reps: what the machine did to a rep cancels out.
  const pairedDiff = (w, p) => {
    const raw = new Map((ctx.runs.raw ?? []).map((r) => [r.rep, r[w][p]]));
    const ds = (ctx.runs.aui ?? []).filter((r) => raw.has(r.rep)).map((r) => r[w][p] - raw.get(r.rep));
    return ds.length ? summarize(ds).median : diff(sumAt(ctx, 'aui', w, p), sumAt(ctx, 'raw', w, p));
  };
  const d = Object.fromEntries(COLS.map(([w, p]) => [`${w}_${p}`, pairedDiff(w, p)]));
  rows.push(['aui-rx − raw (µs, median of per-rep differences)', ...COLS.map(([w, p]) => fmtDiff(d[`${w}_${p}`], 1))]);
  const conns = (ctx.runs.aui ?? []).map((r) => r.newConnections);
  // Where the difference is spent, measured at ws's boundaries (see clients/latency.mjs).
  const inClient = (impl, part) => {
    const rs = (ctx.runs[impl] ?? []).filter((r) => r.inClient);
    return rs.length ? summarize(rs.map((r) => r.inClient[part].p50)).median : NaN;
  };
  const PARTS = [['beforeSend', 'start of the turn → ws.send()'], ['afterText', "ws 'message' (text frame) → text event"], ['afterFinal', "ws 'message' (final frame) → final event"]];
  const breakdown = PARTS.map(([part, label]) => {
    const raw = inClient('raw', part);
    const aui = inClient('aui', part);
    return { part, label, raw, aui, diff: aui - raw };
  });
  const notes = [];
  if (breakdown.some((b) => Number.isFinite(b.diff))) {
    notes.push(
      `time inside the client (p50 µs, median over reps): ${breakdown.map((b) => `${b.label}: raw ${fmt(b.raw, 1)}, aui-rx ${fmt(b.aui, 1)} (${fmtDiff(b.diff, 1)})`).join('; ')}. The rest of each turn is the network and the server.`,
    );
  }
  if (conns.length) notes.push(`the server saw ${conns.join(', ')} new connection(s) during the measured turns of each rep (0 = both clients reused their socket)`);
  return {
    header: ['client', 'first p50 µs', 'first p90', 'first p99', 'final p50 µs', 'final p90', 'final p99'],
    rows,
    notes,
    figures: { ...d, inClient: Object.fromEntries(breakdown.map((b) => [b.part, { raw: b.raw, aui: b.aui, diff: b.diff }])) },
    goals: [
      // Issue 13: p50 ≤ +15 µs over raw ws for the first text and the final (7 % of a loopback turn).
      goal('aui-rx p50 ≤ +15 µs over raw ws (first text and final)', { value: Math.max(d.first_p50, d.final_p50), text: `first ${fmtDiff(d.first_p50, 1)} µs, final ${fmtDiff(d.final_p50, 1)} µs` }, d.first_p50 <= 15 && d.final_p50 <= 15),
    ],
  };
}

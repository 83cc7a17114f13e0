// Display names and shared summary helpers of the scenario definitions.
import { summarize } from '../lib/stats.mjs';

export const LABEL = { raw: 'raw ws + JSON.parse', 'raw+acc': 'raw ws + JSON.parse + acc += delta', rxjs: 'rxjs webSocket()', aui: 'aui-rx' };

/** Summary of `pick(result)` over the successful runs of one impl (undefined when there are none). */
export function sumOf(runs, impl, pick) {
  const rs = runs[impl] ?? [];
  return rs.length ? summarize(rs.map(pick)) : undefined;
}

/** Ratio of medians, NaN when either side is missing. */
export const ratio = (a, b) => (a && b ? a.median / b.median : NaN);

/** Difference of medians, NaN when either side is missing. */
export const diff = (a, b) => (a && b ? a.median - b.median : NaN);

/** A goal line: met is true/false, or null when it could not be measured. */
export function goal(text, measured, met) {
  return { goal: text, measured, met: Number.isFinite(measured?.value ?? NaN) || typeof measured === 'string' ? met : null };
}

/** The "why no figure" cell of an impl: unavailable reason, failure, or n/a. */
export function missing(ctx, impl) {
  if (ctx.unavailable[impl]) return ctx.unavailable[impl];
  if (ctx.failures[impl]?.length) return `failed (${ctx.failures[impl].length} runs): ${ctx.failures[impl][0].split('\n')[0].slice(0, 120)}`;
  return 'n/a';
}

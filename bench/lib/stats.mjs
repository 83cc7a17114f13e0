// Statistics and plain-text tables for the benchmark runner. No timing here: only arithmetic on
// figures the client processes measured.

/** Sorted copy of the finite numbers in `xs`. */
const sorted = (xs) => xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);

/** Nearest-rank percentile (p in 0..100) of a sorted array. */
export function percentileSorted(s, p) {
  if (s.length === 0) return NaN;
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1];
}

/** Median of `xs` (mean of the two middle values for an even count). */
export function median(xs) {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** `{ median, min, max, n, values }` of the repetitions of one figure. */
export function summarize(values) {
  const s = sorted(values);
  return { median: median(s), min: s.length ? s[0] : NaN, max: s.length ? s[s.length - 1] : NaN, n: s.length, values };
}

/** Formats a number with a fixed number of decimals and thousands separators. */
export function fmt(x, decimals = 0) {
  if (x === undefined || x === null || !Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** `median [min–max]` of a summary. */
export function fmtSummary(sum, decimals = 0) {
  if (!sum || sum.n === 0) return 'n/a';
  return `${fmt(sum.median, decimals)} [${fmt(sum.min, decimals)}–${fmt(sum.max, decimals)}]`;
}

/** `0.93×` */
export const fmtRatio = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : 'n/a');

/** `+1.23` / `-0.40` */
export const fmtDiff = (d, decimals = 2) => (Number.isFinite(d) ? `${d >= 0 ? '+' : ''}${d.toFixed(decimals)}` : 'n/a');

/** Renders rows (arrays of strings) as an aligned text table with a header rule. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) => cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Renders rows as a Markdown table. */
export function markdownTable(header, rows) {
  const esc = (c) => String(c ?? '').replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

// Scenario aui-relay: the cost of aui-rx/relay (issue 15) against a bare ws-to-ws pipe, both hosted in
// the measured process between the bench server (upstream) and a browser-side child process.
import { fmt, fmtRatio, fmtSummary } from '../lib/stats.mjs';
import { goal, missing, ratio, sumOf } from './labels.mjs';

export const id = 'aui-relay';
export const title = '7. aui-rx/relay (server side)';
export const impls = ['raw', 'aui'];
export const reference = 'raw';
export const execArgv = ['--expose-gc'];

const NAME = { raw: 'bare ws-to-ws pipe', aui: 'aui-rx/relay' };

export function config(quick) {
  return {
    reps: quick ? 3 : 5,
    frames: quick ? 100_000 : 500_000,
    warmFrames: quick ? 20_000 : 50_000,
    sessions: quick ? 100 : 400,
    clientDeadlineMs: quick ? 60_000 : 180_000,
    scenarioDeadlineMs: quick ? 4 * 60_000 : 12 * 60_000,
  };
}

export function describe(cfg) {
  return `relay process CPU (user+sys) per forwarded frame over one bulk turn of ${cfg.frames.toLocaleString('en-US')} text frames + final (upstream: the bench server, one write; browser: a child process counting frames), after a ${cfg.warmFrames.toLocaleString('en-US')}-frame warm-up; heap per open relayed session: heapUsed after full GC with ${cfg.sessions} idle sessions (browser and upstream sockets) minus before; ${cfg.reps} reps`;
}

export function summarizeRuns(ctx) {
  const cpu = (impl) => sumOf(ctx.runs, impl, (r) => r.cpuUsPerFrame);
  const rate = (impl) => sumOf(ctx.runs, impl, (r) => r.framesPerSecond / 1000);
  const heap = (impl) => sumOf(ctx.runs, impl, (r) => r.bytesPerSession / 1024);
  const rows = impls.map((impl) => {
    const c = cpu(impl);
    if (!c) return [NAME[impl], missing(ctx, impl), '', '', ''];
    return [NAME[impl], fmtSummary(c, 2), impl === 'raw' ? '(reference)' : fmtRatio(ratio(c, cpu('raw'))), fmtSummary(rate(impl), 0), fmtSummary(heap(impl), 2)];
  });
  const r = ratio(cpu('aui'), cpu('raw'));
  const perSession = heap('aui')?.median ?? NaN;
  return {
    header: ['relay', 'CPU µs per frame median [min–max]', 'ratio', 'k frames/s', 'heap KB per open session'],
    rows,
    figures: { relayCpuUsPerFrame: cpu('aui')?.median ?? NaN, pipeCpuUsPerFrame: cpu('raw')?.median ?? NaN, relayCpuRatio: r, relayKbPerSession: perSession, pipeKbPerSession: heap('raw')?.median ?? NaN },
    goals: [
      goal('aui-rx/relay ≤ 1.5× the CPU per forwarded frame of a bare ws-to-ws pipe', { value: r, text: `${fmt(r, 2)}×` }, r <= 1.5),
      goal('heap per open relayed session reported', { value: perSession, text: `${fmt(perSession, 2)} KB (bare pipe ${fmt(heap('raw')?.median, 2)} KB)` }, true),
    ],
  };
}

// Profiles one client of one scenario under `node --cpu-prof` and prints the top self-time
// functions. Not part of `npm run bench`.
//
//   node bench/profile.mjs [--scenario bulk] [--impl aui] [--quick] [--top 25]
//
// The .cpuprofile is kept in bench/results/ (git-ignored) for Chrome DevTools / speedscope.
import { parseArgs } from 'node:util';
import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { killAll, runClient, startServer, stopChild } from './lib/proc.mjs';
import { table } from './lib/stats.mjs';
import { selfTimes } from './lib/cpuprofile.mjs';
import * as bulk from './scenarios/bulk.mjs';
import * as relay from './scenarios/relay.mjs';
import * as latency from './scenarios/latency.mjs';
import * as accumulate from './scenarios/accumulate.mjs';

const SC = { bulk, relay, latency, accumulate };
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const { values: args } = parseArgs({
  options: { scenario: { type: 'string', default: 'bulk' }, impl: { type: 'string', default: 'aui' }, quick: { type: 'boolean', default: false }, top: { type: 'string', default: '25' }, interval: { type: 'string', default: '1000' } },
});
const sc = SC[args.scenario];
if (!sc) throw new Error(`--scenario must be one of ${Object.keys(SC).join(', ')}`);

const dir = here('./results/profiles');
mkdirSync(dir, { recursive: true });
const before = new Set(readdirSync(dir));
const cfg = sc.config(args.quick);
const { reps, clientDeadlineMs, scenarioDeadlineMs, ...clientCfg } = cfg;
const server = await startServer(here('./server.mjs'));
try {
  const msg = await runClient(here('./client.mjs'), { scenario: sc.id, impl: args.impl, port: server.port, ...clientCfg }, {
    deadlineMs: clientDeadlineMs,
    execArgv: ['--cpu-prof', '--cpu-prof-interval', String(args.interval), '--cpu-prof-dir', dir, ...(sc.execArgv ?? [])],
    server,
  });
  if (msg.type !== 'result') throw new Error(`${args.impl}: ${msg.reason ?? msg.error}`);
} finally {
  await stopChild(server.child);
}
const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
const target = join(dir, `${sc.id}-${args.impl}.cpuprofile`);
renameSync(join(dir, file), target);
const { total, rows, groups } = selfTimes(JSON.parse(readFileSync(target, 'utf8')));
const top = rows.slice(0, Number(args.top)).map(([k, us]) => [`${((100 * us) / total).toFixed(1)}%`, `${(us / 1000).toFixed(1)} ms`, k]);
console.log(`${sc.id} / ${args.impl}: ${(total / 1000).toFixed(0)} ms sampled; top self time\n`);
console.log(table(['self %', 'self', 'function  file:line'], top));
console.log('\nby group\n');
console.log(table(['self %', 'self', 'group'], groups.map(([g, us]) => [`${((100 * us) / total).toFixed(1)}%`, `${(us / 1000).toFixed(1)} ms`, g])));
console.log(`\nprofile: ${target}`);
killAll();

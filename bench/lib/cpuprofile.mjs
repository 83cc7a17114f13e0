// Reads a V8 .cpuprofile (node --cpu-prof) into self time per function.

/**
 * Self time per function (name + file:line), and per group (aui-rx dist, each package, node core,
 * GC, idle…), from a .cpuprofile. Times in µs.
 */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const agg = new Map();
  const groups = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const file = cf.url.replace(/^file:\/\//, '').replace(/^.*?\/(dist|node_modules)\//, '$1/').replace(/^node:/, 'node:');
    const key = `${cf.functionName || '(anonymous)'}  ${file ? `${file}:${cf.lineNumber + 1}` : ''}`.trim();
    agg.set(key, (agg.get(key) ?? 0) + us);
    const group = cf.url === '' ? (cf.functionName.startsWith('(') ? cf.functionName : 'V8 builtins / native') : /^dist\//.test(file) ? 'aui-rx (dist)' : /^node_modules\//.test(file) ? file.split('/')[1] : file.startsWith('node:') ? 'node core' : 'bench harness';
    groups.set(group, (groups.get(group) ?? 0) + us);
    total += us;
  }
  return { total, rows: [...agg].sort((a, b) => b[1] - a[1]), groups: [...groups].sort((a, b) => b[1] - a[1]) };
}

// One client process of one scenario: `node bench/client.mjs '<json config>'` (forked by run.mjs).
// Loads the implementation, runs the scenario's client part, sends {type:'result', result} (or
// {type:'unavailable', reason} / {type:'failed', error}) over IPC and exits. It also exits on its own
// deadline and when the parent goes away.
import { loadImpl } from './lib/impls.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');
const send = (msg) => new Promise((resolve) => (process.send ? process.send(msg, () => resolve()) : (console.log(JSON.stringify(msg)), resolve())));
const deadline = setTimeout(async () => {
  await send({ type: 'failed', error: `client deadline of ${config.deadlineMs} ms passed` });
  process.exit(124);
}, config.deadlineMs ?? 60_000);
process.on('disconnect', () => process.exit(0));

try {
  // 'raw+acc' is the raw client that also accumulates the text (acc += delta): an anchor for the cost of accumulation itself.
  const impl = config.impl === 'bundle' ? { name: 'bundle' } : await loadImpl(config.impl.replace(/\+acc$/, ''));
  if (impl.unavailable) {
    await send({ type: 'unavailable', reason: impl.unavailable });
  } else {
    const scenario = await import(`./clients/${config.scenario}.mjs`);
    const result = await scenario.run(impl, config);
    await send({ type: 'result', result: { ...result, distMtime: impl.distMtime } });
  }
} catch (err) {
  await send({ type: 'failed', error: String(err?.stack ?? err) });
}
clearTimeout(deadline);
process.exit(0);

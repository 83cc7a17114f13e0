// Child processes of the runner: every one is tracked by pid, has a hard deadline, and is killed
// (by its pid) when it overruns, when the runner errors, and when the runner exits.
import { execFileSync, fork } from 'node:child_process';
import os from 'node:os';

const live = new Map(); // pid -> ChildProcess

function killPid(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Kills every child still running (by pid). */
export function killAll() {
  for (const pid of [...live.keys()]) {
    killPid(pid);
    live.delete(pid);
  }
}

let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    killAll();
    console.error(err);
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    killAll();
    console.error(err);
    process.exit(1);
  });
}

let pinning;
/**
 * Where the bench server and the client processes run: `{ server: 0, client: 1, how }` (one CPU each,
 * through `taskset`) on Linux with `taskset` and ≥ 2 CPUs, unless AUI_BENCH_PIN=off; else `null`.
 *
 * Why: on this kind of machine the OS placing the two processes on one CPU or on two changes the
 * figures by a factor (loopback latency p50 ~90 µs vs ~200 µs: a cross-CPU wake-up; relay CPU at
 * 50k frames/s ~25 % vs ~40 %: frames read in batches vs one wake-up per frame). Unpinned, each client
 * process drew its regime at random, so a median of 5 compared regimes, not clients.
 */
export function cpuPinning() {
  if (pinning !== undefined) return pinning;
  pinning = null;
  if (process.env.AUI_BENCH_PIN === 'off' || process.platform !== 'linux' || os.availableParallelism() < 2) return pinning;
  try {
    execFileSync('taskset', ['-c', '1', 'true'], { stdio: 'ignore' });
    pinning = { server: 0, client: 1, how: 'taskset: bench server on CPU 0, each client process on CPU 1' };
  } catch {
    /* no taskset: unpinned */
  }
  return pinning;
}

/**
 * Forks `script` with IPC; stderr is inherited, stdout too (children print nothing on success).
 * `cpu`: run it on that CPU only (through `taskset`, which execs node: same pid).
 */
export function spawnChild(script, args = [], { execArgv = [], cpu } = {}) {
  hookExit();
  const where = cpu === undefined ? { execArgv } : { execPath: 'taskset', execArgv: ['-c', String(cpu), process.execPath, ...execArgv] };
  const child = fork(script, args, { ...where, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  live.set(child.pid, child);
  child.once('exit', () => live.delete(child.pid));
  return child;
}

const gone = (child) => child.exitCode !== null || child.signalCode !== null;

/** Resolves true when the child has exited, false after `ms`. */
function waitExit(child, ms) {
  if (gone(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    child.once('exit', () => (clearTimeout(timer), resolve(true)));
  });
}

/**
 * Stops one child by its pid: waits up to `exitMs` for it to exit by itself (a client exits right
 * after its result, and must, to write a --cpu-prof profile), then kills it and waits (bounded).
 */
export async function stopChild(child, { exitMs = 0, graceMs = 2000 } = {}) {
  if (!child || gone(child)) return;
  if (exitMs > 0 && (await waitExit(child, exitMs))) return void live.delete(child.pid);
  killPid(child.pid);
  await waitExit(child, graceMs);
  live.delete(child.pid);
}

/** Resolves with the first IPC message matching `pred`; rejects on exit or after `ms`. */
export function waitMessage(child, pred, ms, what) {
  return new Promise((resolve, reject) => {
    const done = (fn, v) => {
      clearTimeout(timer);
      child.off('message', onMsg);
      child.off('exit', onExit);
      fn(v);
    };
    const onMsg = (m) => {
      if (m?.type === 'fatal') done(reject, new Error(`${what}: ${m.error}`));
      else if (pred(m)) done(resolve, m);
    };
    const onExit = (code, sig) => done(reject, new Error(`${what}: exited (code ${code}, signal ${sig}) before answering`));
    const timer = setTimeout(() => done(reject, new Error(`${what}: no answer within ${ms} ms (deadline)`)), ms);
    child.on('message', onMsg);
    child.once('exit', onExit);
  });
}

/** Forks the bench server (on {@link cpuPinning}'s server CPU) and resolves with `{ child, port }` once it listens. */
export async function startServer(serverScript) {
  const child = spawnChild(serverScript, [], { cpu: cpuPinning()?.server });
  const ready = await waitMessage(child, (m) => m.type === 'ready', 10_000, 'bench server');
  return { child, port: ready.port };
}

/** Asks the server for its counters (connections, turns, errors, open). */
export async function serverStats(server) {
  server.child.send({ cmd: 'stats' });
  return (await waitMessage(server.child, (m) => m.type === 'stats', 5_000, 'bench server stats')).stats;
}

/** Resets the server's counters. */
export async function serverReset(server) {
  server.child.send({ cmd: 'reset' });
  await waitMessage(server.child, (m) => m.type === 'reset', 5_000, 'bench server reset');
}

/** Forks one client process (on the client CPU) and relays its {type:'ask-stats'} questions to the server. */
function startClient(clientScript, config, { deadlineMs, execArgv = [], server }) {
  const child = spawnChild(clientScript, [JSON.stringify({ ...config, deadlineMs })], { execArgv, cpu: server ? cpuPinning()?.client : undefined });
  child.on('message', (m) => {
    if (m?.type !== 'ask-stats' || !server) return;
    serverStats(server).then(
      (stats) => child.connected && child.send({ type: 'stats', stats }),
      () => {},
    );
  });
  return child;
}

const isEnd = (m) => m.type === 'result' || m.type === 'unavailable' || m.type === 'failed';

/**
 * Runs one client process to completion: `bench/client.mjs` with the JSON config; resolves with its
 * `result` message. The child is killed by pid when `deadlineMs` passes (the promise rejects then).
 * A client may ask for the server's counters ({type:'ask-stats'}); the runner relays them.
 */
export async function runClient(clientScript, config, { deadlineMs, execArgv = [], server }) {
  const child = startClient(clientScript, config, { deadlineMs, execArgv, server });
  let answered = false;
  try {
    const msg = await waitMessage(child, isEnd, deadlineMs + 2_000, `client ${config.impl}/${config.scenario}`);
    answered = true;
    return msg;
  } finally {
    await stopChild(child, { exitMs: answered ? 10_000 : 0 }); // a client that answered exits by itself
  }
}

/**
 * Runs one client process per implementation at the same time, in lockstep: each warms up and says
 * {type:'ready'}; then, `turns` times, the runner sends {type:'go'} to each client in turn (the order
 * rotates every step) and waits for its {type:'done'} before the next one, so only one client is
 * ever mid-turn and all of them meet the same machine conditions, turn after turn. Resolves with
 * `{ [impl]: message }` (each client's final result / unavailable / failed message). Every child is
 * killed by pid at `deadlineMs` at the latest.
 */
export async function runPaired(clientScript, impls, config, { deadlineMs, execArgv = [], server, turns }) {
  const started = Date.now();
  const left = () => Math.max(1, deadlineMs + 2_000 - (Date.now() - started));
  const children = new Map(impls.map((impl) => [impl, startClient(clientScript, { ...config, impl, paired: true }, { deadlineMs, execArgv, server })]));
  // Every message is kept until it is read: a client may answer before the runner waits for it.
  const inbox = new Map(impls.map((impl) => [impl, []]));
  for (const [impl, child] of children) child.on('message', (m) => m?.type !== 'ask-stats' && inbox.get(impl).push(m));
  const next = async (impl, what) => {
    const box = inbox.get(impl);
    const child = children.get(impl);
    const deadline = Date.now() + left();
    while (box.length === 0) {
      if (gone(child)) throw new Error(`client ${impl}/${config.scenario} (${what}): exited (code ${child.exitCode}) before answering`);
      if (Date.now() > deadline) throw new Error(`client ${impl}/${config.scenario} (${what}): no answer in time (deadline)`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        const wake = () => (clearTimeout(timer), child.off('message', wake), child.off('exit', wake), resolve());
        child.once('message', wake);
        child.once('exit', wake);
      });
    }
    return box.shift();
  };
  const outcome = {};
  try {
    for (const impl of impls) {
      const m = await next(impl, 'ready');
      if (m.type !== 'ready') outcome[impl] = m;
    }
    const running = impls.filter((impl) => !outcome[impl]);
    for (let i = 0; i < turns && running.length; i++) {
      for (let k = 0; k < running.length; k++) {
        const impl = running[(i + k) % running.length];
        children.get(impl).send({ type: 'go' });
        const m = await next(impl, `turn ${i}`);
        if (m.type !== 'done') throw new Error(`client ${impl}: ${m.error ?? m.reason ?? m.type} at turn ${i}`);
      }
    }
    for (const impl of running) outcome[impl] = await next(impl, 'result');
    return outcome;
  } finally {
    for (const [impl, child] of children) await stopChild(child, { exitMs: outcome[impl] ? 10_000 : 0 });
  }
}

/**
 * Shared helpers of the CLI specs (spec/cli): a captured `CliIo` for in-process runs, and the built
 * `aui-rx` command (`node …/cjs/cli/main.js`, from a private copy of the build) run as a child process
 * with a bounded lifetime (every child is killed by {@link killChildren}, which the specs call in
 * afterEach).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CliIo } from '../../lib/cli/output.js';

/** The repository root (where `scripts/ensure-build.mjs` and `dist/` live). */
export const REPO_ROOT = join(__dirname, '..', '..');

/** Where this spec file's private copy of the built CLI lives (set by {@link ensureBuild}). */
let cliPath: string | undefined;
let privateCopy: string | undefined;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding a lock shared by every jest worker, so parallel spec files never build at once. */
function withBuildLock<T>(fn: () => T): T {
  const lock = join(REPO_ROOT, '.tmp', 'cli-spec-build.lock');
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  for (let waited = 0; ; waited += 50) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true }); // a crashed run
      } catch {
        // the holder released it meanwhile
      }
      if (waited > 180_000) throw new Error('timed out waiting for another spec file to build dist/');
      sleepSync(50);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds `dist/` if it is missing or stale (`scripts/ensure-build.mjs`, as `npm start` does), then copies
 * `dist/cjs` to a private folder under `.tmp/` that the children run from, so a build started meanwhile
 * (another spec file, another engineer) cannot delete the files under a running child. Call in
 * beforeAll (with a timeout that allows a build) and {@link releaseBuild} in afterAll.
 */
export function ensureBuild(): void {
  withBuildLock(() => {
    for (let attempt = 1; ; attempt++) {
      execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: REPO_ROOT, stdio: 'pipe' });
      const copy = mkdtempSync(join(REPO_ROOT, '.tmp', 'cli-spec-'));
      cpSync(join(REPO_ROOT, 'dist', 'cjs'), join(copy, 'cjs'), { recursive: true });
      const main = join(copy, 'cjs', 'cli', 'main.js');
      if (['cli/main.js', 'index.js', 'testing/index.js', 'package.json'].every((f) => existsSync(join(copy, 'cjs', f)))) {
        privateCopy = copy;
        cliPath = main;
        return;
      }
      rmSync(copy, { recursive: true, force: true }); // copied while someone else was rebuilding: again
      if (attempt === 3) throw new Error('dist/cjs kept changing while it was copied');
    }
  });
}

/** The private copy of the built `cli/main.js` that {@link ensureBuild} made (to run it another way, e.g. in a pty). */
export function builtCliPath(): string {
  if (!cliPath) throw new Error('call ensureBuild() in beforeAll first');
  return cliPath;
}

/** Removes the private copy made by {@link ensureBuild}. */
export function releaseBuild(): void {
  if (privateCopy) rmSync(privateCopy, { recursive: true, force: true });
  privateCopy = undefined;
  cliPath = undefined;
}

/** A Writable that keeps everything written to it. */
export class Collector extends Writable {
  private readonly chunks: string[] = [];

  constructor(readonly isTTY = false) {
    super({ decodeStrings: false });
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(String(chunk));
    callback();
  }

  /** Everything written so far. */
  get text(): string {
    return this.chunks.join('');
  }
}

/** A captured `CliIo`: `out` and `err` collect what the command writes. */
export interface CapturedIo extends CliIo {
  readonly out: Collector;
  readonly err: Collector;
}

/** A `CliIo` whose streams collect their output (`out` reports `isTTY` as given). */
export function captureIo(isTTY = false): CapturedIo {
  return { out: new Collector(isTTY), err: new Collector() };
}

/** An environment without the CLI's own variables, so the machine running the specs cannot leak in. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['AUI_API_KEY'];
  delete env['AUI_BASE_URL'];
  return { ...env, ...extra };
}

/** How a child process ended. */
export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running child: its process, its output so far, and its end. */
export interface RunningChild {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly done: Promise<ChildResult>;
}

const children = new Set<ChildProcess>();

/**
 * Spawns `node dist/cjs/cli/main.js ...args`. The child is killed (SIGKILL) after `timeoutMs`, and
 * `done` then rejects, so a hung command fails its test instead of hanging the run.
 */
export function startCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): RunningChild {
  if (!cliPath) throw new Error('call ensureBuild() in beforeAll first');
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: REPO_ROOT, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timeoutMs = options.timeoutMs ?? 15_000;
  const done = new Promise<ChildResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aui-rx ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  return { child, stdout: () => out, stderr: () => err, done };
}

/** Runs the command to its end (bounded by `timeoutMs`). */
export function runCliChild(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChildResult> {
  return startCli(args, options).done;
}

/** Kills every child still running (call in afterEach). */
export function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/** Polls `check` on the event loop until it returns a value (bounded by jest's test timeout). */
export async function waitUntil<T>(check: () => T | undefined | false): Promise<T> {
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The base URL `aui-rx serve` printed (`  base URL: http://…`), once it has. */
export function servedBaseUrl(output: string): string | undefined {
  return /base URL: (\S+)/.exec(output)?.[1];
}

/**
 * Shared helpers of the CLI specs (spec/cli): a captured `CliIo` for in-process runs, and the built
 * `aui-rx` command run as a child process with a bounded lifetime (every child is killed by
 * {@link killChildren}, which the specs call in afterEach).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CliIo } from '../../lib/cli/output.js';

/** The repository root (where `scripts/ensure-build.mjs` and `dist/` live). */
export const REPO_ROOT = join(__dirname, '..', '..');

/** The built command, as `npm start` and the package `bin` run it. */
export const CLI_PATH = join(REPO_ROOT, 'dist', 'cjs', 'cli', 'main.js');

/** Builds `dist/` if it is missing or stale (call in beforeAll; jest's timeout must allow a build). */
export function ensureBuild(): void {
  execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: REPO_ROOT, stdio: 'pipe' });
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
  const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: REPO_ROOT, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
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

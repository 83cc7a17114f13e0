/**
 * Runs the real `aui-rx` command in a child process for the key-safety suite. It uses the built
 * `dist/cjs/cli/main.js` when that build is newer than every file under lib/ (what `npm run build`
 * produces), and otherwise bundles lib/cli/main.ts with esbuild into a private temp directory, so
 * the test never rebuilds (or deletes) the shared dist/ while other people use the checkout.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const DIST_CLI = join(ROOT, 'dist', 'cjs', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The CLI entry to run and how to clean it up. */
export interface CliBuild {
  /** Path of the CommonJS entry point. */
  readonly entry: string;
  /** `dist` (the package build) or `bundle` (esbuild, from the current lib/ sources). */
  readonly source: 'dist' | 'bundle';
  dispose(): void;
}

/** The freshest runnable CLI: dist/ when up to date, else a temporary esbuild bundle of lib/cli/main.ts. */
export function buildCli(): CliBuild {
  if (existsSync(DIST_CLI) && statSync(DIST_CLI).mtimeMs >= newestMtime(join(ROOT, 'lib'))) {
    return { entry: DIST_CLI, source: 'dist', dispose: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'aui-rx-cli-'));
  const entry = join(dir, 'main.cjs');
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: [join(ROOT, 'lib', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    outfile: entry,
    external: ['bufferutil', 'utf-8-validate'],
    logLevel: 'silent',
  });
  return { entry, source: 'bundle', dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What a CLI run printed and how it exited. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <entry> ...args` asynchronously (the fake server lives in this process), bounded by `timeoutMs`. */
export function runCliProcess(entry: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [entry, ...args],
      { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : null) : 0;
        resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

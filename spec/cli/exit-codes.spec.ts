/**
 * Exit codes: one per error kind, distinct, and the same in the code, `aui-rx --help` and docs/cli.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AuiApplicationError,
  AuiAuthenticationError,
  AuiConnectionError,
  AuiProtocolError,
  AuiRateLimitError,
  AuiServerError,
  AuiTimeoutError,
  AuiValidationError,
  type AuiError,
} from '../../lib/errors.js';
import { EXIT_CODES, exitCodeFor, InterruptedError, isUsageError, UsageError } from '../../lib/cli/exit-codes.js';
import { MAIN_HELP } from '../../lib/cli/main.js';
import { REPO_ROOT } from '../helpers/cli-kit.js';

const EXPECTED = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  authentication: 3,
  validation: 4,
  application: 5,
  server: 6,
  'rate-limit': 7,
  connection: 8,
  timeout: 9,
  protocol: 10,
  interrupted: 130,
};

describe('EXIT_CODES', () => {
  it('gives every outcome its own code', () => {
    expect(EXIT_CODES).toEqual(EXPECTED);
    expect(new Set(Object.values(EXIT_CODES)).size).toBe(Object.keys(EXIT_CODES).length);
  });

  it('is listed the same in `aui-rx --help`', () => {
    const listed = Object.fromEntries([...MAIN_HELP.matchAll(/(\d+) ([a-z-]+)/g)].map((m) => [m[2], Number(m[1])]));
    expect(listed).toEqual(EXPECTED);
  });

  it('is listed the same in docs/cli.md', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'cli.md'), 'utf8');
    const table = doc.slice(doc.indexOf('## Exit codes'));
    const rows = [...table.matchAll(/^\| (\d+) \| ([^|]+) \|$/gm)].map((m) => [Number(m[1]), m[2]?.trim()] as const);
    expect(rows.map(([code]) => code)).toEqual(Object.values(EXPECTED));
    for (const [name, code] of Object.entries(EXPECTED)) {
      const row = rows.find(([c]) => c === code);
      const word = { ok: 'success', unexpected: 'unexpected', usage: 'usage', interrupted: 'interrupted' }[name] ?? name;
      expect(row?.[1]).toContain(word);
    }
  });
});

describe('exitCodeFor', () => {
  it.each<[AuiError, number]>([
    [new AuiAuthenticationError('a', { closeCode: 1008 }), 3],
    [new AuiValidationError('v'), 4],
    [new AuiApplicationError('m', { status: 400 }), 5],
    [new AuiServerError('s', { closeCode: 1011 }), 6],
    [new AuiRateLimitError('r', { status: 429, retryAfterMs: 1000 }), 7],
    [new AuiConnectionError('c', { closeCode: 1006 }), 8],
    [new AuiTimeoutError('t', 'idle'), 9],
    [new AuiProtocolError('p'), 10],
  ])('%p → %i', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
    expect(EXIT_CODES[error.kind]).toBe(code);
  });

  it('usage errors → 2: ours and the ones parseArgs throws', () => {
    let parseError: unknown;
    try {
      parseArgs({ args: ['--nope'], options: {} });
    } catch (error) {
      parseError = error;
    }
    expect(isUsageError(parseError)).toBe(true);
    expect(exitCodeFor(parseError)).toBe(2);
    expect(exitCodeFor(new UsageError('--user is required'))).toBe(2);
    expect(isUsageError(new RangeError('Invalid array length'))).toBe(false); // a bug is not a usage error
  });

  it('an interruption → 130; anything else → 1', () => {
    expect(exitCodeFor(new InterruptedError())).toBe(130);
    expect(new InterruptedError().message).toBe('interrupted');
    expect(exitCodeFor(new RangeError('Invalid array length'))).toBe(1);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
    expect(exitCodeFor('boom')).toBe(1);
    expect(exitCodeFor(undefined)).toBe(1);
    expect(exitCodeFor({ kind: 'authentication' })).toBe(1); // not a (branded) aui-rx error
  });
});

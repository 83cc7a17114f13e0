import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import * as z from 'zod/mini';
import { describeIssue, issueMessage, safeParseWire } from '../../lib/internal/zod-issues';
import { AgentMessageSchema, TaskPageSchema } from '../../lib/protocol/rest';

const ROOT = join(__dirname, '..', '..');

/** The issues of `schema` on `value` through the library's parse (it must fail). */
function issuesOf(schema: z.core.$ZodType, value: unknown): Array<{ path: readonly PropertyKey[]; message: string; code?: string }> {
  const result = safeParseWire(schema, value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to fail`);
  return result.issues;
}

/** The one message of `schema` on `value`. */
const messageOf = (schema: z.core.$ZodType, value: unknown): string | undefined => issuesOf(schema, value)[0]?.message;

describe('safeParseWire', () => {
  it('gives the output, or every issue as path, message and code, nothing else', () => {
    expect(safeParseWire(z.object({ a: z.string() }), { a: 'x' })).toEqual({ success: true, data: { a: 'x' } });
    const issues = issuesOf(z.object({ a: z.string(), b: z.array(z.number()) }), { a: 1, b: ['x'] });
    expect(issues).toEqual([
      { path: ['a'], message: 'Invalid input: expected string, received number', code: 'invalid_type' },
      { path: ['b', 0], message: 'Invalid input: expected number, received string', code: 'invalid_type' },
    ]);
  });

  it('writes what was expected and what came, though zod/mini loads no locale (plain safeParse says "Invalid input")', () => {
    expect(z.string().safeParse(null).error?.issues[0]?.message).toBe('Invalid input');
    expect(messageOf(z.string(), null)).toBe('Invalid input: expected string, received null');
    expect(messageOf(TaskPageSchema, { tasks: [], total: -1, page: 1, size: 10 })).toBe('Too small: expected number to be >=0');
    expect(issuesOf(AgentMessageSchema, { id: 'm', text: 't' }).map(describeIssue)).toEqual([
      'created_at: Invalid input: expected string, received undefined',
      'sender: Invalid input: expected object, received undefined',
      'receiver: Invalid input: expected object, received undefined',
    ]);
  });

  it('keeps a message the schema gives itself (a check, a refine, an error option)', () => {
    expect(messageOf(z.string().check(z.minLength(1, 'must be a non-empty string')), '')).toBe('must be a non-empty string');
    expect(messageOf(z.string().check(z.refine(() => false, 'never')), 'x')).toBe('never');
    expect(messageOf(z.string({ error: 'not a string' }), 1)).toBe('not a string');
    expect(messageOf(z.string({ error: () => ({ message: 'as an object' }) }), 1)).toBe('as an object');
    // A check without a message of its own takes that of the schema it belongs to, as in zod.
    expect(messageOf(z.string({ error: 'schema says' }).check(z.minLength(2)), 'x')).toBe('schema says');
    expect(messageOf(z.string({ error: 'schema says' }).check(z.minLength(2, 'check says')), 'x')).toBe('check says');
  });

  it('never touches zod’s global config, and a global map the app set does not change its messages', () => {
    const before = { ...z.config() };
    expect(before.localeError).toBeUndefined();
    messageOf(z.number(), 'x');
    expect(z.config()).toEqual(before);
    z.config({ customError: () => 'the app’s own text' });
    try {
      expect(messageOf(z.number(), 'x')).toBe('Invalid input: expected number, received string');
      expect(z.number().safeParse('x').error?.issues[0]?.message).toBe('the app’s own text');
    } finally {
      z.config({ customError: undefined });
    }
  });
});

describe('issueMessage', () => {
  it.each<[string, z.core.$ZodType, unknown, string]>([
    ['invalid_type null', z.string(), null, 'Invalid input: expected string, received null'],
    ['invalid_type array', z.object({}), [], 'Invalid input: expected object, received array'],
    ['invalid_type NaN', z.number(), NaN, 'Invalid input: expected number, received NaN'],
    ['invalid_type Infinity', z.string(), Infinity, 'Invalid input: expected string, received Infinity'],
    ['invalid_type class', z.string(), new Date(0), 'Invalid input: expected string, received Date'],
    ['invalid_type bare object', z.string(), Object.create(null), 'Invalid input: expected string, received object'],
    ['invalid_type int', z.number().check(z.int()), 1.5, 'Invalid input: expected int, received number'],
    ['invalid_value one', z.literal('a'), 'b', 'Invalid input: expected "a"'],
    ['invalid_value several', z.enum(['a', 'b']), 'c', 'Invalid option: expected one of "a"|"b"'],
    ['too_big string', z.string().check(z.maxLength(2)), 'abc', 'Too big: expected string to have <=2 characters'],
    ['too_big number exclusive', z.number().check(z.lt(5)), 5, 'Too big: expected number to be <5'],
    ['too_small array', z.array(z.string()).check(z.minLength(1)), [], 'Too small: expected array to have >=1 items'],
    ['too_small exact', z.string().check(z.length(3)), 'ab', 'Too small: expected string to have exactly 3 characters'],
    ['invalid_format regex', z.string().check(z.regex(/^a/)), 'b', 'Invalid string: must match pattern /^a/'],
    ['invalid_format starts_with', z.string().check(z.startsWith('x')), 'b', 'Invalid string: must start with "x"'],
    ['invalid_format url', z.url(), 'not a url', 'Invalid URL'],
    ['not_multiple_of', z.number().check(z.multipleOf(3)), 4, 'Invalid number: must be a multiple of 3'],
    ['unrecognized_keys', z.strictObject({}), { a: 1, b: 2 }, 'Unrecognized keys: "a", "b"'],
    ['invalid_key', z.record(z.string().check(z.minLength(2)), z.number()), { a: 1 }, 'Invalid key in record'],
    ['invalid_union', z.union([z.string(), z.number()]), true, 'Invalid input'],
    ['custom without a message', z.string().check(z.refine(() => false)), 'x', 'Invalid input'],
  ])('%s', (_code, schema, value, message) => {
    expect(messageOf(schema, value)).toBe(message);
  });

  it('names a value whose class cannot be read as an object (a hostile Proxy)', () => {
    const hostile = new Proxy({}, { getPrototypeOf: () => { throw new Error('no'); } });
    expect(issueMessage({ code: 'invalid_type', expected: 'string', input: hostile, path: [] })).toBe('Invalid input: expected string, received object');
  });
});

describe('describeIssue', () => {
  it('reads path.to.field: message, or the message alone for the value itself', () => {
    expect(describeIssue({ path: ['context', 'lead_details', 0], message: 'Expected object' })).toBe('context.lead_details.0: Expected object');
    expect(describeIssue({ path: [], message: 'must be JSON-encodable' })).toBe('must be JSON-encodable');
  });
});

describe('zod/mini only (issue 14)', () => {
  /** Every .ts file under `dir`. */
  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath, e.name));
  }

  it('no file in lib/ imports zod classic (`zod`, `zod/v4`, `zod/v4/classic`…) or zod’s locales', () => {
    const specifier = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](zod[^'"]*)['"]/g;
    const offenders: string[] = [];
    let files = 0;
    for (const file of sources(join(ROOT, 'lib'))) {
      files++;
      for (const [, name] of readFileSync(file, 'utf8').matchAll(specifier)) {
        if (name !== 'zod/mini' && name !== 'zod/v4/core') offenders.push(`${file.slice(ROOT.length + 1)}: ${name}`);
      }
    }
    expect(files).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });

  it('a browser bundle of the barrel holds zod/mini and zod’s core, nothing of zod classic, no locale', async () => {
    const result = await build({
      entryPoints: [join(ROOT, 'lib/index.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      minify: true,
      metafile: true,
      external: ['rxjs', 'rxjs/*', 'ws', 'isomorphic-ws', 'node:*'],
      logLevel: 'silent',
    });
    const zodIn = (paths: string[]): string[] => paths.filter((p) => p.includes('node_modules/zod/')).map((p) => p.replace(/^.*node_modules\/zod\//, ''));
    const graph = zodIn(Object.keys(result.metafile.inputs));
    const output = Object.values(result.metafile.outputs)[0];
    const kept = zodIn(Object.entries(output?.inputs ?? {}).filter(([, v]) => v.bytesInOutput > 0).map(([p]) => p));
    expect(kept).toEqual(expect.arrayContaining(['v4/mini/schemas.js', 'v4/core/schemas.js']));
    expect(graph.filter((p) => /^(v4\/classic|v3)\//.test(p) || p === 'index.js' || p === 'v4/index.js')).toEqual([]);
    expect(kept.filter((p) => /^(v4\/)?locales\/|json-schema|to-json-schema|compile\.js/.test(p))).toEqual([]);
  });
});

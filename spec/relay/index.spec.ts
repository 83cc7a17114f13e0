/**
 * The aui-rx/relay entry (lib/relay/index.ts), pinned: what it exports, that docs/exports.md and
 * docs/relay.md name each export, and that neither the main barrel nor its browser bundle reaches it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import * as entry from '../../lib/relay/index';

const ROOT = join(__dirname, '..', '..');
const RELAY_VALUES = ['DEFAULT_RELAY_LIMITS', 'createAuiRelay'];
const RELAY_TYPES = ['AuiRelay', 'AuiRelayAuthorize', 'AuiRelayCors', 'AuiRelayLimits', 'AuiRelayLogEntry', 'AuiRelayOptions', 'AuiRelayOwnershipCache'];

describe("the relay entry ('aui-rx/relay', lib/relay/index.ts)", () => {
  it('exports exactly these values', () => {
    expect(Object.keys(entry).sort()).toEqual(RELAY_VALUES);
  });

  it('exports exactly these types', () => {
    const source = readFileSync(join(ROOT, 'lib/relay/index.ts'), 'utf8');
    const types = [...source.matchAll(/export type \{([^}]*)\}/g)].flatMap((m) => (m[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    expect(types.sort()).toEqual(RELAY_TYPES);
  });

  it('is listed in docs/exports.md, every name of it', () => {
    const doc = readFileSync(join(ROOT, 'docs/exports.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## `aui-rx/relay`'));
    for (const name of [...RELAY_VALUES, ...RELAY_TYPES]) expect(section).toContain(`\`${name}`);
  });

  it('never reaches the browser bundle of the main barrel', async () => {
    const result = await build({
      entryPoints: [join(ROOT, 'lib/index.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      external: ['rxjs', 'zod', 'zod/*', 'isomorphic-ws', 'ws'],
      metafile: true,
      logLevel: 'silent',
    });
    expect(Object.keys(result.metafile.inputs).filter((file) => file.includes('lib/relay/'))).toEqual([]);
  });
});

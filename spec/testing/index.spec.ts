import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

describe('aui-rx/testing Node entry (lib/testing/index.ts)', () => {
  it('declares nothing from Node: a consumer without @types/node type-checks against either entry', () => {
    // Emit the declarations of the Node entry in memory and follow its relative imports.
    const emitted = new Map<string, string>();
    const program = ts.createProgram([join(ROOT, 'lib/testing/index.ts')], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      declaration: true,
      emitDeclarationOnly: true,
      rootDir: join(ROOT, 'lib'),
      outDir: '/virtual',
      types: ['node'],
    });
    program.emit(undefined, (fileName, text) => emitted.set(fileName, text));
    const reached = new Set<string>();
    const visit = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      const text = emitted.get(file) ?? '';
      for (const [, spec] of text.matchAll(/from '(\.[^']+)'/g)) visit(join(file, '..', spec!.replace(/\.js$/, '.d.ts')));
    };
    visit('/virtual/testing/index.d.ts');
    const nodeImports = [...reached].filter((file) => /from '(node:[^']+|ws|http|net|stream)'/.test(emitted.get(file) ?? ''));
    expect(reached.size).toBeGreaterThan(5);
    expect(nodeImports).toEqual([]);
  });
});

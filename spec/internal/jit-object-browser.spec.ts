import * as browser from '../../lib/internal/jit-object-browser';
import * as node from '../../lib/internal/jit-object';
import { itAgreesOnAnyInput, itMakesMiniObjects, itParsesAsZodObjects, jitShape } from '../helpers/jit-object-cases';

// Browser bundles take jit-object-browser.js in place of jit-object.js (the `browser` map of
// scripts/build.mjs; scripts/bundle-size.mjs fails if jit-object.js gets into a browser bundle).
// The same fixtures as spec/internal/jit-object.spec.ts (spec/helpers/jit-object-cases.ts) must parse
// identically with both files.
describe('object / looseObject, browser version (zod/mini’s own objects)', () => {
  it('exports the same names as the Node file', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
  });

  itParsesAsZodObjects(browser);

  itMakesMiniObjects('are mini objects with the interpreted parser (no compiled parser, no eval)', browser, false);

  itAgreesOnAnyInput('agree with the Node file on any input: same output, same issues', () => [
    [browser.object(jitShape()), node.object(jitShape())],
    [browser.looseObject(jitShape()), node.looseObject(jitShape())],
  ]);
});

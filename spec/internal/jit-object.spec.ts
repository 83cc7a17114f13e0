import * as z from 'zod/mini';
import { looseObject, object } from '../../lib/internal/jit-object';
import { itAgreesOnAnyInput, itMakesMiniObjects, itParsesAsZodObjects, jitShape } from '../helpers/jit-object-cases';

describe('object / looseObject (zod/mini objects with the compiled parser)', () => {
  itParsesAsZodObjects({ object, looseObject });

  itMakesMiniObjects('are mini objects: instanceof, shape, methods; a clone (check, omit) keeps the compiled parser', { object, looseObject }, true, (schema, clones) => {
    for (const clone of clones) {
      expect(clone._zod.constr).toBe(schema._zod.constr);
      expect(clone).toBeInstanceOf(z.ZodMiniObject);
    }
  });

  itAgreesOnAnyInput('agree with mini’s own objects on any input: same output, same issues', () => [
    [object(jitShape()), z.object(jitShape())],
    [looseObject(jitShape()), z.looseObject(jitShape())],
  ]);
});

import * as z from 'zod/mini';
import { nullAsAbsent, wireObject } from '../../lib/internal/null-as-absent';

const Card = wireObject({
  id: z.string(),
  category: nullAsAbsent(z.optional(z.string())),
  note: nullAsAbsent(z.nullish(z.string())),
  parameters: nullAsAbsent(z._default(z.array(z.string()), [])),
  value: z.optional(z.unknown()),
});

describe('nullAsAbsent + wireObject', () => {
  it('reads null as absent: the key is left out, a default applies', () => {
    const parsed = Card.parse({ id: 'p', category: null, note: null, parameters: null });
    expect(parsed).toStrictEqual({ id: 'p', parameters: [] });
    expect('category' in parsed).toBe(false);
  });

  it('keeps values that are there, and unknown members and plain optional members as sent (null included)', () => {
    expect(Card.parse({ id: 'p', category: 'c', note: 'n', parameters: ['a'], value: null, extra: null })).toStrictEqual({
      id: 'p',
      category: 'c',
      note: 'n',
      parameters: ['a'],
      value: null,
      extra: null,
    });
  });

  it('still refuses a value of the wrong type, and a required member given as null', () => {
    expect(Card.safeParse({ id: 'p', category: 1 }).success).toBe(false);
    expect(Card.safeParse({ id: null }).success).toBe(false);
  });

  it('never changes its input', () => {
    const input = { id: 'p', category: null, note: undefined };
    Card.parse(input);
    expect(input).toStrictEqual({ id: 'p', category: null, note: undefined });
  });

  it('keeps the inferred type field?: T (no null)', () => {
    const parsed: { id: string; category?: string | undefined; parameters: string[] } = Card.parse({ id: 'p' });
    expect(parsed.parameters).toEqual([]);
    // @ts-expect-error null is not part of the type
    const bad: z.infer<typeof Card>['category'] = null;
    expect(bad).toBeNull();
  });

  it('keeps the object schema: shape and loose behaviour', () => {
    expect(Object.keys(Card.shape)).toEqual(['id', 'category', 'note', 'parameters', 'value']);
    expect(wireObject({ id: z.string() }).parse({ id: 'x', y: 1 })).toEqual({ id: 'x', y: 1 });
  });
});

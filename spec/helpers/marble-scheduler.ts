/**
 * A TestScheduler wired to jest's deep equality, for marble specs.
 */
import { TestScheduler } from 'rxjs/testing';

/** A new TestScheduler whose assertions use jest `toEqual`. */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
}

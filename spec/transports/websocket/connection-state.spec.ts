import { aggregateState } from '../../../lib/transports/websocket/connection-state.js';

describe('aggregateState', () => {
  it.each([
    [[], 'idle'],
    [['closed'], 'idle'],
    [['closing'], 'closing'],
    [['closing', 'connecting'], 'connecting'],
    [['connecting', 'open', 'closing'], 'open'],
    [['open'], 'open'],
  ] as const)('%j → %s', (states, expected) => {
    expect(aggregateState(states)).toBe(expected);
  });
});

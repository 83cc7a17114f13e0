import { TextTracker } from '../../../lib/transports/websocket/text-tracker.js';

function run(frames: string[]): Array<[string, string | undefined]> {
  const t = new TextTracker();
  return frames.map((f) => {
    const delta = t.push(f);
    return [t.text, delta];
  });
}

describe('TextTracker', () => {
  it('cumulative frames: delta is the new suffix', () => {
    expect(run(['I', 'I found', 'I found two'])).toEqual([
      ['I', 'I'],
      ['I found', ' found'],
      ['I found two', ' two'],
    ]);
  });

  it('delta frames: appended', () => {
    expect(run(['I', ' found', ' two'])).toEqual([
      ['I', 'I'],
      ['I found', ' found'],
      ['I found two', ' two'],
    ]);
  });

  it('cumulative and delta servers give identical (text, delta) sequences', () => {
    const chunks = ['Hello', ',', ' wor', 'ld', '!'];
    const cumulative = chunks.map((_, i) => chunks.slice(0, i + 1).join(''));
    expect(run(cumulative)).toEqual(run(chunks));
  });

  it('frames that add nothing yield undefined', () => {
    const t = new TextTracker();
    expect(t.push('')).toBeUndefined();
    expect(t.push('Hi')).toBe('Hi');
    expect(t.push('Hi')).toBeUndefined(); // repeated cumulative frame
    expect(t.text).toBe('Hi');
  });

  it('once a delta is seen, a chunk that repeats the text so far is still a delta', () => {
    const t = new TextTracker();
    t.push('ab');
    t.push('c'); // proves delta mode
    expect(t.deltaMode).toBe(true);
    expect(t.push('abc')).toBe('abc');
    expect(t.text).toBe('abcabc');
    expect(t.push('')).toBeUndefined();
  });

  it('reset forgets text and mode', () => {
    const t = new TextTracker();
    t.push('a');
    t.push('b');
    t.reset();
    expect([t.text, t.deltaMode]).toEqual(['', false]);
  });
});

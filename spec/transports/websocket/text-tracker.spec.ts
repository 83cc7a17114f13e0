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

describe('TextTracker in delta mode over many frames (deltas are joined in chunks)', () => {
  it('text is always the whole text so far and delta the frame itself, across chunk boundaries', () => {
    const t = new TextTracker();
    let expected = '';
    for (let i = 0; i < 1000; i++) {
      const frame = i % 7 === 3 ? '' : `<${i}>`;
      const delta = t.push(frame);
      if (frame !== '') expected += frame;
      expect(delta).toBe(frame === '' ? undefined : frame);
      expect(t.text).toBe(expected);
    }
    expect(t.deltaMode).toBe(true);
  });

  it('a delta after cumulative frames keeps the cumulative text as the start', () => {
    const t = new TextTracker();
    t.push('Hel');
    t.push('Hello');
    let expected = 'Hello';
    for (let i = 0; i < 300; i++) {
      expect(t.push(`#${i}`)).toBe(`#${i}`);
      expected += `#${i}`;
    }
    expect(t.text).toBe(expected);
  });

  it('reset after many deltas starts from nothing again', () => {
    const t = new TextTracker();
    t.push('a');
    for (let i = 0; i < 200; i++) t.push('b');
    t.reset();
    expect(t.push('xy')).toBe('xy');
    expect(t.push('xyz')).toBe('z'); // cumulative again
    expect(t.text).toBe('xyz');
  });
});

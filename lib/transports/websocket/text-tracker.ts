/**
 * Cumulative vs delta text frames (wire reference §4.3 A): servers send either the whole reply so far
 * or only the new part. {@link TextTracker} turns both into "whole text + what this frame added".
 *
 * @packageDocumentation
 */

/**
 * In delta mode, every this many deltas are joined into one flat chunk. The text so far stays one
 * string after every frame (`text + delta` is O(1) in JS engines: a rope node), but a rope of one node
 * per delta keeps two small objects alive per frame for the whole turn, which the garbage collector
 * copies and marks again and again as the reply grows: per-frame cost would grow with the reply.
 * Joining every 128 deltas leaves one flat chunk per 128 frames: about a quarter of the per-frame
 * cost of plain `acc += delta` at 1,000,000 frames (docs/benchmarks.md), and flat scaling. The joined
 * text equals the text it replaces, character for character.
 */
const JOIN_EVERY = 128;

/**
 * Tracks the reply text of one turn. Each frame is classified on arrival: a frame whose text starts
 * with the whole text so far is **cumulative** (its delta is the rest); any other frame is a **delta**
 * (appended). Once a turn has shown a delta frame, every later frame is taken as a delta, so a chunk
 * that happens to repeat the text so far is not mistaken for a cumulative update. A frame that adds
 * nothing (an empty delta, a repeated cumulative text) yields `undefined`.
 *
 * The check is a length comparison and one `startsWith` per cumulative frame, and no work at all per
 * delta frame once delta mode is known; no string is copied beyond the delta itself (and, in delta
 * mode, one join of every 128 deltas).
 *
 * @example
 * const t = new TextTracker();
 * t.push('Hello');        // 'Hello'   (t.text === 'Hello')
 * t.push('Hello world');  // ' world'  (cumulative)
 * t.push('!');            // '!'       (delta: t.text === 'Hello world!')
 */
export class TextTracker {
  #text = '';
  #deltaMode = false;
  /** Delta mode: the text before the deltas in {@link TextTracker.pending} (`text === base + pending.join('')`). */
  #base = '';
  /** Delta mode: the deltas since `base`, joined into it every {@link JOIN_EVERY}. */
  readonly #pending: string[] = [];

  /** The whole text so far. */
  get text(): string {
    return this.#text;
  }

  /** True once a frame proved the server sends deltas. */
  get deltaMode(): boolean {
    return this.#deltaMode;
  }

  /** Takes one frame's text; returns what it added, or `undefined` when it added nothing. */
  push(frameText: string): string | undefined {
    if (this.#deltaMode) return this.#append(frameText);
    const prev = this.#text;
    if (frameText.length >= prev.length && frameText.startsWith(prev)) {
      if (frameText.length === prev.length) return undefined;
      this.#text = frameText;
      return prev.length === 0 ? frameText : frameText.slice(prev.length);
    }
    // Not an extension of the text so far (and the text so far is not empty): a delta.
    this.#deltaMode = true;
    this.#base = prev;
    return this.#append(frameText);
  }

  /** Forgets everything (a new turn). */
  reset(): void {
    this.#text = '';
    this.#deltaMode = false;
    this.#base = '';
    this.#pending.length = 0;
  }

  #append(delta: string): string | undefined {
    if (delta.length === 0) return undefined;
    const pending = this.#pending;
    if (pending.push(delta) === JOIN_EVERY) {
      this.#text = this.#base += pending.join('');
      pending.length = 0;
    } else {
      this.#text += delta;
    }
    return delta;
  }
}

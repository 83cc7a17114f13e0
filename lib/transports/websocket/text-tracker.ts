/**
 * Cumulative vs delta text frames (wire reference §4.3 A): servers send either the whole reply so far
 * or only the new part. {@link TextTracker} turns both into "whole text + what this frame added".
 *
 * @packageDocumentation
 */

/**
 * Tracks the reply text of one turn. Each frame is classified on arrival: a frame whose text starts
 * with the whole text so far is **cumulative** (its delta is the rest); any other frame is a **delta**
 * (appended). Once a turn has shown a delta frame, every later frame is taken as a delta, so a chunk
 * that happens to repeat the text so far is not mistaken for a cumulative update. A frame that adds
 * nothing (an empty delta, a repeated cumulative text) yields `undefined`.
 *
 * The check is one `startsWith` per cumulative frame and no work at all per delta frame once delta
 * mode is known; no string is copied beyond the delta itself.
 *
 * @example
 * const t = new TextTracker();
 * t.push('Hello');        // 'Hello'   (t.text === 'Hello')
 * t.push('Hello world');  // ' world'  (cumulative)
 * t.push('!');            // '!'       (delta: t.text === 'Hello world!')
 */
export class TextTracker {
  /** The whole text so far. */
  text = '';
  /** True once a frame proved the server sends deltas. */
  deltaMode = false;

  /** Takes one frame's text; returns what it added, or `undefined` when it added nothing. */
  push(frameText: string): string | undefined {
    const prev = this.text;
    if (!this.deltaMode && frameText.startsWith(prev)) {
      if (frameText.length === prev.length) return undefined;
      this.text = frameText;
      return prev.length === 0 ? frameText : frameText.slice(prev.length);
    }
    // Not an extension of the text so far (and the text so far is not empty): a delta.
    this.deltaMode = true;
    if (frameText.length === 0) return undefined;
    this.text = prev + frameText;
    return frameText;
  }

  /** Forgets everything (a new turn). */
  reset(): void {
    this.text = '';
    this.deltaMode = false;
  }
}

// Scenario 1, client half: one warm-up turn, then one turn of `frames` text updates + the final
// message; frames/s from the send to the final (aui-rx: to completion, which follows the final).
import { turnOnce } from '../lib/impls.mjs';
import { DELTA_LENGTH } from '../lib/frames.mjs';
import { check } from './common.mjs';

export async function run(impl, cfg) {
  const client = impl.create({ port: cfg.port });
  // aui-rx is consumed the way the issue says: .pipe(accumulateText()); 'raw+acc' accumulates too (acc += delta).
  const accumulate = impl.name === 'aui' || cfg.impl === 'raw+acc';
  const warm = await turnOnce(client, `bulk:${cfg.warmFrames}`, { accumulate });
  check(warm.texts === cfg.warmFrames, `warm-up received ${warm.texts} of ${cfg.warmFrames} text events`);
  const r = await turnOnce(client, `bulk:${cfg.frames}`, { accumulate, keepText: accumulate });
  const seconds = Number(r.finalNs - r.t0) / 1e9;
  check(r.texts === cfg.frames, `received ${r.texts} of ${cfg.frames} text events`);
  if (accumulate) check(r.lastText.length === cfg.frames * DELTA_LENGTH, `accumulated ${r.lastText.length} chars, expected ${cfg.frames * DELTA_LENGTH}`);
  await client.close();
  return { frames: cfg.frames, received: r.texts, seconds, framesPerSec: cfg.frames / seconds };
}

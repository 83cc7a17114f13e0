// Micro-benchmark of the validation a realistic streamed turn runs inside the client: encoding the
// user message `{task_id, text}`, 100 text frames and the ~2 KB final message of bench/lib/frames.mjs.
// Runs on the built library (`node scripts/build.mjs` first). Prints µs per operation; asserts nothing.
// Not part of `npm run bench`.
//
//   node bench/micro/validation.mjs [--dist dist/esm] [--ms 200] [--reps 7]
//
// Each figure is the fastest and the median of --reps batches of ~--ms milliseconds each (after a
// warm-up batch). On a shared machine the fastest batch is the steadier figure.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { DELTAS, FINAL_JSON, textUpdateJson } from '../lib/frames.mjs';
import { summarize, table } from '../lib/stats.mjs';

const { values: args } = parseArgs({
  options: { dist: { type: 'string', default: 'dist/esm' }, ms: { type: 'string', default: '100' }, reps: { type: 'string', default: '15' } },
});
const dist = resolve(args.dist);
const load = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { encodeUserMessage } = await load('protocol/client-frames.js');
const { parseServerFrame, parseFrameJson, textUpdateText, classifyServerFrame } = await load('protocol/server-frames.js');
const { AgentMessageSchema } = await load('protocol/rest.js');

const TEXT_FRAMES = DELTAS.map(textUpdateJson);
const TEXT_RAW = JSON.parse(TEXT_FRAMES[0]);
const FINAL_RAW = JSON.parse(FINAL_JSON);
const USER_MESSAGE = { task_id: '68e78d0dc5a4b19a030d03d6', text: 'Show me built-in microwaves under $400 with sensor cooking' };
const FRAMES_PER_TURN = 100;

let sink = 0; // keeps results alive so no call is optimised away
let k = 0; // cycles through the 8 text frames

/**
 * One turn as the client runs it (lib/transports/websocket/turn.ts): encode the user message, then
 * `classifyServerFrame(parseFrameJson(text))` for 100 text frames and the final.
 */
function turn() {
  sink ^= encodeUserMessage(USER_MESSAGE).json.length;
  for (let i = 0; i < FRAMES_PER_TURN; i++) sink ^= classifyServerFrame(parseFrameJson(TEXT_FRAMES[i & 7])).type.length;
  sink ^= classifyServerFrame(parseFrameJson(FINAL_JSON)).type.length;
}

/** The same turn with JSON.stringify/JSON.parse only: the floor no validator can go below. */
function rawTurn() {
  sink ^= JSON.stringify(USER_MESSAGE).length;
  for (let i = 0; i < FRAMES_PER_TURN; i++) sink ^= JSON.parse(TEXT_FRAMES[i & 7]).data.text.length;
  sink ^= JSON.parse(FINAL_JSON).text.length;
}

const CASES = [
  ['encode user message (encodeUserMessage)', () => (sink ^= encodeUserMessage(USER_MESSAGE).json.length)],
  ['  floor: JSON.stringify of it', () => (sink ^= JSON.stringify(USER_MESSAGE).length)],
  ['parse text frame (parseServerFrame, 81 B)', () => (sink ^= parseServerFrame(TEXT_FRAMES[k++ & 7]).type.length)],
  ['  textUpdateText of a parsed frame', () => (sink ^= textUpdateText(TEXT_RAW)?.length ?? 1)],
  ['  floor: JSON.parse of it', () => (sink ^= JSON.parse(TEXT_FRAMES[k++ & 7]).data.text.length)],
  ['parse final (parseServerFrame, 2 KB)', () => (sink ^= parseServerFrame(FINAL_JSON).type.length)],
  ['  classifyServerFrame of the parsed final', () => (sink ^= classifyServerFrame(FINAL_RAW).type.length)],
  ['  AgentMessageSchema.safeParse of it', () => (sink ^= AgentMessageSchema.safeParse(FINAL_RAW).success ? 1 : 2)],
  ['  floor: JSON.parse of it', () => (sink ^= JSON.parse(FINAL_JSON).text.length)],
  [`turn: encode + ${FRAMES_PER_TURN} text frames + final`, turn],
  ['  floor: the same with JSON only', rawTurn],
];

/** µs per call of `fn` in each of `reps` batches, each sized to take about `ms` milliseconds. */
function measure(fn, ms, reps) {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= ms / 4 || n >= 1 << 26) {
      n = Math.max(1, Math.round((n * ms) / Math.max(dt, 0.001)));
      break;
    }
    n *= 4;
  }
  const perCall = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    perCall.push(((performance.now() - t0) * 1000) / n);
  }
  return summarize(perCall);
}

const ms = Number(args.ms);
const reps = Number(args.reps);
const rows = [];
for (const [label, fn] of CASES) {
  const { min, median } = measure(fn, ms, reps);
  rows.push([label, min.toFixed(2), median.toFixed(2)]);
}
console.log(`validation micro-benchmark: ${dist} (node ${process.version}; ${reps} batches of ~${ms} ms)\n`);
console.log(table(['operation', 'µs/op fastest', 'µs/op median'], rows));
if (sink === 0.5) console.log(sink); // never true; reads the sink

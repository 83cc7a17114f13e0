// In-process cost of one text frame through aui-rx (socket 'message' → text event), on a scripted
// socket that answers a user message with N text frames and the final, synchronously. No network:
// what is left is the client. Prints ns per frame; never asserts. Run on the built package.
//   node bench/micro/frame-path.mjs [--dist path/to/dist/esm] [--frames 200000]
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { DELTAS, FINAL_JSON, textUpdateJson } from '../lib/frames.mjs';
import { scriptedSocket } from './scripted-socket.mjs';

const { values } = parseArgs({ options: { dist: { type: 'string', default: 'dist/esm' }, frames: { type: 'string', default: '200000' } } });
const dist = resolve(values.dist);
const { AuiClient } = await import(pathToFileURL(`${dist}/index.js`).href);
const FRAMES = DELTAS.map(textUpdateJson);
const N = Number(values.frames);
const reply = () => {
  const frames = [];
  for (let i = 0; i < N; i++) frames.push(FRAMES[i % FRAMES.length]);
  frames.push(FINAL_JSON);
  return frames;
};
const ScriptedSocket = await scriptedSocket(dist, reply);

const client = new AuiClient({ apiKey: 'bench-key', baseUrl: 'http://127.0.0.1:1', WebSocket: ScriptedSocket, limits: { maxReplyChars: 1e9 } });
const turn = () =>
  new Promise((done, fail) => {
    let texts = 0;
    const t0 = process.hrtime.bigint();
    client.streamMessage({ task_id: 'bench-task', text: 'go' }).subscribe({
      next: (e) => void (e.kind === 'text' && texts++),
      error: fail,
      complete: () => done({ ns: Number(process.hrtime.bigint() - t0) / texts }),
    });
  });
await turn();
const runs = [];
for (let i = 0; i < 5; i++) runs.push((await turn()).ns);
runs.sort((a, b) => a - b);
console.log(`${dist}: ${runs[2].toFixed(0)} ns per text frame (median of 5 turns of ${N} frames; scripted socket)`);
client.close();

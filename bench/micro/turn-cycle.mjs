// In-process cost of one streamed turn's life in aui-rx (subscribe → send → text → final → complete)
// on a scripted socket that answers at once: no network, so what is left is the client itself.
// Prints µs per turn; never asserts. Run on the built package: node scripts/build.mjs first.
//   node bench/micro/turn-cycle.mjs [--dist path/to/dist/esm] [--turns 20000]
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { FINAL_JSON, textUpdateJson } from '../lib/frames.mjs';
import { scriptedSocket } from './scripted-socket.mjs';

const { values } = parseArgs({ options: { dist: { type: 'string', default: 'dist/esm' }, turns: { type: 'string', default: '20000' } } });
const dist = resolve(values.dist);
const { AuiClient } = await import(pathToFileURL(`${dist}/index.js`).href);
const TEXT = textUpdateJson('Hello');
const InstantSocket = await scriptedSocket(dist, () => [TEXT, FINAL_JSON]);

const client = new AuiClient({ apiKey: 'bench-key', baseUrl: 'http://127.0.0.1:1', WebSocket: InstantSocket, idleLingerMs: 600_000, timeouts: { idleMs: 120_000 } });
const turn = () =>
  new Promise((done, fail) => client.streamMessage({ task_id: 'bench-task', text: 'Hello there' }).subscribe({ error: fail, complete: done }));

const N = Number(values.turns);
for (let i = 0; i < 2000; i++) await turn();
const t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) await turn();
const us = Number(process.hrtime.bigint() - t0) / N / 1000;
console.log(`${dist}: ${us.toFixed(2)} µs per turn (${N} turns, one text frame + the 2 KB final, scripted socket)`);
client.close();

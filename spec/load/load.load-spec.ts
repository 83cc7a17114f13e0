/**
 * Load (issue 7 §2), run with `npm run test:load` (not part of `npm test`): 1,000 turns × 200 text
 * frames over `maxConnections: 8` against FakeAuiServer on 127.0.0.1. Every turn must complete; each
 * final text must be byte-identical to the text the server generated for that turn (and stored in the
 * task's history); the deltas must concatenate to it exactly (no duplicated or lost delta); the running
 * text (`accumulateText`) must end on it. Prints turns/s and frames/s (figures, never assertions).
 */
import { performance } from 'node:perf_hooks';
import { lastValueFrom, tap } from 'rxjs';
import { AuiClient } from '../../lib/client.js';
import { accumulateText } from '../../lib/operators/accumulate-text.js';
import type { StreamEvent } from '../../lib/stream-event.js';
import { FakeAuiServer, type FakeAuiServerSettings } from '../../lib/testing/fake-aui-server.js';
import { poolOf, waitUntil } from '../helpers/reliability-kit.js';

const TURNS = Number(process.env['LOAD_TURNS'] ?? 1000);
const FRAMES = 200;
const MAX_CONNECTIONS = 8;
/** Words of the generated replies: ASCII, accents (precomposed and combining), CJK, Cyrillic, emoji (ZWJ too), ligatures. */
const VOCABULARY = ['microwave', 'built-in', '30', 'liters', 'Größe', 'naïve', 'cafe\u0301', '東京', 'Привет', '🙂', '👩‍👩‍👧', 'ﬁne', '$449.99;', '"quoted"', 'line\\break', 'tab\tsep'];

/** A distinct reply of FRAMES + 20 words for turn `i` (no trailing white space: the fake splits on words). */
function replyText(i: number): string {
  const words: string[] = [`Turn-${i}:`];
  for (let w = 0; w < FRAMES + 20; w++) words.push(VOCABULARY[(i * 7 + w * 13) % VOCABULARY.length] as string);
  return words.join(w2sep(i));
}
function w2sep(i: number): string {
  return i % 5 === 0 ? '\u00a0 ' : ' ';
}

interface TurnRecord {
  taskId: string;
  texts: number;
  deltas: string;
  lastText: string;
  accumulated: string;
  final: string | undefined;
  other: number;
}

async function runLoad(settings: Partial<FakeAuiServerSettings>): Promise<void> {
  const server = await FakeAuiServer.start(settings);
  const client = new AuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl, maxConnections: MAX_CONNECTIONS });
  try {
    const generated = Array.from({ length: TURNS }, (_, i) => replyText(i));
    // One scripted reply per turn, in the order the server receives the turns.
    server.failNextTurn(...generated.map((text) => ({ type: 'reply' as const, text, frames: FRAMES })));
    const records: TurnRecord[] = Array.from({ length: TURNS }, (_, i) => ({
      taskId: server.store.createTask(`load-${i}`, server.apiKey).id,
      texts: 0,
      deltas: '',
      lastText: '',
      accumulated: '',
      final: undefined,
      other: 0,
    }));

    const started = performance.now();
    const results = await Promise.allSettled(
      records.map((record, i) =>
        lastValueFrom(
          client.streamMessage({ task_id: record.taskId, text: `question ${i}` }).pipe(
            tap((event: StreamEvent) => {
              if (event.kind === 'text') {
                record.texts++;
                record.deltas += event.delta;
                record.lastText = event.text;
              } else if (event.kind === 'final') record.final = event.message.text;
              else record.other++;
            }),
            accumulateText(),
          ),
        ).then((accumulated) => void (record.accumulated = accumulated)),
      ),
    );
    const seconds = (performance.now() - started) / 1000;

    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`turn ${i}: ${String(r.reason)}`] : []));
    expect(failures).toEqual([]);
    const problems: string[] = [];
    for (const [i, r] of records.entries()) {
      const stored = server.store.messages.get(r.taskId)?.filter((m) => m.sender.type === 'agent') ?? [];
      const serverText = stored[0]?.text;
      if (stored.length !== 1 || serverText === undefined) problems.push(`turn ${i}: ${stored.length} agent messages stored`);
      else if (r.final === undefined || !Buffer.from(r.final, 'utf8').equals(Buffer.from(serverText, 'utf8'))) problems.push(`turn ${i}: final text differs from what the server generated`);
      if (r.deltas !== r.final) problems.push(`turn ${i}: deltas do not concatenate to the final text (${r.deltas.length} vs ${r.final?.length})`);
      if (r.lastText !== r.final || r.accumulated !== r.final) problems.push(`turn ${i}: running text does not end on the final text`);
      if (r.texts !== FRAMES) problems.push(`turn ${i}: ${r.texts} text events instead of ${FRAMES}`);
      if (r.other !== 0) problems.push(`turn ${i}: ${r.other} restart events`);
    }
    expect(problems.slice(0, 20)).toEqual([]);
    // Every generated text arrived exactly once.
    expect(records.map((r) => r.final).sort()).toEqual([...generated].sort());

    const pool = poolOf(client);
    const frames = pool.stats.framesReceived;
    expect(frames).toBe(TURNS * (FRAMES + 1));
    expect(pool.stats.maxSockets).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(pool.stats.strayFrames).toBe(0);
    const bytes = records.reduce((n, r) => n + Buffer.byteLength(r.final ?? ''), 0);
    process.stdout.write(
      `[load] ${JSON.stringify(settings)}: ${TURNS} turns × ${FRAMES} text frames (+1 final) over maxConnections ${MAX_CONNECTIONS}: ` +
        `${seconds.toFixed(2)} s, ${(TURNS / seconds).toFixed(1)} turns/s, ${Math.round(frames / seconds)} frames/s; ` +
        `${pool.stats.socketsCreated} sockets (max ${pool.stats.maxSockets} at once, server saw max ${server.stats.maxOpenConnections}), ` +
        `${(bytes / 1024 / 1024).toFixed(2)} MiB of reply text\n`,
    );
  } finally {
    client.close();
    await waitUntil(() => server.stats.openConnections === 0, 'every socket closed', 10_000).catch(() => undefined);
    expect(server.stats.openConnections).toBe(0);
    await server.stop();
  }
}

describe(`load: ${TURNS} turns × ${FRAMES} frames, maxConnections ${MAX_CONNECTIONS}`, () => {
  it('delta text frames (shape A2): every turn complete and byte-identical', () => runLoad({ textMode: 'delta', frames: 'A2' }));
  it('cumulative text frames (shape A1): every turn complete and byte-identical', () => runLoad({ textMode: 'cumulative', frames: 'A1' }));
});

/**
 * `aui-rx demo` (what `npm start` runs): everything aui-rx does, against an embedded FakeAuiServer
 * on loopback: a task, a live streamed reply with cards and suggestions, a 1011 recovered by
 * `retryOn1011`, and a bad key stopped at once by `failFastOn1008`.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { lastValueFrom, retry, type Observable } from 'rxjs';
import { AuiClient } from '../client.js';
import { isAuiError } from '../errors.js';
import { failFastOn1008 } from '../operators/fail-fast-on-1008.js';
import { retryOn1011 } from '../operators/retry-on-1011.js';
import { FakeAuiServer } from '../testing/fake-aui-server.js';
import { printLive } from './chat-command.js';
import { untilAborted } from './cli-context.js';
import type { CliIo } from './output.js';

/** Help text of `aui-rx demo`. */
export const DEMO_HELP = `Usage: aui-rx demo [--fast]

Runs the aui-rx tour against an embedded fake server on 127.0.0.1 (no network, no key needed).
  --fast   stream without the per-word delay
`;

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Runs the demo; resolves with the exit code (rejects with `InterruptedError` when `signal` aborts). */
export async function demoCommand(args: string[], io: CliIo, signal: AbortSignal = new AbortController().signal): Promise<number> {
  const { values } = parseArgs({ args, options: { fast: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return void io.out.write(DEMO_HELP), 0;
  const server = await FakeAuiServer.start({ frameDelayMs: values.fast ? 0 : 30, frames: 'A1', textMode: 'delta' });
  const client = new AuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
  const line = (s = ''): boolean => io.out.write(`${s}\n`);
  const run = <T>(source$: Observable<T>): Promise<T> => lastValueFrom(source$.pipe(untilAborted(signal)));
  try {
    line(`aui-rx demo: a fake AUI Messaging API is running at ${server.baseUrl}`);
    line();
    line('1. Create a task (REST)');
    const task = await run(client.createTask({ user_id: 'demo-user' }));
    line(`   task ${task.id}: "${task.welcome_message ?? ''}"`);
    line();
    const question = 'I need a built-in microwave with at least 20 liters';
    line(`2. Stream a reply (WebSocket): "${question}"`);
    await run(printLive(io, client.streamMessage({ task_id: task.id, text: question })));
    line();

    line('3. The server fails twice with close code 1011; retryOn1011 recovers');
    server.failNextTurn({ type: 'close', code: 1011, reason: 'Internal error', afterFrames: 3 }, { type: 'close', code: 1011, reason: 'Internal error' });
    const turnsBefore = server.stats.turns;
    const recovered$ = client
      .streamMessage({ task_id: task.id, text: 'Compare their dimensions' })
      .pipe(retryOn1011({ count: 3, initialDelayMs: 250, jitter: false }));
    await run(printLive(io, recovered$));
    line(`   recovered: the server saw ${server.stats.turns - turnsBefore} attempts of this turn (two closed with 1011, the last one succeeded)`);
    line();

    line('4. A bad API key: close 1008 stops at once with failFastOn1008, even under retry(5)');
    const badClient = new AuiClient({ apiKey: 'API_KEY_REVOKED', baseUrl: server.baseUrl });
    const beforeBad = server.stats.connections;
    let failures = 0;
    try {
      await run(
        badClient
          .streamMessage({ task_id: task.id, text: 'Hello?' })
          .pipe(failFastOn1008({ onFailure: () => (failures += 1) }), retry(5)),
      );
      throw new Error('the demo server accepted a revoked key');
    } catch (error) {
      if (!isAuiError(error) || error.kind !== 'authentication') throw error; // an interruption, or a real failure
      const connections = server.stats.connections - beforeBad;
      line(`   stopped: ${error.name} (kind ${error.kind}, close ${error.closeCode ?? '-'})`);
      line(`   the server saw ${plural(connections, 'connection')}; onFailure was called ${plural(failures, 'time')}`);
    } finally {
      badClient.close();
    }
    line();
    line('Done. Next: npm test, docs/getting-started.md, and `aui-rx chat --api-key … "text"` against the real API.');
    return 0;
  } finally {
    client.close();
    await server.stop();
  }
}

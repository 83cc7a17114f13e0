/**
 * `aui-rx serve`: runs FakeAuiServer standalone, so front-end developers can build against it.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { FakeAuiServer, type FrameShape, type TextMode } from '../testing/fake-aui-server.js';
import type { ConnectFault, ScriptedRestFault, TurnFault } from '../testing/fake-faults.js';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './output.js';

/** Help text of `aui-rx serve`. */
export const SERVE_HELP = `Usage: aui-rx serve [--port N] [--frames A1|A2|envelope] [--text cumulative|delta]
                    [--reply cards|legacy] [--delay MS] [--api-key KEY] [--fault F]...

Runs the fake AUI Messaging API on 127.0.0.1 until Ctrl-C.
  --fault F   queue a fault (repeatable), applied once each in order:
              turn:1011[@N]      close 1011 after N text frames (default 0)
              turn:1008[@N]      error frame 401 then close 1008
              turn:destroy[@N]   drop the TCP connection after N frames
              turn:stall[@N]     stop sending after N frames
              turn:malformed[@N] send a frame that is not JSON (the client errors)
              connect:1008 | connect:1011 | connect:401 | connect:403 | connect:stall
              rest:STATUS     the next REST request answers STATUS (e.g. rest:500, rest:429)
`;

/** What one `--fault` value asks for: a fault for the next turn, WebSocket connection, or REST request. */
export type Fault = { readonly turn: TurnFault } | { readonly connect: ConnectFault } | { readonly rest: ScriptedRestFault };

/** `where:what[@N]`; N (text frames before the fault) is only meaningful for turn faults. */
const FAULT_SPEC = /^(turn|connect|rest):([^:@]+)(?:@(\d+))?$/;

/** Parses one `--fault` value; throws a {@link UsageError} naming the value when it is unknown or malformed. */
export function parseFault(spec: string): Fault {
  const unknown = (): UsageError => new UsageError(`unknown --fault ${spec} (see aui-rx serve --help)`);
  const match = FAULT_SPEC.exec(spec);
  if (!match) throw unknown();
  const [, where, what, at] = match as unknown as [string, 'turn' | 'connect' | 'rest', string, string | undefined];
  if (where !== 'turn' && at !== undefined) throw new UsageError(`--fault ${spec}: @N (text frames) applies to turn faults only`);
  const afterFrames = at === undefined ? 0 : Number(at);
  if (where === 'turn') {
    if (what === '1011') return { turn: { type: 'close', code: 1011, reason: 'Internal error', afterFrames } };
    if (what === '1008') {
      const frame = { status_code: 401, description: 'Authentication failed', message: 'Invalid API key' };
      return { turn: { type: 'error-frame', code: 1008, reason: 'Invalid API key', frame, afterFrames } };
    }
    if (what === 'destroy') return { turn: { type: 'destroy', afterFrames } };
    if (what === 'stall') return { turn: { type: 'stall', afterFrames } };
    if (what === 'malformed') return { turn: { type: 'raw', text: '{"event": "thread-message-text', afterFrames } };
  } else if (where === 'connect') {
    if (what === '1008' || what === '1011') return { connect: { type: 'close', code: Number(what) } };
    if (what === '401' || what === '403') return { connect: { type: 'reject', status: Number(what) } };
    if (what === 'stall') return { connect: { type: 'stall' } };
  } else if (/^[1-5]\d\d$/.test(what)) {
    const status = Number(what);
    const body = { status_code: status, description: 'Scripted fault', message: `aui-rx serve --fault ${spec}` };
    return { rest: { fault: { type: 'status', status, body, ...(status === 429 ? { headers: { 'retry-after': '1' } } : {}) } } };
  }
  throw unknown();
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
}

/** Runs `aui-rx serve` until `signal` aborts (Ctrl-C in the CLI); resolves with the exit code. */
export async function serveCommand(args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      frames: { type: 'string' },
      text: { type: 'string' },
      reply: { type: 'string' },
      delay: { type: 'string' },
      'api-key': { type: 'string' },
      fault: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void io.out.write(SERVE_HELP), 0;
  const port = values.port === undefined ? 0 : /^\d{1,5}$/.test(values.port) ? Number(values.port) : -1;
  if (port < 0 || port > 65535) throw new UsageError('--port must be an integer 0..65535');
  const delay = values.delay === undefined ? 20 : /^\d+(\.\d+)?$/.test(values.delay) ? Number(values.delay) : -1;
  if (delay < 0) throw new UsageError('--delay must be a number of milliseconds (0 or more)');
  const frames = oneOf<FrameShape>('frames', values.frames, ['A1', 'A2', 'envelope']);
  const textMode = oneOf<TextMode>('text', values.text, ['cumulative', 'delta']);
  const replyShape = oneOf('reply', values.reply, ['cards', 'legacy'] as const);
  const faults = (values.fault ?? []).map(parseFault);
  const server = await FakeAuiServer.start({
    port,
    frameDelayMs: delay,
    ...(frames ? { frames } : {}),
    ...(textMode ? { textMode } : {}),
    ...(replyShape ? { replyShape } : {}),
    ...(values['api-key'] ? { apiKeys: [values['api-key']] } : {}),
  });
  for (const f of faults) {
    if ('turn' in f) server.failNextTurn(f.turn);
    else if ('connect' in f) server.failNextConnection(f.connect);
    else server.failNextRequest(f.rest);
  }
  io.out.write(`FakeAuiServer listening\n  base URL: ${server.baseUrl}\n  WebSocket: ${server.wsUrl}\n`);
  io.out.write(values['api-key'] ? '  API key: the one you passed\n' : `  API key: ${server.apiKey} (a fake key)\n`);
  io.out.write('Press Ctrl-C to stop.\n');
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.stop();
  io.out.write(`Stopped after ${server.stats.connections} WebSocket connections, ${server.stats.turns} turns, ${server.stats.restRequests} REST requests.\n`);
  return 0;
}

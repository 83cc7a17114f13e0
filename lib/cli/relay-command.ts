/**
 * `aui-rx relay`: runs an aui-rx/relay on its own, for development: a browser app points its client at
 * it (no key in the page), the relay holds the key (`AUI_NETWORK_API_KEY`) and talks to AUI. Without a
 * key it relays to an embedded FakeAuiServer. The user of a request comes from a trusted header
 * (`--user-header`) or is one fixed development user: never expose it beyond your machine as it is.
 *
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createAuiRelay } from '../relay/relay.js';
import type { AuiRelayLogEntry } from '../relay/relay-log.js';
import { FakeAuiServer } from '../testing/fake-aui-server.js';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './output.js';

/** Help text of `aui-rx relay`. */
export const RELAY_HELP = `Usage: aui-rx relay [--port N] [--host H] [--base-url URL] [--base-path /P]
                    [--user-header NAME | --user ID] [--cors-origin ORIGIN]... [--quiet]

Runs aui-rx/relay until Ctrl-C: a browser client with no key points at it
(new AuiClient({ baseUrl: 'http://HOST:PORT/P' })); it adds the key and talks to AUI.
  AUI_NETWORK_API_KEY   the key (read from the environment only); without it the
                        relay talks to an embedded fake AUI server
  --base-url URL        the AUI REST base URL (default: AUI's)
  --port N              port to listen on (default 8787; 0 picks a free one)
  --host H              address to listen on (default 127.0.0.1)
  --base-path /P        serve under /P (default: none)
  --user-header NAME    the user id is this request header (trusted as is: development only)
  --user ID             without --user-header, every request is this user (default dev-user)
  --cors-origin ORIGIN  allow a page on ORIGIN (repeatable; default: same origin only)
  --quiet               no access log lines
`;

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));

/** One access-log line: method, path, user, status, close code, duration. */
export function formatLogLine(entry: AuiRelayLogEntry): string {
  const status = entry.closeCode === undefined ? String(entry.status) : `${entry.status} close ${entry.closeCode}`;
  return `${pad(entry.method, 6)} ${entry.path} user=${entry.user ?? '-'} ${status} ${Math.round(entry.durationMs)} ms\n`;
}

/** The `authorize` of the command: the header's value, or the fixed user. */
export function devAuthorize(header: string | undefined, user: string): (req: IncomingMessage) => string | undefined {
  if (header === undefined) return () => user;
  const name = header.toLowerCase();
  return (req) => {
    const value = req.headers[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
}

/** Runs `aui-rx relay` until `signal` aborts (Ctrl-C); resolves with the exit code. */
export async function relayCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'base-url': { type: 'string' },
      'base-path': { type: 'string' },
      'user-header': { type: 'string' },
      user: { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void io.out.write(RELAY_HELP), 0;
  const port = values.port === undefined ? 8787 : /^\d{1,5}$/.test(values.port) ? Number(values.port) : -1;
  if (port < 0 || port > 65535) throw new UsageError('--port must be an integer 0..65535');
  if (values['user-header'] !== undefined && values.user !== undefined) throw new UsageError('--user-header and --user exclude each other');
  if (values['user-header'] !== undefined && !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(values['user-header'])) throw new UsageError('--user-header must be a header name');
  const host = values.host ?? '127.0.0.1';
  const key = env['AUI_NETWORK_API_KEY'];
  const fake = key ? undefined : await FakeAuiServer.start({ frameDelayMs: 15 });
  const origins = values['cors-origin'] ?? [];
  try {
    const relay = createAuiRelay({
      apiKey: key ?? (fake as FakeAuiServer).apiKey,
      ...(fake ? { baseUrl: fake.baseUrl } : values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
      ...(values['base-path'] === undefined ? {} : { basePath: values['base-path'] }),
      ...(origins.length ? { cors: { origin: origins } } : {}),
      authorize: devAuthorize(values['user-header'], values.user ?? 'dev-user'),
      ...(values.quiet ? {} : { onLog: (entry: AuiRelayLogEntry) => io.out.write(formatLogLine(entry)) }),
    });
    const server = createServer();
    relay.attach(server);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
    } catch (error) {
      await relay.close();
      throw new UsageError(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
    }
    const address = server.address();
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${typeof address === 'object' && address ? address.port : port}${values['base-path']?.replace(/\/+$/, '') ?? ''}`;
    io.out.write(`aui-rx relay listening\n  base URL: ${url}   (new AuiClient({ baseUrl: '${url}' }), no key)\n`);
    io.out.write(fake ? `  upstream: an embedded fake AUI server (no AUI_NETWORK_API_KEY)\n` : `  upstream: ${values['base-url'] ?? 'AUI'} with the key from AUI_NETWORK_API_KEY\n`);
    io.out.write(values['user-header'] ? `  user: the ${values['user-header']} header (trusted: development only)\n` : `  user: every request is ${JSON.stringify(values.user ?? 'dev-user')} (development only)\n`);
    io.out.write('Press Ctrl-C to stop.\n');
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await relay.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    io.out.write('Stopped.\n');
    return 0;
  } finally {
    await fake?.stop();
  }
}

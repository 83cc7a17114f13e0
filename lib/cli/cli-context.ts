/**
 * Shared setup of the CLI commands: the API key and base URL from flags or the environment, or an
 * embedded FakeAuiServer when no key is given.
 *
 * @packageDocumentation
 */
import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { AuiClient } from '../client.js';
import { FakeAuiServer } from '../testing/fake-aui-server.js';
import { InterruptedError } from './exit-codes.js';
import type { CliIo } from './output.js';

/** The connection flags every network command accepts. */
export const CONNECTION_OPTIONS = {
  'api-key': { type: 'string' },
  'base-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Errors with {@link InterruptedError} when `signal` aborts (Ctrl-C), unsubscribing the source: an HTTP
 * request is aborted, a streamed turn ends and its socket closes. An already aborted signal errors at
 * once without subscribing.
 */
export function untilAborted<T>(signal: AbortSignal): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const onAbort = (): void => subscriber.error(new InterruptedError());
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      const subscription = source.subscribe(subscriber);
      return () => {
        signal.removeEventListener('abort', onAbort);
        subscription.unsubscribe();
      };
    });
}

/** A client ready to use, and how to release it. */
export interface CliSession {
  readonly client: AuiClient;
  /** The embedded server, when no API key was given. */
  readonly server: FakeAuiServer | undefined;
  /** Closes the client and stops the embedded server. */
  dispose(): Promise<void>;
}

/**
 * Opens a session: a real client when a key is given (`--api-key` or `AUI_API_KEY`), otherwise an
 * embedded FakeAuiServer on loopback (said in one line on stderr).
 */
export async function openSession(
  io: CliIo,
  flags: { readonly 'api-key'?: string | undefined; readonly 'base-url'?: string | undefined },
  env: NodeJS.ProcessEnv,
): Promise<CliSession> {
  const apiKey = flags['api-key'] ?? env['AUI_API_KEY'];
  const baseUrl = flags['base-url'] ?? env['AUI_BASE_URL'];
  if (apiKey) {
    const client = new AuiClient(baseUrl ? { apiKey, baseUrl } : { apiKey });
    return { client, server: undefined, dispose: async () => client.close() };
  }
  const server = await FakeAuiServer.start({ frameDelayMs: 15 });
  io.err.write(`No API key (--api-key or AUI_API_KEY): using an embedded fake server at ${server.baseUrl}\n`);
  const client = new AuiClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
  return {
    client,
    server,
    dispose: async () => {
      client.close();
      await server.stop();
    },
  };
}

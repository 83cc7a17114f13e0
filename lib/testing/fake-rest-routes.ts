import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeServerContext } from './fake-aui-server.js';

/** @internal Placeholder: answers 501 until the REST routes land. */
export async function handleRestRequest(
  ctx: FakeServerContext,
  _req: IncomingMessage,
  res: ServerResponse,
  _path: string,
  _query: URLSearchParams,
): Promise<void> {
  ctx.stats.restRequests += 1;
  res.writeHead(501).end();
}

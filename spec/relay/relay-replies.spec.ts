import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { STATUS_ROWS } from '../helpers/wire-classification.js';
import { applicationReply, FORBIDDEN, methodNotAllowed, NOT_AUTHENTICATED, refuseUpgrade, sendReply, tooManySessions, unprocessable, type RelayReply } from '../../lib/relay/relay-replies.js';
import { closeServer } from './relay-kit.js';

describe('relay replies', () => {
  it('use the documented body shapes', () => {
    expect(NOT_AUTHENTICATED).toEqual({ status: 401, body: { detail: 'Not authenticated' } });
    expect(FORBIDDEN).toEqual({ status: 403, body: { status_code: 403, errors: ['Forbidden'] } });
    expect(applicationReply(502, 'down')).toEqual({ status: 502, body: { status_code: 502, description: 'Bad Gateway', message: 'down' } });
    expect(methodNotAllowed(['GET', 'POST']).headers).toEqual({ allow: 'GET, POST' });
    expect(unprocessable(['body', 'task_id'], 'field required', 'value_error.missing').body).toEqual({ detail: [{ loc: ['body', 'task_id'], msg: 'field required', type: 'value_error.missing' }] });
    expect(tooManySessions(4)).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
  });

  describe('on the wire', () => {
    let server: Server;
    let reply: RelayReply = NOT_AUTHENTICATED;
    beforeAll(async () => {
      server = createServer((_, res) => sendReply(res, reply));
      server.on('upgrade', (_req, socket) => refuseUpgrade(socket, reply));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => closeServer(server));
    const port = (): number => (server.address() as { port: number }).port;

    it('sendReply writes JSON with its length, once', async () => {
      reply = tooManySessions(4);
      const res = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve) => {
        request({ host: '127.0.0.1', port: port() }, (r) => {
          let body = '';
          r.on('data', (d: Buffer) => (body += String(d)));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body }));
        }).end();
      });
      expect(res.status).toBe(429);
      expect(res.headers).toMatchObject({ 'content-type': 'application/json', 'retry-after': '1', 'content-length': String(res.body.length) });
      expect(JSON.parse(res.body)).toMatchObject({ status_code: 429 });
    });

    it('refuseUpgrade answers the raw socket with an HTTP response, then ends it', async () => {
      reply = FORBIDDEN;
      const text = await new Promise<string>((resolve) => {
        const socket = connect(port(), '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'));
        let out = '';
        socket.on('data', (d: Buffer) => (out += String(d)));
        socket.on('close', () => resolve(out));
      });
      expect(text).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
      expect(text.endsWith(JSON.stringify(FORBIDDEN.body))).toBe(true);
    });
  });

  it('each status means to the client what it means from AUI (the wire reference table)', () => {
    const kinds = [NOT_AUTHENTICATED, FORBIDDEN, tooManySessions(4), applicationReply(502, 'x'), applicationReply(504, 'x'), unprocessable(['body'], 'x', 'y')].map((r) => STATUS_ROWS[r.status]?.kind);
    expect(kinds).toEqual(['authentication', 'authentication', 'rate-limit', 'server', 'server', 'validation']);
  });
});

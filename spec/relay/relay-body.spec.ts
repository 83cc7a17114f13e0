import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { isJsonType, jsonObject, readBody, type BodyRead } from '../../lib/relay/relay-body.js';
import { closeServer } from './relay-kit.js';

describe('jsonObject', () => {
  it('reads a JSON object', () => {
    expect(jsonObject(Buffer.from('{"user_id":"u1","n":[1]}'), 'application/json')).toEqual({ object: { user_id: 'u1', n: [1] } });
  });

  it.each([
    ['empty', '', 'value_error.missing'],
    ['not JSON', '{"a"', 'value_error.jsondecode'],
    ['an array', '[{"user_id":"u"}]', 'type_error.dict'],
    ['null', 'null', 'type_error.dict'],
    ['a shape that looks like a reply', '{"status":200,"body":{}}', undefined],
  ])('%s', (_, text, type) => {
    const read = jsonObject(Buffer.from(text), 'application/json');
    if (type === undefined) expect(read).toEqual({ object: JSON.parse(text) });
    else expect(read).toEqual({ reply: { status: 422, body: { detail: [expect.objectContaining({ type })] } } });
  });
});

describe('isJsonType (what a cross-site page cannot send without asking)', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON; charset=utf-8', true],
    ['application/problem+json', true],
    ['text/plain', false],
    ['text/plain; charset=utf-8', false],
    ['application/x-www-form-urlencoded', false],
    ['multipart/form-data; boundary=x', false],
    ['application/jsonx', false],
    ['text/json', false],
    ['', false],
    [undefined, false],
  ])('%s: %s', (type, json) => {
    expect(isJsonType(type)).toBe(json);
  });

  it('a body that is not sent as JSON is 415 whatever it holds', () => {
    expect(jsonObject(Buffer.from('{"task_id":"t"}'), 'text/plain')).toEqual({ reply: expect.objectContaining({ status: 415 }) });
    expect(jsonObject(Buffer.from('{"task_id":"t"}'), undefined)).toEqual({ reply: expect.objectContaining({ status: 415 }) });
  });
});

describe('readBody', () => {
  let server: Server;
  let reads: BodyRead[] = [];
  let preParsed: unknown;
  beforeAll(async () => {
    server = createServer((req: IncomingMessage & { body?: unknown }, res) => {
      const go = (): void =>
        void readBody(req, res, 16).then((read) => {
          reads.push(read);
          res.writeHead('reply' in read ? read.reply.status : 200).end();
        });
      if (preParsed === undefined) return go();
      // a body parser (express.json()) ran first: the stream is consumed, req.body is set
      req.resume();
      req.on('end', () => {
        req.body = preParsed;
        go();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => closeServer(server));
  beforeEach(() => {
    reads = [];
    preParsed = undefined;
  });

  const post = (body: string, headers: Record<string, string> = {}): Promise<number> =>
    new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port: (server.address() as { port: number }).port, method: 'POST', headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(-1));
      req.end(body);
    });

  it('reads a body within the limit', async () => {
    expect(await post('{"a":1}')).toBe(200);
    expect(reads).toEqual([{ bytes: Buffer.from('{"a":1}') }]);
  });

  it('is 413 past the limit, whether declared or counted', async () => {
    expect(await post('x'.repeat(17))).toBe(413);
    expect(await post('x'.repeat(40), { 'transfer-encoding': 'chunked' })).toBe(413);
    expect(reads.every((r) => 'reply' in r && r.reply.status === 413)).toBe(true);
  });

  it('takes a body a middleware already parsed', async () => {
    preParsed = { user_id: 'u1' };
    expect(await post('{"user_id":"u1"}', { 'content-type': 'application/json' })).toBe(200);
    expect(reads).toEqual([{ bytes: Buffer.from('{"user_id":"u1"}') }]);
  });
});

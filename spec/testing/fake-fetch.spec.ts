import { lastValueFrom, from } from 'rxjs';
import { FakeFetch, createFakeFetch } from '../../lib/testing/index';
import { createTestScheduler } from '../helpers/marble-scheduler';

describe('FakeFetch', () => {
  it('records url, method, lower-cased headers, body, parsed JSON and redirect mode', async () => {
    const fake = createFakeFetch().respondWith({ status: 200, body: { ok: true } });
    await fake.fetch(new URL('https://api.example/a?b=1'), {
      method: 'post',
      headers: { 'X-Network-Api-Key': 'k', 'Content-Type': 'application/json' },
      body: '{"user_id":"u"}',
      redirect: 'manual',
    });
    expect(fake.calls).toHaveLength(1);
    expect(fake.lastCall).toMatchObject({
      url: 'https://api.example/a?b=1',
      method: 'POST',
      headers: { 'x-network-api-key': 'k', 'content-type': 'application/json' },
      body: '{"user_id":"u"}',
      json: { user_id: 'u' },
      redirect: 'manual',
      aborted: false,
    });
  });

  it('answers queued replies in order, then the fallback', async () => {
    const fake = new FakeFetch()
      .respondWith({ status: 201, body: { n: 1 } }, { status: 500, statusText: 'Internal Server Error', body: 'boom', headers: { 'retry-after': '1' } })
      .respondAlways((call) => ({ status: 200, body: { echo: call.url } }));
    const first = await fake.fetch('https://x/1');
    expect([first.status, first.ok, first.headers.get('content-type'), await first.json()]).toEqual([201, true, 'application/json', { n: 1 }]);
    const second = await fake.fetch('https://x/2');
    expect([second.status, second.statusText, second.ok, second.headers.get('retry-after'), await second.text()]).toEqual([
      500,
      'Internal Server Error',
      false,
      '1',
      'boom',
    ]);
    expect(await (await fake.fetch('https://x/3')).json()).toEqual({ echo: 'https://x/3' });
  });

  it('a body can be read once, like a real Response', async () => {
    const response = await new FakeFetch().respondWith({ body: 'x' }).fetch('https://x');
    await expect(response.text()).resolves.toBe('x');
    await expect(response.text()).rejects.toThrow('Body is unusable');
  });

  it('passes real Response objects through', async () => {
    const real = new Response('{"a":1}', { status: 202 });
    const response = await new FakeFetch().respondWith(real).fetch('https://x');
    expect(response).toBe(real);
  });

  it('rejects with a network error, the default TypeError or the given one', async () => {
    const given = new Error('ECONNRESET');
    const fake = new FakeFetch().respondWith({ networkError: true }, { networkError: given });
    await expect(fake.fetch('https://x')).rejects.toThrow('fetch failed');
    await expect(fake.fetch('https://x')).rejects.toBe(given);
  });

  it('rejects clearly when nothing is queued', async () => {
    await expect(new FakeFetch().fetch('https://x/none', { method: 'DELETE' })).rejects.toThrow('FakeFetch: no reply queued for DELETE https://x/none');
  });

  it('imitates an opaque browser redirect', async () => {
    const response = await new FakeFetch().respondWith({ type: 'opaqueredirect', status: 302, headers: { location: 'https://evil' } }).fetch('https://x');
    expect([response.type, response.status, response.headers.get('location'), await response.text()]).toEqual(['opaqueredirect', 0, null, '']);
  });

  it('honours AbortSignal: a stalled call rejects with AbortError when aborted', async () => {
    const fake = new FakeFetch().respondWith({ stall: true });
    const controller = new AbortController();
    const pending = fake.fetch('https://x', { signal: controller.signal });
    expect(fake.lastCall?.aborted).toBe(false);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.lastCall?.aborted).toBe(true);
  });

  it('rejects at once for an already aborted signal', async () => {
    const fake = new FakeFetch().respondWith({ status: 200 });
    await expect(fake.fetch('https://x', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('settles synchronously without a delay, and after delayMs in virtual time', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const fake = new FakeFetch({ scheduler }).respondWith({ status: 200, body: 'now' }, { status: 200, body: 'later', delayMs: 25 });
      expectObservable(from(fake.fetch('https://x/1').then((r) => r.text()))).toBe('(a|)', { a: 'now' });
      expectObservable(from(fake.fetch('https://x/2').then((r) => r.text()))).toBe('25ms (b|)', { b: 'later' });
    });
  });

  it('an abort cancels a delayed reply in virtual time', () => {
    const scheduler = createTestScheduler();
    const controller = new AbortController();
    const outcomes: string[] = [];
    scheduler.run(({ flush }) => {
      const fake = new FakeFetch({ scheduler }).respondWith({ status: 200, body: 'late', delayMs: 100 });
      fake.fetch('https://x', { signal: controller.signal }).then(
        () => outcomes.push('resolved'),
        (e: Error) => outcomes.push(e.name),
      );
      scheduler.schedule(() => controller.abort(), 50);
      flush();
    });
    expect(outcomes).toEqual(['AbortError']);
  });

  it('reset() forgets calls, queue and fallback', async () => {
    const fake = new FakeFetch().respondWith({ status: 200 }).respondAlways({ status: 204 });
    fake.reset();
    expect(fake.calls).toEqual([]);
    await expect(lastValueFrom(from(fake.fetch('https://x')))).rejects.toThrow('no reply queued');
  });
});

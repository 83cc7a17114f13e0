/**
 * provideAuiTesting() in TestBed: the client on MockWebSocket and a FakeFetch (injectable as
 * `FakeFetch`), marble-testable when given the spec's TestScheduler, closed with the test module.
 */
// first: it loads the JIT compiler, which Angular's partially compiled packages need as they load
import { configureTestBed } from './helpers/test-bed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { EnvironmentInjector, createEnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { AUI_CLIENT } from '../../lib/angular/provide-aui-client';
import { AUI_TESTING_API_KEY, AUI_TESTING_BASE_URL, provideAuiTesting } from '../../lib/angular/provide-aui-testing';
import { withHttpClient } from '../../lib/angular/with-http-client';
import { FakeFetch } from '../../lib/testing/fake-fetch';
import { MockWebSocket } from '../../lib/testing/mock-web-socket';
import { createTestScheduler } from '../helpers/marble-scheduler';
import { a2, at, finalFrame, sock } from '../helpers/ws-marbles';

const TASK = { id: '0123456789abcdef01234567', user_id: 'user-1', title: 'Kettle', created_at: '2025-11-12T14:03:46.984000' };

describe('provideAuiTesting', () => {
  beforeEach(() => MockWebSocket.reset());

  it('answers REST from the injectable FakeFetch, with the testing key and base URL', async () => {
    configureTestBed([provideAuiTesting()]);
    const fake = TestBed.inject(FakeFetch);
    fake.respondWith({ status: 200, body: TASK });
    await expect(firstValueFrom(TestBed.inject(AUI_CLIENT).getTask(TASK.id))).resolves.toMatchObject({ id: TASK.id });
    expect(fake.lastCall).toMatchObject({
      url: `${AUI_TESTING_BASE_URL}/api/v1/external/tasks/${TASK.id}`,
      headers: expect.objectContaining({ 'x-network-api-key': AUI_TESTING_API_KEY }),
    });
  });

  it('streams on MockWebSocket in virtual time (marble test)', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ expectObservable }) => {
      configureTestBed([provideAuiTesting({ client: { scheduler } })]);
      const reply$ = TestBed.inject(AUI_CLIENT).streamMessage({ task_id: 'task-1', text: 'hi' });
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 3, () => sock(0).receive(a2('Hel')));
      at(scheduler, 5, () => sock(0).receive(finalFrame('Hello')));
      expectObservable(reply$).toBe('---a-(b|)', {
        a: { kind: 'text', taskId: 'task-1', text: 'Hel', delta: 'Hel' },
        b: { kind: 'final', taskId: 'task-1', message: finalFrame('Hello') },
      });
    });
    expect(sock(0).url).toContain(`network_api_key=${AUI_TESTING_API_KEY}`);
    expect(sock(0).url.startsWith('wss://aui.test/')).toBe(true);
  });

  it('runs FakeFetch delays on the given scheduler', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ expectObservable }) => {
      configureTestBed([provideAuiTesting({ client: { scheduler } })]);
      TestBed.inject(FakeFetch).respondWith({ status: 200, body: TASK, delayMs: 40 });
      expectObservable(TestBed.inject(AUI_CLIENT).getTask(TASK.id)).toBe('40ms (a|)', { a: TASK });
    });
  });

  it('uses a given FakeFetch, and client options over the defaults', async () => {
    const fake = new FakeFetch().respondWith({ status: 200, body: TASK });
    configureTestBed([provideAuiTesting({ fetch: fake, client: { baseUrl: 'https://other.test' } })]);
    expect(TestBed.inject(FakeFetch)).toBe(fake);
    await firstValueFrom(TestBed.inject(AUI_CLIENT).getTask(TASK.id));
    expect(fake.lastCall?.url.startsWith('https://other.test/')).toBe(true);
  });

  it('passes features on: withHttpClient() with provideHttpClientTesting() sends REST through HttpClient', async () => {
    configureTestBed([provideHttpClient(), provideHttpClientTesting(), provideAuiTesting({}, withHttpClient())]);
    const task = firstValueFrom(TestBed.inject(AUI_CLIENT).getTask(TASK.id));
    TestBed.inject(HttpTestingController).expectOne(`${AUI_TESTING_BASE_URL}/api/v1/external/tasks/${TASK.id}`).flush(JSON.stringify(TASK));
    await expect(task).resolves.toMatchObject({ id: TASK.id });
    expect(TestBed.inject(FakeFetch).calls).toEqual([]);
  });

  it('gives each injector its own FakeFetch and client, closed with that injector', () => {
    configureTestBed([]);
    const make = (): EnvironmentInjector => createEnvironmentInjector([provideAuiTesting()], TestBed.inject(EnvironmentInjector));
    const one = make();
    const two = make();
    expect(one.get(FakeFetch)).not.toBe(two.get(FakeFetch));
    one.get(AUI_CLIENT).streamMessage({ task_id: 'task-1', text: 'hi' }).subscribe({ error: () => undefined });
    sock(0).open();
    one.destroy();
    expect(sock(0).closeCalls.map((c) => c.code)).toEqual([1000]);
    two.destroy();
  });
});

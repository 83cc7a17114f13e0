/**
 * provideAuiClient / AUI_CLIENT / injectAuiClient in a real Angular injector (TestBed, zoneless):
 * the client is created lazily in the injection context, once per environment injector, and closed
 * (its sockets with 1000, its running turns with AuiConnectionError) when that injector is destroyed.
 */
// first: it loads the JIT compiler, which Angular's partially compiled packages need as they load
import { configureTestBed } from './helpers/test-bed';
import { EnvironmentInjector, InjectionToken, Injector, createEnvironmentInjector, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { StreamEvent } from '../../lib/stream-event';
import { AuiClient } from '../../lib/client';
import { AuiConnectionError, AuiValidationError } from '../../lib/errors';
import { AUI_CLIENT, injectAuiClient, provideAuiClient, type AuiClientFeature } from '../../lib/angular/provide-aui-client';
import { MockWebSocket } from '../../lib/testing/mock-web-socket';

const BASE_URL = 'https://aui.example';

describe('provideAuiClient', () => {
  beforeEach(() => MockWebSocket.reset());

  it('creates the client lazily, once, by calling the options function in the injection context', () => {
    const BASE = new InjectionToken<string>('BASE');
    const calls: string[] = [];
    configureTestBed([
      { provide: BASE, useValue: BASE_URL },
      provideAuiClient(() => {
        calls.push(inject(BASE));
        return { apiKey: 'k', baseUrl: inject(BASE), WebSocket: MockWebSocket };
      }),
    ]);
    expect(calls).toEqual([]);
    const client = TestBed.inject(AUI_CLIENT);
    expect(client).toBeInstanceOf(AuiClient);
    expect(TestBed.inject(AUI_CLIENT)).toBe(client);
    expect(calls).toEqual([BASE_URL]);
  });

  it('closes the client when its injector is destroyed: the socket closes with 1000, the running turn errors', () => {
    configureTestBed([]);
    const child = createEnvironmentInjector([provideAuiClient({ apiKey: 'k', baseUrl: BASE_URL, WebSocket: MockWebSocket })], TestBed.inject(EnvironmentInjector));
    const client = child.get(AUI_CLIENT);
    const events: StreamEvent[] = [];
    let failure: unknown;
    client.streamMessage({ task_id: 'task-1', text: 'hi' }).subscribe({ next: (e) => events.push(e), error: (e: unknown) => (failure = e) });
    const socket = MockWebSocket.latest!;
    socket.open();
    socket.receive({ event: 'thread-message-text-content-updated', data: { text: 'Hel' } });
    expect(events).toHaveLength(1);

    child.destroy();

    expect(socket.closeCalls).toEqual([{ code: 1000, reason: expect.any(String) }]);
    expect(socket.readyState).toBe(MockWebSocket.CLOSED);
    expect(failure).toBeInstanceOf(AuiConnectionError);
  });

  it('closes the client of a TestBed module when TestBed resets', () => {
    configureTestBed([provideAuiClient({ apiKey: 'k', baseUrl: BASE_URL, WebSocket: MockWebSocket })]);
    const client = TestBed.inject(AUI_CLIENT);
    let failure: unknown;
    client.streamMessage({ task_id: 'task-1', text: 'hi' }).subscribe({ error: (e: unknown) => (failure = e) });
    MockWebSocket.latest!.open();
    TestBed.resetTestingModule();
    expect(MockWebSocket.latest!.closeCalls.map((c) => c.code)).toEqual([1000]);
    expect(failure).toBeInstanceOf(AuiConnectionError);
  });

  it('gives each environment injector its own client', () => {
    configureTestBed([provideAuiClient({ apiKey: 'k', baseUrl: BASE_URL })]);
    const parent = TestBed.inject(EnvironmentInjector);
    const child = createEnvironmentInjector([provideAuiClient({ apiKey: 'k2', baseUrl: BASE_URL })], parent);
    expect(child.get(AUI_CLIENT)).not.toBe(parent.get(AUI_CLIENT));
    child.destroy();
  });

  it("runs each feature's configure in the injection context, in order", () => {
    const TAG = new InjectionToken<string>('TAG');
    const seen: string[] = [];
    const feature = (kind: string): AuiClientFeature => ({
      kind: 'http-client',
      providers: [{ provide: TAG, useValue: kind }],
      configure: (options) => {
        seen.push(`${kind}:${inject(TAG)}:${options.baseUrl}`);
        return { ...options, baseUrl: `${options.baseUrl}/${kind}` };
      },
    });
    configureTestBed([provideAuiClient({ apiKey: 'k', baseUrl: BASE_URL }, feature('one'))]);
    TestBed.inject(AUI_CLIENT);
    expect(seen).toEqual([`one:one:${BASE_URL}`]);
  });

  it('refuses the same feature twice when the providers are made', () => {
    const feature: AuiClientFeature = { kind: 'http-client', providers: [], configure: (o) => o };
    expect(() => provideAuiClient({ apiKey: 'k' }, feature, feature)).toThrow("the 'http-client' feature is given twice");
  });

  it('surfaces invalid options as the AuiValidationError of the client constructor, at inject time', () => {
    configureTestBed([provideAuiClient({ apiKey: '' })]);
    expect(() => TestBed.inject(AUI_CLIENT)).toThrow(AuiValidationError);
  });
});

describe('injectAuiClient', () => {
  it('returns the provided client in an injection context, or from a given injector', () => {
    configureTestBed([provideAuiClient({ apiKey: 'k', baseUrl: BASE_URL })]);
    const client = TestBed.inject(AUI_CLIENT);
    expect(TestBed.runInInjectionContext(() => injectAuiClient())).toBe(client);
    expect(injectAuiClient({ injector: TestBed.inject(Injector) })).toBe(client);
  });

  it('throws outside an injection context without an injector (NG0203)', () => {
    configureTestBed([provideAuiClient({ apiKey: 'k', baseUrl: BASE_URL })]);
    expect(() => injectAuiClient()).toThrow(/NG0203/);
  });

  it('names the missing provider when none was given', () => {
    configureTestBed([]);
    expect(() => TestBed.runInInjectionContext(() => injectAuiClient())).toThrow(/AUI_CLIENT/);
  });
});

/**
 * injectAuiChat in TestBed on provideAuiTesting: the chat state as signals, read at virtual frames
 * (marble time, MockWebSocket), the commands, and the chat closed with its injection context.
 */
// first: it loads the JIT compiler, which Angular's partially compiled packages need as they load
import { configureTestBed } from './helpers/test-bed';
import { DestroyRef, EnvironmentInjector, Injector, createEnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { TestScheduler } from 'rxjs/testing';
import { injectAuiChat, type AuiChatSignals } from '../../lib/angular/inject-aui-chat';
import { provideAuiTesting } from '../../lib/angular/provide-aui-testing';
import type { AuiChatClient } from '../../lib/chat/chat-types';
import { AuiAuthenticationError, AuiValidationError } from '../../lib/errors';
import { FakeFetch } from '../../lib/testing/fake-fetch';
import { MockWebSocket } from '../../lib/testing/mock-web-socket';
import { createTestScheduler } from '../helpers/marble-scheduler';
import { a2, at, finalFrame, sock } from '../helpers/ws-marbles';

const TASK_ID = 'task-1';

/** One line per signal read: status, then each message as role:text (… while streaming). */
function view(chat: AuiChatSignals): string {
  const messages = chat.messages().map((m) => `${m.role === 'user' ? 'u' : 'a'}:${m.text}${m.streaming ? '…' : ''}${m.stopped ? '[stopped]' : ''}`);
  return [chat.status() + (chat.busy() ? '*' : ''), ...messages].join(' ');
}

describe('injectAuiChat', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = createTestScheduler();
  });

  it('exposes the chat as signals as the reply streams (virtual time)', () => {
    const seen: string[] = [];
    scheduler.run(() => {
      configureTestBed([provideAuiTesting({ client: { scheduler } })]);
      const chat = TestBed.runInInjectionContext(() => injectAuiChat({ taskId: TASK_ID, history: false }));
      const look = (ms: number): void => at(scheduler, ms, () => seen.push(`${ms}: ${view(chat)}`));
      look(0);
      at(scheduler, 1, () => chat.send('Hi'));
      look(1);
      at(scheduler, 2, () => sock(0).open());
      at(scheduler, 3, () => sock(0).receive(a2('Hel')));
      look(3);
      at(scheduler, 4, () => sock(0).receive(a2('Hello')));
      look(4);
      at(scheduler, 5, () => sock(0).receive(finalFrame('Hello!')));
      look(5);
    });
    expect(seen).toEqual([
      '0: ready',
      '1: submitted* u:Hi',
      '3: streaming* u:Hi a:Hel…',
      '4: streaming* u:Hi a:Hello…',
      '5: ready u:Hi a:Hello!',
    ]);
    expect(sock(0).sentJson).toEqual([{ task_id: TASK_ID, text: 'Hi' }]);
  });

  it('loads the history through the client (FakeFetch), then appends the turn', () => {
    let chat!: AuiChatSignals;
    scheduler.run(() => {
      configureTestBed([provideAuiTesting({ client: { scheduler } })]);
      TestBed.inject(FakeFetch).respondWith({ status: 200, body: [finalFrame('Earlier answer', 'msg-0')], delayMs: 3 });
      chat = TestBed.runInInjectionContext(() => injectAuiChat({ taskId: TASK_ID }));
      at(scheduler, 1, () => expect(chat.status()).toBe('submitted'));
      at(scheduler, 4, () => chat.send('More?'));
      at(scheduler, 5, () => sock(0).open());
      at(scheduler, 6, () => sock(0).receive(finalFrame('Yes', 'msg-1')));
    });
    expect(view(chat)).toBe('ready a:Earlier answer u:More? a:Yes');
    expect(chat.taskId()).toBe(TASK_ID);
    expect(TestBed.inject(FakeFetch).lastCall?.url).toMatch(/\/tasks\/task-1\/messages$/);
  });

  it('ends a 1008 in status error with the typed error, without a second connection', () => {
    let chat!: AuiChatSignals;
    const seen: string[] = [];
    scheduler.run(() => {
      configureTestBed([provideAuiTesting({ client: { scheduler } })]);
      chat = TestBed.runInInjectionContext(() => injectAuiChat({ taskId: TASK_ID, history: false }));
      at(scheduler, 1, () => chat.send('Hi'));
      at(scheduler, 2, () => sock(0).open());
      at(scheduler, 3, () => sock(0).serverClose(1008, 'invalid key'));
      at(scheduler, 4, () => seen.push(view(chat)));
    });
    expect(seen).toEqual(['error u:Hi']);
    expect(chat.error()).toBeInstanceOf(AuiAuthenticationError);
    expect(chat.state().error).toBe(chat.error());
    expect(MockWebSocket.instances).toHaveLength(1);
  });

  it('regenerate() sends the last user message again and replaces its reply', () => {
    let chat!: AuiChatSignals;
    scheduler.run(() => {
      configureTestBed([provideAuiTesting({ client: { scheduler } })]);
      chat = TestBed.runInInjectionContext(() => injectAuiChat({ taskId: TASK_ID, history: false }));
      at(scheduler, 1, () => chat.send('Hi'));
      at(scheduler, 2, () => sock(0).open());
      at(scheduler, 3, () => sock(0).receive(finalFrame('First')));
      at(scheduler, 4, () => chat.regenerate());
      at(scheduler, 5, () => sock(0).receive(finalFrame('Second', 'msg-2')));
    });
    expect(view(chat)).toBe('ready u:Hi a:Second');
    expect(sock(0).sentJson).toEqual([{ task_id: TASK_ID, text: 'Hi' }, { task_id: TASK_ID, text: 'Hi' }]);
  });

  it('stop() keeps the partial reply, marked stopped, and closes the socket', () => {
    let chat!: AuiChatSignals;
    scheduler.run(() => {
      configureTestBed([provideAuiTesting({ client: { scheduler } })]);
      chat = TestBed.runInInjectionContext(() => injectAuiChat({ taskId: TASK_ID, history: false }));
      at(scheduler, 1, () => chat.send('Hi'));
      at(scheduler, 2, () => sock(0).open());
      at(scheduler, 3, () => sock(0).receive(a2('Hel')));
      at(scheduler, 4, () => chat.stop());
    });
    expect(view(chat)).toBe('ready u:Hi a:Hel[stopped]');
    expect(sock(0).readyState).toBe(MockWebSocket.CLOSED);
  });

  it('closes the chat with its injection context: the running turn stops, the signals stop changing', () => {
    configureTestBed([provideAuiTesting()]);
    const context = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector));
    const chat = injectAuiChat({ taskId: TASK_ID, history: false, injector: context });
    chat.send('Hi').subscribe({ error: () => undefined });
    sock(0).open();
    sock(0).receive(a2('Hel'));
    expect(chat.status()).toBe('streaming');

    context.destroy();

    expect(sock(0).readyState).toBe(MockWebSocket.CLOSED);
    const after = chat.state();
    expect(after.status).toBe('ready');
    expect(view(chat)).toBe('ready u:Hi a:Hel[stopped]');
    let completed = false;
    chat.chat.state$.subscribe({ complete: () => (completed = true) });
    expect(completed).toBe(true);
    expect(chat.state()).toBe(after);
  });

  it('uses a given client stand-in, and throws outside an injection context without an injector', () => {
    configureTestBed([]);
    const stand: AuiChatClient = { createTask: jest.fn(), getTaskMessages: jest.fn(), streamMessage: jest.fn() };
    const chat = injectAuiChat({ userId: 'user-1', client: stand, injector: TestBed.inject(Injector) });
    expect(chat.status()).toBe('ready');
    expect(chat.taskId()).toBeUndefined();
    expect(() => injectAuiChat({ userId: 'user-1', client: stand })).toThrow(/NG0203/);
  });

  it('a context already destroyed (a component view: NG0911 from DestroyRef.onDestroy) throws before the chat exists: no history request, nothing left open', () => {
    configureTestBed([provideAuiTesting()]);
    const root = TestBed.inject(Injector);
    const destroyedView = {
      onDestroy: () => {
        throw new Error('NG0911: View has already been destroyed.');
      },
    };
    const viewInjector = { get: (token: unknown) => (token === DestroyRef ? destroyedView : root.get(token as never)) } as Injector;
    expect(() => injectAuiChat({ taskId: TASK_ID, injector: viewInjector })).toThrow(/NG0911/);
    expect(TestBed.inject(FakeFetch).calls).toHaveLength(0);
  });

  it('options that are not an object (a JavaScript caller): NG0203 outside an injection context, else AuiValidationError (was a TypeError)', () => {
    configureTestBed([provideAuiTesting()]);
    const loose = injectAuiChat as (options?: unknown) => AuiChatSignals;
    expect(() => loose()).toThrow(/NG0203/);
    for (const options of [undefined, null, 'task-1']) {
      expect(() => TestBed.runInInjectionContext(() => loose(options))).toThrow(AuiValidationError);
    }
    expect(MockWebSocket.instances).toHaveLength(0);
  });
});

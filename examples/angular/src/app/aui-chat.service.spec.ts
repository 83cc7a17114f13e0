import { TestBed } from '@angular/core/testing';
import { TestScheduler } from 'rxjs/testing';
import { MockWebSocket } from 'aui-rx/testing';
import { AUI_CLIENT, AuiChatService } from './aui-chat.service';
import { provideAuiClient } from './provide-aui-client';

const TEXT_EVENT = 'thread-message-text-content-updated';
const text = (t: string) => ({ event: TEXT_EVENT, data: { text: t } });
const final = (t: string) => ({
  id: 'msg_1',
  created_at: '2025-11-12T14:03:46.984000',
  text: t,
  sender: { id: 'intelligent-agent', type: 'agent' },
  receiver: { id: 'user_1', type: 'user' },
  cards: [],
  followup_suggestions: ['What are the dimensions?'],
});

describe('AuiChatService (real Angular TestBed, MockWebSocket, virtual time)', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    TestBed.configureTestingModule({
      providers: [provideAuiClient({ apiKey: 'API_KEY_TEST', baseUrl: 'http://127.0.0.1:1/api', WebSocket: MockWebSocket })],
    });
  });

  it('closes every socket with 1000 when the injector is destroyed', () => {
    scheduler.run(() => {
      const service = TestBed.inject(AuiChatService);
      service.ask('task_1', 'hi');
      const ws = MockWebSocket.latest!;
      ws.open();
      ws.receive(text('Hi'));
      ws.receive(final('Hi'));
      expect(ws.closeCalls).toEqual([]); // idle in the pool, lingering for reuse
      TestBed.resetTestingModule();
      expect(ws.closeCalls.map((c) => c.code)).toEqual([1000]);
      expect(TestBed.inject(AUI_CLIENT, null)).toBeNull();
    });
  });

  it('streams the reply into a signal and reports the connection state', () => {
    scheduler.run(({ flush }) => {
      const service = TestBed.inject(AuiChatService);
      expect(service.reply()).toBe('');
      service.ask('task_1', 'I need a microwave');
      const ws = MockWebSocket.latest!;
      expect(service.connection()).toBe('connecting');
      ws.open();
      expect(service.connection()).toBe('open');
      expect(ws.sentJson).toEqual([{ task_id: 'task_1', text: 'I need a microwave' }]);
      ws.receive(text('I found'));
      expect(service.reply()).toBe('I found');
      ws.receive(text('I found two microwaves.'));
      ws.receive(final('I found two microwaves.'));
      flush();
      expect(service.reply()).toBe('I found two microwaves.');
      expect(service.error()).toBeUndefined();
    });
  });

  it('retries a 1011 after 500 ms of virtual time and restarts the text cleanly', () => {
    scheduler.run(({ flush }) => {
      const service = TestBed.inject(AuiChatService);
      service.ask('task_1', 'hi');
      const first = MockWebSocket.latest!;
      first.open();
      first.receive(text('Hel'));
      first.serverClose(1011, 'Internal error');
      expect(MockWebSocket.instances).toHaveLength(1);
      scheduler.schedule(() => {
        expect(MockWebSocket.instances).toHaveLength(1); // not yet: the backoff is 500 ms
        expect(service.reply()).toBe('Hel'); // the partial text stays until the retry starts
      }, 499);
      scheduler.schedule(() => {
        const second = MockWebSocket.latest!;
        expect(MockWebSocket.instances).toHaveLength(2);
        expect(service.reply()).toBe(''); // the restart event dropped the partial text
        second.open();
        expect(second.sentJson).toEqual([{ task_id: 'task_1', text: 'hi' }]); // the turn is sent again
        second.receive(text('Hello'));
        second.receive(final('Hello'));
      }, 500);
      flush();
      expect(service.reply()).toBe('Hello');
      expect(service.error()).toBeUndefined();
    });
  });

  it('stops at once on 1008: one connection, a typed authentication error, no retry', () => {
    scheduler.run(({ flush }) => {
      const service = TestBed.inject(AuiChatService);
      service.ask('task_1', 'hi');
      const ws = MockWebSocket.latest!;
      ws.open();
      ws.serverClose(1008, 'Invalid API key');
      flush();
      expect(MockWebSocket.instances).toHaveLength(1);
      expect(service.authFailures()).toBe(1);
      expect(service.error()?.kind).toBe('authentication');
      expect(service.error()?.closeCode).toBe(1008);
      expect(service.error()?.message).not.toContain('API_KEY_TEST');
    });
  });
});

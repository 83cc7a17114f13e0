import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { AuiChatOptions } from 'aui-rx';
import { provideAuiTesting } from 'aui-rx/angular';
import { FakeFetch, MockWebSocket } from 'aui-rx/testing';
import { CHAT_TARGET } from '../chat-target';
import { Chat } from './chat';

// The chat component on provideAuiTesting(): its sockets are MockWebSockets and its REST calls a
// FakeFetch, everything in TestScheduler virtual time. Each marble is what the user SEES, read from
// the DOM each time the chat's state changes: `status | role:text…` (… while streaming, ■ stopped).

const TASK_ID = '68e78d0d0000000000000001';
const text = (t: string) => ({ event: 'thread-message-text-content-updated', data: { text: t } });
const final = (t: string, id = 'msg-1') => ({
  id,
  created_at: '2025-11-12T14:03:46.984000',
  text: t,
  sender: { id: 'intelligent-agent', type: 'agent' },
  receiver: { id: 'user-1', type: 'user' },
  cards: [{ id: 'p1', name: 'Frigidaire Gallery', parameters: [{ title: 'Price', value: '$449.99' }], is_recommended: true }],
  followup_suggestions: ['What are the dimensions?'],
});
const sock = (n: number): MockWebSocket => {
  const ws = MockWebSocket.instances[n];
  if (!ws) throw new Error(`no MockWebSocket #${n}`);
  return ws;
};

describe('Chat (TestBed, provideAuiTesting, virtual time)', () => {
  let scheduler: TestScheduler;
  let fixture: ComponentFixture<Chat>;

  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /**
   * Creates the component for `target` (inside `run`, so the client's timers are virtual);
   * `rest` queues the FakeFetch's replies before the chat starts (a history load is its first call).
   */
  function render(target: AuiChatOptions, ...rest: Parameters<FakeFetch['respondWith']>): Chat {
    TestBed.configureTestingModule({ providers: [provideAuiTesting(), { provide: CHAT_TARGET, useValue: target }] });
    TestBed.inject(FakeFetch).respondWith(...rest);
    fixture = TestBed.createComponent(Chat);
    fixture.detectChanges();
    return fixture.componentInstance;
  }

  const el = () => fixture.nativeElement as HTMLElement;
  const button = (name: string) => el().querySelector<HTMLButtonElement>(`button.${name}`);

  /** What the page shows now. */
  function view(): string {
    fixture.detectChanges();
    const status = el().querySelector('.status')?.getAttribute('data-status') ?? '?';
    const messages = [...el().querySelectorAll('li.message')].map((li) => {
      const t = li.querySelector('.text')?.textContent ?? '';
      return `${li.getAttribute('data-role')?.[0]}:${t.replace('▍', '')}${t.includes('▍') ? '…' : ''}${li.querySelector('.note') ? '■' : ''}`;
    });
    const error = el().querySelector('.error')?.textContent?.trim().split(':')[0]; // kind (status or close code)
    return [status, messages.join(' | '), error ? `! ${error}` : ''].filter(Boolean).join(' ');
  }

  /** The page, sampled on every state change of the component's chat. */
  const seen = (chat: Chat) => chat.chat.chat.state$.pipe(map(() => view()));

  function type(value: string): void {
    el().querySelector('textarea')!.value = value;
    button('send')!.click();
  }

  it('streams a reply into the page: submitted, streaming as it grows, ready with cards and suggestions', () => {
    scheduler.run(({ expectObservable }) => {
      const chat = render({ taskId: TASK_ID, history: false });
      expectObservable(seen(chat)).toBe('a 4ms b 2ms cd 2ms e', {
        a: 'ready',
        b: 'submitted u:I need a microwave',
        c: 'streaming u:I need a microwave | a:I found…',
        d: 'streaming u:I need a microwave | a:I found two…',
        e: 'ready u:I need a microwave | a:I found two microwaves.',
      });
      scheduler.schedule(() => type('I need a microwave'), 5);
      scheduler.schedule(() => sock(0).open(), 6);
      scheduler.schedule(() => sock(0).receive(text('I found')), 8);
      scheduler.schedule(() => {
        sock(0).receive(text('I found two'));
        expect(button('stop')).not.toBeNull(); // Stop while streaming
        expect(button('send')!.disabled).toBe(true);
      }, 9);
      scheduler.schedule(() => sock(0).receive(final('I found two microwaves.')), 12);
    });
    expect(sock(0).sentJson).toEqual([{ task_id: TASK_ID, text: 'I need a microwave' }]);
    expect(el().querySelectorAll('.card').length).toBe(1);
    expect(el().querySelector('.card')?.textContent).toContain('Price: $449.99');
    expect([...el().querySelectorAll('.suggestions button')].map((b) => b.textContent?.trim())).toEqual(['What are the dimensions?']);
    expect(button('send')!.disabled).toBe(false);
    expect(el().querySelector('textarea')!.value).toBe('');
  });

  it('a 1011 is retried after 500 ms of virtual time and the reply restarts in place (no duplicated text)', () => {
    scheduler.run(({ expectObservable }) => {
      const chat = render({ taskId: TASK_ID, history: false, retry: { jitter: false, initialDelayMs: 500 } });
      expectObservable(seen(chat)).toBe('ab-c 500ms d--e', {
        a: 'ready',
        b: 'submitted u:Hi',
        c: 'streaming u:Hi | a:Hel…',
        d: 'streaming u:Hi | a:…',
        e: 'ready u:Hi | a:Hello there',
      });
      scheduler.schedule(() => type('Hi'), 1);
      scheduler.schedule(() => sock(0).open(), 2);
      scheduler.schedule(() => sock(0).receive(text('Hel')), 3);
      scheduler.schedule(() => sock(0).serverClose(1011, 'Internal error'), 4);
      scheduler.schedule(() => expect(MockWebSocket.instances).toHaveLength(1), 503); // waiting out the backoff
      scheduler.schedule(() => sock(1).open(), 505);
      scheduler.schedule(() => sock(1).receive(final('Hello there')), 507);
    });
    expect(sock(1).sentJson).toEqual([{ task_id: TASK_ID, text: 'Hi' }]); // the turn sent again
  });

  it('a 1008 ends in an error the page shows, after one connection (no reconnect loop)', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const chat = render({ taskId: TASK_ID, history: false });
      expectObservable(seen(chat)).toBe('ab-c', {
        a: 'ready',
        b: 'submitted u:Hi',
        c: 'error u:Hi ! authentication (1008)',
      });
      scheduler.schedule(() => type('Hi'), 1);
      scheduler.schedule(() => sock(0).open(), 2);
      scheduler.schedule(() => sock(0).serverClose(1008, 'Invalid API key'), 3);
      flush();
      expect(MockWebSocket.instances).toHaveLength(1);
    });
  });

  it('Stop cancels the running reply: its socket is closed, the partial text stays marked stopped', () => {
    scheduler.run(({ expectObservable }) => {
      const chat = render({ taskId: TASK_ID, history: false });
      expectObservable(seen(chat)).toBe('ab-c-d', {
        a: 'ready',
        b: 'submitted u:Hi',
        c: 'streaming u:Hi | a:Hello, I…',
        d: 'ready u:Hi | a:Hello, I■',
      });
      scheduler.schedule(() => type('Hi'), 1);
      scheduler.schedule(() => sock(0).open(), 2);
      scheduler.schedule(() => sock(0).receive(text('Hello, I')), 3);
      scheduler.schedule(() => button('stop')!.click(), 5);
    });
    expect(sock(0).closeCalls.length).toBe(1);
  });

  it('a new task for the user on the first message (createTask through FakeFetch), then its link', () => {
    scheduler.run(({ flush }) => {
      render({ userId: 'alice' }, { status: 200, body: { id: TASK_ID, user_id: 'alice', title: 'New Conversation' }, delayMs: 10 });
      const fake = TestBed.inject(FakeFetch);
      type('Hello');
      expect(view()).toBe('submitted u:Hello');
      scheduler.schedule(() => {
        sock(0).open();
        sock(0).receive(final('Hi alice'));
      }, 11);
      flush();
      expect(fake.calls.map((c) => [c.method, c.url.replace(/^https?:\/\/[^/]+/, ''), c.json])).toEqual([
        ['POST', '/api/v1/external/tasks', { user_id: 'alice' }],
      ]);
      expect(sock(0).sentJson).toEqual([{ task_id: TASK_ID, text: 'Hello' }]);
    });
    expect(view()).toBe('ready u:Hello | a:Hi alice');
    expect(el().querySelector('a.task-link')?.getAttribute('href')).toBe(`?task=${TASK_ID}`);
  });

  it("a task's history is loaded first; a refused one (403) shows its error and no message", () => {
    scheduler.run(({ flush }) => {
      render({ taskId: TASK_ID }, { status: 200, body: [final('Earlier answer', 'msg-0')], delayMs: 5 });
      expect(view()).toBe('submitted');
      flush();
      expect(view()).toBe('ready a:Earlier answer');
    });
    TestBed.resetTestingModule();
    scheduler.run(({ flush }) => {
      render({ taskId: TASK_ID }, { status: 403, body: { detail: 'Forbidden' } });
      flush();
      expect(view()).toBe('error ! authentication (403)'); // the library's kind for a 403
    });
  });

  it('closes the chat with the component: a running reply is cut and its socket closed', () => {
    scheduler.run(() => {
      render({ taskId: TASK_ID, history: false });
      type('Hi');
      sock(0).open();
      sock(0).receive(text('Hel'));
      fixture.destroy();
      expect(sock(0).closeCalls.length).toBe(1);
    });
  });
});

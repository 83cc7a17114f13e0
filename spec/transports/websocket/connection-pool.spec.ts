import { Observable, timer } from 'rxjs';
import { switchMap } from 'rxjs/operators';
import type { StreamEvent } from '../../../lib/stream-event.js';
import { MockWebSocket } from '../../../lib/testing/mock-web-socket.js';
import type { ConnectionState } from '../../../lib/transports/websocket/connection-state.js';
import { createTestScheduler } from '../../helpers/marble-scheduler.js';
import { TASK_ID, textEvent } from '../../helpers/marble-events.js';
import { MOCK_KEY, a2, anError, at, finalFrame, mockPool, sock } from '../../helpers/ws-marbles.js';

const fin = (text: string, taskId = TASK_ID): StreamEvent => ({ kind: 'final', taskId, message: finalFrame(text) as never });

describe('ConnectionPool (virtual time, MockWebSocket)', () => {
  let scheduler: ReturnType<typeof createTestScheduler>;
  beforeEach(() => {
    MockWebSocket.reset();
    scheduler = createTestScheduler();
  });

  it('is cold: nothing is opened until subscribe', () => {
    const pool = mockPool(scheduler);
    pool.turn({ task_id: TASK_ID, text: 'hi' });
    expect(MockWebSocket.instances).toHaveLength(0);
  });

  it.each([
    ['empty text', { task_id: TASK_ID, text: '   ' }],
    ['missing task_id', { text: 'hi' }],
    ['non-string text', { task_id: TASK_ID, text: 5 }],
    ['not an object', null],
  ])('a bad request (%s) errors with AuiValidationError at subscribe, no socket', (_label, request) => {
    scheduler.run(({ expectObservable }) => {
      expectObservable(mockPool(scheduler).turn(request as never)).toBe('#', undefined, anError('AuiValidationError', { issues: expect.any(Array) }));
    });
    expect(MockWebSocket.instances).toHaveLength(0);
  });

  it('connects with the key in the query and, in Node, the x-network-api-key header and a maxPayload', () => {
    mockPool(scheduler).turn({ task_id: TASK_ID, text: 'hi' }).subscribe();
    const ws = sock(0);
    expect(new URL(ws.url).searchParams.get('network_api_key')).toBe(MOCK_KEY);
    expect(new URL(ws.url).pathname).toBe('/api/ia-controller/api/v1/external/session');
    expect(ws.protocols).toBeUndefined();
    expect(ws.options).toEqual({ headers: { 'x-network-api-key': MOCK_KEY }, maxPayload: 8 * 1024 * 1024 });
  });

  it('connect timeout: no open within connectMs → AuiTimeoutError (connect), socket abandoned', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, { timeouts: { connectMs: 10_000 } });
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('10s #', undefined, anError('AuiTimeoutError', { phase: 'connect', taskId: TASK_ID }));
    });
    expect(MockWebSocket.instances).toHaveLength(1);
    expect(sock(0).closeCalls).toHaveLength(1);
    expect(sock(0).listenerCount()).toBe(0);
  });

  it('linger: a free socket closes with 1000 idleLingerMs after its last turn; state$ shows it', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, { idleLingerMs: 2000 });
      at(scheduler, 10, () => sock(0).open());
      at(scheduler, 20, () => sock(0).receive(finalFrame('done')));
      // MockWebSocket completes a close at once, so 'closing' is never observable here.
      expectObservable(pool.state$).toBe('(ic) 6ms o 2009ms i', { i: 'idle', c: 'connecting', o: 'open' });
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('20ms (f|)', { f: fin('done') });
      at(scheduler, 2019, () => expect(sock(0).closeCalls).toEqual([]));
    });
    expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]);
    expect(sock(0).listenerCount()).toBe(0);
  });

  it('a turn started during the linger reuses the socket and cancels the linger', () => {
    scheduler.run(({ expectObservable, cold }) => {
      const pool = mockPool(scheduler, { idleLingerMs: 100 });
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(finalFrame('one')));
      at(scheduler, 52, () => sock(0).receive(finalFrame('two')));
      const second = cold('50ms a|').pipe(switchMap(() => pool.turn({ task_id: TASK_ID, text: 'again' })));
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('--(f|)', { f: fin('one') });
      expectObservable(second).toBe('52ms (f|)', { f: fin('two') });
      at(scheduler, 151, () => expect(sock(0).closeCalls).toEqual([]));
      at(scheduler, 153, () => expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]));
    });
    expect(MockWebSocket.instances).toHaveLength(1);
    expect(sock(0).sentJson).toEqual([
      { task_id: TASK_ID, text: 'hi' },
      { task_id: TASK_ID, text: 'again' },
    ]);
  });

  it('idleLingerMs 0 closes a socket as soon as its turn ends', () => {
    scheduler.run(() => {
      const pool = mockPool(scheduler, { idleLingerMs: 0 });
      pool.turn({ task_id: TASK_ID, text: 'hi' }).subscribe();
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(finalFrame('x')));
      at(scheduler, 2, () => expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]));
    });
  });

  it('queue: with maxConnections 1, turns of one task run one after another on one socket, in subscription order', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, { maxConnections: 1 });
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 5, () => sock(0).receive(finalFrame('A')));
      at(scheduler, 8, () => sock(0).receive(a2('b')));
      at(scheduler, 9, () => sock(0).receive(finalFrame('B')));
      at(scheduler, 12, () => sock(0).receive(finalFrame('C')));
      expectObservable(pool.turn({ task_id: 'tA', text: 'a' })).toBe('5ms (f|)', { f: fin('A', 'tA') });
      expectObservable(pool.turn({ task_id: 'tA', text: 'b' })).toBe('8ms a(f|)', { a: textEvent('b', 'b', 'tA'), f: fin('B', 'tA') });
      expectObservable(pool.turn({ task_id: 'tA', text: 'c' })).toBe('12ms (f|)', { f: fin('C', 'tA') });
      at(scheduler, 6, () => expect(pool.stats).toMatchObject({ queued: 1, turnsStarted: 2, sockets: 1 }));
    });
    expect(MockWebSocket.instances).toHaveLength(1);
    expect(sock(0).sentJson.map((m) => (m as { text: string }).text)).toEqual(['a', 'b', 'c']);
  });

  it('reuse is per task: late frames of task A on its lingering socket never reach the turn of task B', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, { maxConnections: 2 });
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(finalFrame('A')));
      at(scheduler, 3, () => sock(0).receive({ ...a2('late A text'), scope: { context: { task_id: 'tA' } } }));
      at(scheduler, 4, () => sock(0).receive(finalFrame('A again')));
      at(scheduler, 5, () => sock(1).open());
      at(scheduler, 6, () => sock(1).receive(finalFrame('B')));
      expectObservable(pool.turn({ task_id: 'tA', text: 'a' })).toBe('2ms (f|)', { f: fin('A', 'tA') });
      expectObservable(pool.turn({ task_id: 'tB', text: 'b' })).toBe('6ms (f|)', { f: fin('B', 'tB') });
      at(scheduler, 7, () => expect(pool.stats).toMatchObject({ strayFrames: 2, sockets: 2 }));
    });
    expect(sock(0).sentJson).toEqual([{ task_id: 'tA', text: 'a' }]);
    expect(sock(1).sentJson).toEqual([{ task_id: 'tB', text: 'b' }]);
  });

  it('at maxConnections, a free socket of another task closes to make room for a waiting turn', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, { maxConnections: 1 });
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(finalFrame('A')));
      at(scheduler, 3, () => expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]));
      at(scheduler, 6, () => sock(1).open());
      at(scheduler, 7, () => sock(1).receive(finalFrame('B')));
      expectObservable(pool.turn({ task_id: 'tA', text: 'a' })).toBe('2ms (f|)', { f: fin('A', 'tA') });
      expectObservable(pool.turn({ task_id: 'tB', text: 'b' })).toBe('7ms (f|)', { f: fin('B', 'tB') });
    });
    expect(MockWebSocket.instances).toHaveLength(2);
    expect(sock(1).sentJson).toEqual([{ task_id: 'tB', text: 'b' }]);
  });

  it('queue: waiting turns of a task take the first socket that frees up, oldest first', () => {
    scheduler.run(() => {
      const pool = mockPool(scheduler, { maxConnections: 2 });
      for (const t of ['1', '2', '3', '4']) pool.turn({ task_id: 'T', text: t }).subscribe({ error: () => undefined });
      at(scheduler, 0, () => expect(MockWebSocket.instances).toHaveLength(2));
      at(scheduler, 2, () => sock(1).open()); // the first socket to open serves the oldest turn
      at(scheduler, 3, () => sock(0).open());
      at(scheduler, 5, () => sock(0).receive(finalFrame('2'))); // socket 0 frees first → 3
      at(scheduler, 6, () => sock(1).receive(finalFrame('1'))); // then socket 1 → 4
    });
    const texts = (ws: MockWebSocket): string[] => ws.sentJson.map((m) => (m as { text: string }).text);
    expect(texts(sock(1))).toEqual(['1', '4']);
    expect(texts(sock(0))).toEqual(['2', '3']);
    expect(MockWebSocket.instances).toHaveLength(2);
  });

  it('unsubscribing mid-turn closes that socket; the next turn gets a fresh one', () => {
    scheduler.run(({ expectObservable, cold }) => {
      const pool = mockPool(scheduler);
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(a2('par')));
      at(scheduler, 11, () => sock(1).open());
      at(scheduler, 12, () => sock(1).receive(finalFrame('fresh')));
      expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' }), '^---!').toBe('--a', { a: textEvent('par', 'par') });
      at(scheduler, 4, () => expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]));
      const next = cold('10ms a|').pipe(switchMap(() => pool.turn({ task_id: TASK_ID, text: 'next' })));
      expectObservable(next).toBe('12ms (f|)', { f: fin('fresh') });
    });
    expect(sock(0).listenerCount()).toBe(0);
    expect(sock(1).sentJson).toEqual([{ task_id: TASK_ID, text: 'next' }]);
  });

  it('unsubscribing a queued turn removes it from the queue (never sent)', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, { maxConnections: 1 });
      at(scheduler, 5, () => sock(0).open());
      at(scheduler, 6, () => sock(0).receive(finalFrame('A')));
      at(scheduler, 7, () => sock(0).receive(finalFrame('C')));
      expectObservable(pool.turn({ task_id: 'tA', text: 'a' })).toBe('6ms (f|)', { f: fin('A', 'tA') });
      expectObservable(pool.turn({ task_id: 'tA', text: 'b' }), '^--!').toBe('');
      expectObservable(pool.turn({ task_id: 'tA', text: 'c' })).toBe('7ms (f|)', { f: fin('C', 'tA') });
    });
    expect(sock(0).sentJson.map((m) => (m as { text: string }).text)).toEqual(['a', 'c']);
  });

  it.each([1008, 1011])('a %i close errors the turn on that socket; the queued turn goes to a fresh socket', (code) => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, { maxConnections: 1 });
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 5, () => sock(0).serverClose(code));
      at(scheduler, 7, () => sock(1).open());
      at(scheduler, 8, () => sock(1).receive(finalFrame('B')));
      expectObservable(pool.turn({ task_id: 'tA', text: 'a' })).toBe('5ms #', undefined, anError(code === 1008 ? 'AuiAuthenticationError' : 'AuiServerError', { closeCode: code, taskId: 'tA' }));
      expectObservable(pool.turn({ task_id: 'tB', text: 'b' })).toBe('8ms (f|)', { f: fin('B', 'tB') });
    });
    expect(MockWebSocket.instances).toHaveLength(2);
  });

  it('a failed connect errors the oldest waiting turn only; the next gets its own socket', () => {
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, { maxConnections: 1 });
      at(scheduler, 3, () => sock(0).rejectHandshake(401));
      at(scheduler, 4, () => sock(1).open());
      at(scheduler, 5, () => sock(1).receive(finalFrame('B')));
      expectObservable(pool.turn({ task_id: 'tA', text: 'a' })).toBe('3ms #', undefined, anError('AuiAuthenticationError', { status: 401, taskId: 'tA' }));
      expectObservable(pool.turn({ task_id: 'tB', text: 'b' })).toBe('5ms (f|)', { f: fin('B', 'tB') });
    });
  });

  it('an apiKey function is called on every connect; a failing one errors the turn with no socket', () => {
    let calls = 0;
    scheduler.run(({ expectObservable }) => {
      const pool = mockPool(scheduler, {
        apiKey: () => {
          calls += 1;
          if (calls === 2) throw new Error('vault down');
          return `API_KEY_${calls}`;
        },
      });
      at(scheduler, 1, () => sock(0).serverClose(1011));
      at(scheduler, 4, () => sock(1).open());
      expectObservable(pool.turn({ task_id: 'tA', text: 'a' })).toBe('-#', undefined, anError('AuiServerError'));
      const later = (ms: number, text: string): Observable<StreamEvent> => timer(ms, scheduler).pipe(switchMap(() => pool.turn({ task_id: 'tB', text })));
      expectObservable(later(2, 'b')).toBe('--#', undefined, anError('AuiValidationError'));
      expectObservable(later(3, 'c'), '^----!').toBe('');
    });
    expect(MockWebSocket.instances.map((ws) => new URL(ws.url).searchParams.get('network_api_key'))).toEqual(['API_KEY_1', 'API_KEY_3']);
  });

  it('close(): running and queued turns error with AuiConnectionError, sockets close 1000, later turns error, state$ completes', () => {
    scheduler.run(({ expectObservable, cold }) => {
      const pool = mockPool(scheduler, { maxConnections: 1 });
      at(scheduler, 10, () => sock(0).open());
      at(scheduler, 12, () => sock(0).receive(a2('x')));
      at(scheduler, 20, () => pool.close());
      expectObservable(pool.state$).toBe('(ic) 6ms o 9ms (z|)', { i: 'idle', c: 'connecting', o: 'open', z: 'closed' });
      expectObservable(pool.turn({ task_id: 'tA', text: 'a' })).toBe('12ms a 7ms #', { a: textEvent('x', 'x', 'tA') }, anError('AuiConnectionError', { taskId: 'tA' }));
      expectObservable(pool.turn({ task_id: 'tB', text: 'b' })).toBe('20ms #', undefined, anError('AuiConnectionError', { taskId: 'tB' }));
      const late = cold('21ms a|').pipe(switchMap(() => pool.turn({ task_id: 'tC', text: 'c' })));
      expectObservable(late).toBe('21ms #', undefined, anError('AuiConnectionError', { taskId: 'tC' }));
    });
    expect(sock(0).closeCalls).toEqual([{ code: 1000, reason: '' }]);
    expect(sock(0).listenerCount()).toBe(0);
    expect(MockWebSocket.instances).toHaveLength(1);
  });

  it('state$: connecting only while no socket is open; open while any is; idle when all are gone', () => {
    const log: Array<[number, ConnectionState]> = [];
    scheduler.run(() => {
      const pool = mockPool(scheduler, { maxConnections: 2, idleLingerMs: 50 });
      pool.state$.subscribe((s) => log.push([scheduler.now(), s]));
      pool.turn({ task_id: 't1', text: '1' }).subscribe();
      pool.turn({ task_id: 't2', text: '2' }).subscribe({ error: () => undefined });
      at(scheduler, 10, () => sock(0).open());
      at(scheduler, 20, () => sock(1).fail());
      at(scheduler, 30, () => sock(0).receive(finalFrame('1')));
    });
    // sock(1) failed at 20 → t2 errored (no other connecting socket could serve it); sock(0) lingered out at 80.
    expect(log).toEqual([
      [0, 'idle'],
      [0, 'connecting'],
      [10, 'open'],
      [80, 'idle'],
    ]);
  });

  it("state$ is 'closing' while a close the client started is unanswered; a closing socket counts toward maxConnections", () => {
    const log: Array<[number, ConnectionState]> = [];
    scheduler.run(({ expectObservable, cold }) => {
      MockWebSocket.completeClosesAtOnce = false;
      const pool = mockPool(scheduler, { maxConnections: 1, idleLingerMs: 10 });
      pool.state$.subscribe((s) => log.push([scheduler.now(), s]));
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(finalFrame('1')));
      at(scheduler, 20, () => sock(0).serverClose(1000)); // the server answers the linger close (sent at 12)
      at(scheduler, 21, () => sock(1).open());
      at(scheduler, 22, () => sock(1).receive(finalFrame('2')));
      expectObservable(pool.turn({ task_id: TASK_ID, text: '1' })).toBe('--(f|)', { f: fin('1') });
      const second = cold('15ms a|').pipe(switchMap(() => pool.turn({ task_id: TASK_ID, text: '2' })));
      expectObservable(second).toBe('22ms (f|)', { f: fin('2') });
      at(scheduler, 19, () => expect(MockWebSocket.instances).toHaveLength(1)); // waits: the closing socket still counts
      at(scheduler, 20, () => expect(MockWebSocket.instances).toHaveLength(2));
    });
    expect(log.slice(0, 6)).toEqual([
      [0, 'idle'],
      [0, 'connecting'],
      [1, 'open'],
      [12, 'closing'],
      [20, 'connecting'],
      [21, 'open'],
    ]);
  });

  it('frames arriving on a socket with no turn are dropped and counted', () => {
    const pool = mockPool(scheduler);
    scheduler.run(() => {
      pool.turn({ task_id: TASK_ID, text: 'hi' }).subscribe();
      at(scheduler, 1, () => sock(0).open());
      at(scheduler, 2, () => sock(0).receive(finalFrame('x')));
      at(scheduler, 3, () => sock(0).receive(a2('stray')));
    });
    expect(pool.stats.strayFrames).toBe(1);
  });
  describe('no key, or a key function that returns a Promise', () => {
    /** A key Promise settled in virtual time: `then` keeps the callbacks, the spec calls them with `at`. */
    function keyLater(): { readonly promise: PromiseLike<string>; resolve(key: string): void; reject(error: unknown): void } {
      let ok: ((key: string) => unknown) | undefined;
      let fail: ((error: unknown) => unknown) | undefined;
      const promise = {
        then(onOk?: (key: string) => unknown, onFail?: (error: unknown) => unknown) {
          ok = onOk;
          fail = onFail;
          return promise;
        },
      } as unknown as PromiseLike<string>;
      return { promise, resolve: (key) => ok?.(key), reject: (error) => fail?.(error) };
    }

    it('no key: the session URL has no network_api_key and the upgrade no header', () => {
      mockPool(scheduler, { apiKey: undefined }).turn({ task_id: TASK_ID, text: 'hi' }).subscribe();
      expect(sock(0).url).toBe('wss://aui.test/api/ia-controller/api/v1/external/session');
      expect(sock(0).options).toEqual({ maxPayload: 8 * 1024 * 1024 });
    });

    it('the socket opens when the key comes; state$ is connecting meanwhile; the key is in the URL', () => {
      const key = keyLater();
      const states: Array<[number, string]> = [];
      scheduler.run(({ expectObservable }) => {
        const pool = mockPool(scheduler, { apiKey: () => key.promise, idleLingerMs: 0 });
        pool.state$.subscribe((state) => states.push([scheduler.now(), state]));
        at(scheduler, 5, () => key.resolve(MOCK_KEY));
        at(scheduler, 4, () => expect(MockWebSocket.instances).toHaveLength(0));
        at(scheduler, 6, () => sock(0).open());
        at(scheduler, 7, () => sock(0).receive(finalFrame('done')));
        expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('7ms (f|)', { f: fin('done') });
      });
      expect(new URL(sock(0).url).searchParams.get('network_api_key')).toBe(MOCK_KEY);
      expect(states).toEqual([[0, 'idle'], [0, 'connecting'], [6, 'open'], [7, 'idle']]);
    });

    it('a key that never comes: AuiTimeoutError (connect) at connectMs, no socket, nothing left', () => {
      let pool!: ReturnType<typeof mockPool>;
      scheduler.run(({ expectObservable }) => {
        pool = mockPool(scheduler, { apiKey: () => keyLater().promise, timeouts: { connectMs: 300 } });
        expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe(
          '300ms #',
          undefined,
          anError('AuiTimeoutError', { phase: 'connect', taskId: TASK_ID, message: 'apiKey function did not return a key within 300 ms (timeouts.connectMs); no connection was opened' }),
        );
      });
      expect(MockWebSocket.instances).toHaveLength(0);
      expect(pool.stats).toMatchObject({ queued: 0, sockets: 0, socketsCreated: 0 });
    });

    it('unsubscribed while the key is awaited: a key that comes later opens nothing, sends nothing; state$ back to idle', () => {
      const key = keyLater();
      let pool!: ReturnType<typeof mockPool>;
      const states: Array<[number, string]> = [];
      scheduler.run(({ expectObservable }) => {
        pool = mockPool(scheduler, { apiKey: () => key.promise });
        pool.state$.subscribe((state) => states.push([scheduler.now(), state]));
        at(scheduler, 5, () => key.resolve(MOCK_KEY));
        expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' }), '^--!').toBe('');
      });
      expect(states).toEqual([[0, 'idle'], [0, 'connecting'], [3, 'idle']]);
      expect(MockWebSocket.instances).toHaveLength(0);
      expect(pool.stats).toMatchObject({ queued: 0, sockets: 0, socketsCreated: 0, turnsStarted: 0 });
    });

    it('a rejection errors that turn with AuiValidationError; the next turn of the task reads the key again', () => {
      const keys = [keyLater(), keyLater()];
      let calls = 0;
      scheduler.run(({ expectObservable }) => {
        const pool = mockPool(scheduler, { apiKey: () => (keys[calls++] as ReturnType<typeof keyLater>).promise });
        at(scheduler, 2, () => keys[0]?.reject(new Error(`vault down for ${MOCK_KEY}`)));
        at(scheduler, 3, () => keys[1]?.resolve(MOCK_KEY));
        at(scheduler, 4, () => sock(0).open());
        at(scheduler, 5, () => sock(0).receive(finalFrame('B')));
        expectObservable(pool.turn({ task_id: TASK_ID, text: 'a' })).toBe(
          '--#',
          undefined,
          anError('AuiValidationError', { taskId: TASK_ID, message: 'apiKey function rejected; no request was sent', issues: [{ path: ['apiKey'], message: 'rejected' }] }),
        );
        expectObservable(pool.turn({ task_id: TASK_ID, text: 'b' })).toBe('5ms (f|)', { f: fin('B') });
      });
      expect(calls).toBe(2);
      expect(MockWebSocket.instances).toHaveLength(1);
    });

    it('a key being awaited holds a place: with maxConnections 1 the next task waits for it', () => {
      const keys = [keyLater(), keyLater()];
      let calls = 0;
      scheduler.run(({ expectObservable }) => {
        const pool = mockPool(scheduler, { maxConnections: 1, idleLingerMs: 0, apiKey: () => (keys[calls++] as ReturnType<typeof keyLater>).promise });
        at(scheduler, 3, () => expect([calls, pool.stats.queued]).toEqual([1, 2]));
        at(scheduler, 4, () => keys[0]?.resolve(MOCK_KEY));
        at(scheduler, 5, () => sock(0).open());
        at(scheduler, 6, () => sock(0).receive(finalFrame('A', 'msg-a')));
        at(scheduler, 7, () => keys[1]?.resolve(MOCK_KEY));
        at(scheduler, 8, () => sock(1).open());
        at(scheduler, 9, () => sock(1).receive(finalFrame('B')));
        expectObservable(pool.turn({ task_id: 'tA', text: 'a' })).toBe('6ms (f|)', { f: { kind: 'final', taskId: 'tA', message: finalFrame('A', 'msg-a') } });
        expectObservable(pool.turn({ task_id: 'tB', text: 'b' })).toBe('9ms (f|)', { f: fin('B', 'tB') });
      });
      expect(calls).toBe(2);
    });

    it('close() while a key is awaited: the turn errors, the late key opens nothing', () => {
      const key = keyLater();
      scheduler.run(({ expectObservable }) => {
        const pool = mockPool(scheduler, { apiKey: () => key.promise });
        at(scheduler, 2, () => pool.close());
        at(scheduler, 3, () => key.resolve(MOCK_KEY));
        expectObservable(pool.turn({ task_id: TASK_ID, text: 'hi' })).toBe('--#', undefined, anError('AuiConnectionError', { retryable: false }));
      });
      expect(MockWebSocket.instances).toHaveLength(0);
    });
  });
});

/**
 * How an application marble-tests its own service built on aui-rx operators: the client's
 * `streamMessage` is replaced by a `cold()` stand-in (each subscription = one connection), and the
 * service's `reply$` is asserted frame by frame in virtual time.
 */
import { retry, type Observable } from 'rxjs';
import { AuiAuthenticationError, AuiServerError } from '../../lib/errors.js';
import { accumulateText } from '../../lib/operators/accumulate-text.js';
import { failFastOn1008 } from '../../lib/operators/fail-fast-on-1008.js';
import { retryOn1011 } from '../../lib/operators/retry-on-1011.js';
import type { StreamEvent } from '../../lib/stream-event.js';
import { attemptsOf } from '../helpers/marble-attempts.js';
import { finalEvent, textEvent } from '../helpers/marble-events.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

/** The slice of `AuiClient` the service uses (what the app would inject). */
interface StreamingClient {
  streamMessage(request: { task_id: string; text: string }): Observable<StreamEvent>;
}

/** The service as an Angular app would write it (minus `@Injectable`). */
class ReplyService {
  /** Set when the API key was rejected; the app would route to a sign-in page. */
  signedOut = false;
  /** The live reply text of the current question. */
  readonly reply$: Observable<string>;

  constructor(client: StreamingClient, taskId: string, question: string) {
    this.reply$ = client.streamMessage({ task_id: taskId, text: question }).pipe(
      failFastOn1008({ onFailure: () => (this.signedOut = true) }),
      retryOn1011({ jitter: false }),
      accumulateText(),
    );
  }
}

const v = {
  a: textEvent('Hel', 'Hel'),
  b: textEvent('Hello', 'lo'),
  c: textEvent('Hello!', '!'),
  f: finalEvent('Hello!'),
};
const text = { a: 'Hel', b: 'Hello', c: 'Hello!', r: '' };
const err1011 = new AuiServerError('internal error', { closeCode: 1011 });
const err1008 = new AuiAuthenticationError('invalid API key', { closeCode: 1008 });

describe('an app service using aui-rx operators (marble-tested like a user would)', () => {
  it('streams the growing reply and completes with the final event', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const turn = cold('-a-b-(cf|)', v);
      const client: StreamingClient = { streamMessage: jest.fn(() => turn) };
      const service = new ReplyService(client, 'task-1', 'Hi');
      expectObservable(service.reply$).toBe('-a-b-(c|)', text);
      expectSubscriptions(turn.subscriptions).toBe('^----!');
      expect(client.streamMessage).toHaveBeenCalledWith({ task_id: 'task-1', text: 'Hi' });
    });
  });

  it('restarts cleanly after a 1011 mid-reply: no duplicated text', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const turns = [cold('-a-b-#', v, err1011), cold('-a-b-(cf|)', v)] as const;
      // Like the real client's cold stream, each subscription of the stand-in is a new connection.
      const service = new ReplyService({ streamMessage: () => attemptsOf(...turns) }, 'task-1', 'Hi');
      expectObservable(service.reply$).toBe('-a-b 501ms r a-b-(c|)', text);
      expectSubscriptions(turns[0].subscriptions).toBe('^----!');
      expectSubscriptions(turns[1].subscriptions).toBe('505ms ^----!');
    });
  });

  it('gives up after three retries and shows the last error', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const turn = cold<StreamEvent>('--#', undefined, err1011);
      const service = new ReplyService({ streamMessage: () => turn }, 'task-1', 'Hi');
      expectObservable(service.reply$).toBe('3508ms #', undefined, err1011);
      expectSubscriptions(turn.subscriptions).toBe(['^-!', '502ms ^-!', '1504ms ^-!', '3506ms ^-!']);
    });
  });

  it('a rejected key costs one connection, even under a component-level retry(5)', () => {
    let service!: ReplyService;
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const turn = cold<StreamEvent>('--#', undefined, err1008);
      service = new ReplyService({ streamMessage: () => turn }, 'task-1', 'Hi');
      expectObservable(service.reply$.pipe(retry(5))).toBe('--#', undefined, err1008);
      expectSubscriptions(turn.subscriptions).toBe('^-!');
    });
    expect(service.signedOut).toBe(true);
  });
});

/**
 * createAuiChat's options (checked on the one validation path), the refusal format, and the retry of
 * each turn.
 */
import { defer, lastValueFrom, throwError } from 'rxjs';
import { chatRefusal, checkChatOptions, turnRetry } from '../../lib/chat/chat-options.js';
import type { AuiChatClient, AuiChatOptions } from '../../lib/chat/chat-types.js';
import { AuiServerError, AuiValidationError } from '../../lib/errors.js';
import type { StreamEvent } from '../../lib/stream-event.js';
import { attemptsOf } from '../helpers/marble-attempts.js';
import { finalEvent, restartEvent, textEvent } from '../helpers/marble-events.js';
import { createTestScheduler } from '../helpers/marble-scheduler.js';

const stand = {} as AuiChatClient;
const err1011 = new AuiServerError('internal error', { closeCode: 1011 });

describe('chat options', () => {
  it('checkChatOptions: exactly one id, trimmed', () => {
    expect(checkChatOptions({ taskId: ' t1 ' })).toEqual({ taskId: 't1', userId: undefined });
    expect(checkChatOptions({ userId: 'alice', retry: false })).toEqual({ taskId: undefined, userId: 'alice' });
  });

  it.each<[string, unknown]>([
    ['neither taskId nor userId', {}],
    ['both', { taskId: 't1', userId: 'u1' }],
    ['a task id that is not one path segment', { taskId: '..' }],
    ['an empty user id', { userId: '  ' }],
    ['a user id with a control character', { userId: 'a\nb' }],
    ['a context that is not an object (was refused only on each send)', { taskId: 't1', context: 42 }],
    ['a history that is not a boolean (was read as true)', { taskId: 't1', history: 'no' }],
    ['a retry that is neither false nor an object (was accepted)', { taskId: 't1', retry: 'x' }],
  ])('bad options (%s) throw AuiValidationError at once, before any request', (_label, options) => {
    expect(() => checkChatOptions(options as AuiChatOptions)).toThrow(AuiValidationError);
    expect(() => checkChatOptions(options as AuiChatOptions)).toThrow(/^Invalid (arguments|call) (for|of) createAuiChat: /);
  });

  it('options that cannot be read (a throwing getter) throw AuiValidationError', () => {
    const hostile = Object.defineProperty({}, 'taskId', { get: () => { throw new Error('no'); }, enumerable: true });
    expect(() => checkChatOptions(hostile as AuiChatOptions)).toThrow(AuiValidationError);
  });

  it('chatRefusal: an AuiValidationError in one format, with the task', () => {
    const error = chatRefusal('AuiChat.send', 'the chat is closed', 't1');
    expect(error).toBeInstanceOf(AuiValidationError);
    expect(error).toMatchObject({ message: 'Invalid call of AuiChat.send: the chat is closed; nothing was sent', taskId: 't1', retryable: false });
    expect(error.issues).toEqual([{ path: [], message: 'the chat is closed' }]);
  });

  it('turnRetry: retryOn1011 with its options (a restart event before the retried reply), or none with retry: false', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const v: Record<string, StreamEvent> = { a: textEvent('Hel', 'Hel'), f: finalEvent('Hello'), r: restartEvent(1) };
      const turns = () => attemptsOf(cold('-a#', v, err1011), cold('-(f|)', v));
      expectObservable(turns().pipe(turnRetry(stand, { retry: { jitter: false, initialDelayMs: 10 } }))).toBe('-a 10ms r(f|)', v);
      expectObservable(turns().pipe(turnRetry(stand, { retry: false }))).toBe('-a#', v, err1011);
    });
  });

  it('turnRetry: by default retryOn1011 with its budget (3 retries: at most 4 sends)', async () => {
    let sends = 0;
    const failing = defer(() => {
      sends += 1;
      return throwError(() => err1011);
    });
    await expect(lastValueFrom(failing.pipe(turnRetry(stand, { retry: { initialDelayMs: 0 } })))).rejects.toBe(err1011);
    expect(sends).toBe(4);
  });
});

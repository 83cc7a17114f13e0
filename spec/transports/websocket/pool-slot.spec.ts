import { PoolSlot } from '../../../lib/transports/websocket/pool-slot.js';
import type { Connection } from '../../../lib/transports/websocket/connection.js';
import { createTestScheduler } from '../../helpers/marble-scheduler.js';

/** A stand-in connection: only its state is read. */
function connection(state = 'open'): Connection {
  return { state } as unknown as Connection;
}

describe('PoolSlot', () => {
  it('lingers: `over` runs after the linger, on the scheduler, when nothing took it', () => {
    const scheduler = createTestScheduler();
    const over = jest.fn();
    scheduler.run(() => {
      const slot = new PoolSlot(connection(), 't');
      slot.linger(100, scheduler, over);
      scheduler.schedule(() => expect(over).not.toHaveBeenCalled(), 99);
    });
    expect(over).toHaveBeenCalledTimes(1);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('a turn that takes it in between stops the linger; freed again, it lingers from then (one timer throughout)', () => {
    const scheduler = createTestScheduler();
    const calls: number[] = [];
    let schedules = 0;
    const counting = { now: () => scheduler.now(), schedule: (...a: Parameters<typeof scheduler.schedule>) => (schedules++, scheduler.schedule(...a)) };
    scheduler.run(() => {
      const slot = new PoolSlot(connection(), 't');
      slot.linger(100, counting, () => calls.push(scheduler.now()));
      scheduler.schedule(() => slot.take(), 30);
      scheduler.schedule(() => {
        slot.release();
        slot.linger(100, counting, () => calls.push(scheduler.now()));
      }, 60);
    });
    expect(calls).toEqual([160]);
    expect(schedules).toBe(1);
  });

  it('held when the timer fires: it stops, and the next linger arms a new one', () => {
    const scheduler = createTestScheduler();
    const over = jest.fn();
    scheduler.run(() => {
      const slot = new PoolSlot(connection(), 't');
      slot.linger(10, scheduler, over);
      slot.take();
      scheduler.schedule(() => {
        slot.release();
        slot.linger(10, scheduler, over);
      }, 50);
    });
    expect(over).toHaveBeenCalledTimes(1);
  });

  it('free only while open and not held; stopLinger cancels', () => {
    const scheduler = createTestScheduler();
    const over = jest.fn();
    const closing = new PoolSlot(connection('closing'), 't');
    expect(closing.free).toBe(false);
    scheduler.run(() => {
      const slot = new PoolSlot(connection(), 't');
      expect(slot.free).toBe(true);
      slot.linger(10, scheduler, over);
      slot.stopLinger();
      expect(slot.take().free).toBe(false);
    });
    expect(over).not.toHaveBeenCalled();
  });
});

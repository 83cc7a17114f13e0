import { FakeStore } from '../../lib/testing/index';
import { TaskSchema, AgentMessageSchema } from '../../lib/protocol/rest';
import { USER_MESSAGE } from '../helpers/fixtures';

describe('FakeStore', () => {
  it('makes deterministic 24-hex ids, unique per store', () => {
    const a = new FakeStore();
    const b = new FakeStore();
    const ids = [a.nextId(), a.nextId(), a.nextId()];
    expect(new Set(ids).size).toBe(3);
    ids.forEach((id) => expect(id).toMatch(/^[0-9a-f]{24}$/));
    expect(b.nextId()).toBe(ids[0]);
  });

  it('creates schema-valid tasks with an owner and an empty history', () => {
    const store = new FakeStore();
    const task = store.createTask('u1', 'KEY_A', { title: 'Custom' });
    expect(TaskSchema.parse(task)).toEqual(task);
    expect(task).toMatchObject({ user_id: 'u1', title: 'Custom' });
    expect(store.owners.get(task.id)).toBe('KEY_A');
    expect(store.messages.get(task.id)).toEqual([]);
    expect(store.getTask(task.id)).toBe(task);
    expect(store.getTask('missing')).toBeUndefined();
  });

  it('lists a user\'s tasks for one owner, newest first', () => {
    const store = new FakeStore();
    const t1 = store.createTask('u1', 'A');
    store.createTask('u2', 'A');
    const t3 = store.createTask('u1', 'A');
    store.createTask('u1', 'B');
    expect(store.tasksOf('u1', 'A').map((t) => t.id)).toEqual([t3.id, t1.id]);
    expect(store.tasksOf('u1', 'C')).toEqual([]);
  });

  it('appends messages, also to unknown tasks, and clears everything', () => {
    const store = new FakeStore();
    const task = store.createTask('u1', 'A');
    const message = AgentMessageSchema.parse(USER_MESSAGE);
    store.addMessage(task.id, message);
    store.addMessage('seeded', message);
    expect(store.messages.get(task.id)).toEqual([message]);
    expect(store.messages.get('seeded')).toEqual([message]);
    store.clear();
    expect([store.tasks.length, store.messages.size, store.owners.size]).toEqual([0, 0, 0]);
  });
});

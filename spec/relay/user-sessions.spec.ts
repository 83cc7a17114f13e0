import { UserSessions } from '../../lib/relay/user-sessions.js';

describe('UserSessions', () => {
  it('gives each user at most max slots, and takes them back', () => {
    const sessions = new UserSessions(2);
    expect([sessions.acquire('a'), sessions.acquire('a'), sessions.acquire('a')]).toEqual([true, true, false]);
    expect(sessions.acquire('b')).toBe(true);
    expect(sessions.count('a')).toBe(2);
    sessions.release('a');
    expect(sessions.acquire('a')).toBe(true);
  });

  it('forgets a user with no session (the map stays bounded by the users online)', () => {
    const sessions = new UserSessions(4);
    for (let i = 0; i < 100; i++) {
      sessions.acquire(`u${i}`);
      sessions.release(`u${i}`);
    }
    expect(sessions.users).toBe(0);
    sessions.release('never-seen');
    expect(sessions.count('never-seen')).toBe(0);
  });
});

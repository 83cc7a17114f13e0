import { chatTargetFromPage } from './chat-target';

describe('chatTargetFromPage', () => {
  it('continues the task of ?task=', () => {
    expect(chatTargetFromPage('?task=abc123', 'demo_user=alice')).toEqual({ taskId: 'abc123' });
  });

  it('otherwise starts a task for the user of the demo_user cookie', () => {
    expect(chatTargetFromPage('', 'theme=dark; demo_user=alice%20b')).toEqual({ userId: 'alice b' });
    expect(chatTargetFromPage('?x=1', '')).toEqual({ userId: 'demo-user' });
  });
});

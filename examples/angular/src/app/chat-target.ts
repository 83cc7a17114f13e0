import { InjectionToken } from '@angular/core';
import type { AuiChatOptions } from 'aui-rx';

/**
 * Which chat the page opens: `{ taskId }` to continue a task (its history is loaded first), or
 * `{ userId }` to start a new task on the first message. Provided in app.config.ts from the page's URL.
 */
export const CHAT_TARGET = new InjectionToken<AuiChatOptions>('CHAT_TARGET');

/**
 * Reads the target from the page: `?task=<id>` continues that task; otherwise a new task for the
 * signed-in user, whose id the app's server put in the `demo_user` cookie (the relay's `authorize`
 * reads the same cookie, and refuses a task of another user with 403).
 */
export function chatTargetFromPage(search: string, cookie: string): AuiChatOptions {
  const taskId = new URLSearchParams(search).get('task');
  if (taskId) return { taskId };
  const user = /(?:^|;\s*)demo_user=([^;]*)/.exec(cookie)?.[1];
  return { userId: user ? decodeURIComponent(user) : 'demo-user' };
}

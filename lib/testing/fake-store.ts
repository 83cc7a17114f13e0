/**
 * The in-memory state of FakeAuiServer: tasks per user and the messages of each task.
 *
 * @packageDocumentation
 */
import type { AgentMessage, Task } from '../protocol/rest.js';

/** Tasks and messages held by a FakeAuiServer, inspectable and seedable by tests. */
export class FakeStore {
  /** Every task, in creation order. */
  readonly tasks: Task[] = [];
  /** Messages per task id (user and agent), oldest first. */
  readonly messages = new Map<string, AgentMessage[]>();
  /** The network (API key) that owns each task; tasks of another network answer 403. */
  readonly owners = new Map<string, string>();
  private seq = 0;

  /** A fresh 24-hex id, like the server's ObjectIds (deterministic per store). */
  nextId(): string {
    this.seq += 1;
    return (0x68e78d0d00000000n + BigInt(this.seq)).toString(16).padStart(24, '0');
  }

  /** Creates a task for `userId`, owned by `owner` (the key that created it). */
  createTask(userId: string, owner: string, extra: Partial<Task> = {}): Task {
    const task: Task = {
      id: this.nextId(),
      user_id: userId,
      title: 'New Conversation',
      welcome_message: "Hi! I'm here to help you find the perfect product. What are you looking for today?",
      followup_suggestions: ['Show me your best sellers', 'I need help choosing a product'],
      ...extra,
    };
    this.tasks.push(task);
    this.messages.set(task.id, []);
    this.owners.set(task.id, owner);
    return task;
  }

  /** The task with this id, if any. */
  getTask(id: string): Task | undefined {
    return this.tasks.find((t) => t.id === id);
  }

  /** The tasks of `userId` visible to `owner`, newest first. */
  tasksOf(userId: string, owner: string): Task[] {
    return this.tasks.filter((t) => t.user_id === userId && this.owners.get(t.id) === owner).reverse();
  }

  /** Appends a message to a task's history. */
  addMessage(taskId: string, message: AgentMessage): void {
    const list = this.messages.get(taskId);
    if (list) list.push(message);
    else this.messages.set(taskId, [message]);
  }

  /** Removes everything. */
  clear(): void {
    this.tasks.length = 0;
    this.messages.clear();
    this.owners.clear();
  }
}

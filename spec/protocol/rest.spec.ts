import {
  AgentMessageListSchema,
  AgentMessageSchema,
  CreateTaskRequestSchema,
  ListAllTasksRequestSchema,
  ListTasksRequestSchema,
  SendMessageRequestSchema,
  TaskIdSchema,
  TaskPageSchema,
  TaskSchema,
} from '../../lib/protocol/rest';
import * as F from '../helpers/fixtures';

describe('REST resource schemas', () => {
  it.each([
    ['G0', F.TASK_G0],
    ['G1', F.TASK_G1],
    ['null optionals', F.TASK_NULL_OPTIONALS],
    ['absent optionals + unknown field', F.TASK_ABSENT_OPTIONALS],
  ])('Task parses the %s variant unchanged (unknown fields kept)', (_name, task) => {
    expect(TaskSchema.parse(task)).toEqual(task);
  });

  it('Task rejects a task without id or title', () => {
    const { id: _id, ...noId } = F.TASK_G1;
    expect(TaskSchema.safeParse(noId).success).toBe(false);
    expect(TaskSchema.safeParse({ ...F.TASK_G1, title: null }).success).toBe(false);
  });

  it('TaskPage parses with tasks, and defaults absent `tasks` to []', () => {
    expect(TaskPageSchema.parse(F.TASK_PAGE)).toEqual(F.TASK_PAGE);
    expect(TaskPageSchema.parse(F.TASK_PAGE_WITHOUT_TASKS)).toEqual({ ...F.TASK_PAGE_WITHOUT_TASKS, tasks: [] });
    expect(TaskPageSchema.safeParse({ tasks: [], page: 1, size: 10 }).success).toBe(false);
    expect(TaskPageSchema.safeParse({ tasks: [], total: -1, page: 1, size: 10 }).success).toBe(false);
  });

  it.each([
    ['legacy options, G0 created_at, email null, null values', F.AGENT_MESSAGE_LEGACY],
    ['G1 complete, ISO …Z, empty options', F.AGENT_MESSAGE_G1],
    ['cards, ISO without zone, 0.6.0 fields', F.AGENT_MESSAGE_CARDS],
    ['user message', F.USER_MESSAGE],
    ['AsyncAPI final frame (cards, space created_at, email absent)', F.FRAME_FINAL_CARDS],
  ])('AgentMessage parses %s unchanged', (_name, message) => {
    expect(AgentMessageSchema.parse(message)).toEqual(message);
  });

  it('AgentMessage keeps created_at exactly as sent', () => {
    expect(AgentMessageSchema.parse(F.AGENT_MESSAGE_LEGACY).created_at).toBe('2025-10-09 12:26:07.576000');
    expect(AgentMessageSchema.parse(F.AGENT_MESSAGE_G1).created_at).toBe('2026-03-09T14:22:01.000Z');
  });

  it('AgentMessage defaults missing option/card parameter arrays to []', () => {
    const parsed = AgentMessageSchema.parse({
      ...F.AGENT_MESSAGE_G1,
      options: [{ is_recommended: true }],
      cards: [{ id: 'c', name: 'n' }],
    });
    expect(parsed.options?.[0]?.widget_parameters).toEqual([]);
    expect(parsed.cards?.[0]?.parameters).toEqual([]);
  });

  it('AgentMessage rejects a message without sender, or with a card lacking a name', () => {
    const { sender: _sender, ...noSender } = F.AGENT_MESSAGE_G1;
    expect(AgentMessageSchema.safeParse(noSender).success).toBe(false);
    expect(AgentMessageSchema.safeParse({ ...F.AGENT_MESSAGE_CARDS, cards: [{ id: 'x', parameters: [] }] }).success).toBe(false);
  });

  it('AgentMessageList parses a bare array of messages', () => {
    expect(AgentMessageListSchema.parse(F.TASK_MESSAGES)).toEqual(F.TASK_MESSAGES);
    expect(AgentMessageListSchema.safeParse({ messages: F.TASK_MESSAGES }).success).toBe(false);
  });
});

describe('REST request schemas', () => {
  it('CreateTaskRequest needs a non-blank user_id, accepts origin and agent', () => {
    expect(CreateTaskRequestSchema.safeParse({ user_id: 'u', task_origin_type: 'web-widget', agent: { agent_id: 'a', bundle_mode: true } }).success).toBe(true);
    expect(CreateTaskRequestSchema.safeParse({}).success).toBe(false);
    expect(CreateTaskRequestSchema.safeParse({ user_id: ' ' }).success).toBe(false);
    expect(CreateTaskRequestSchema.safeParse({ user_id: 'u', task_origin_type: '' }).success).toBe(false);
  });

  it('ListTasksRequest: page ≥ 1, size 1..1000, integers', () => {
    expect(ListTasksRequestSchema.safeParse({ user_id: 'u', page: 1, size: 1000 }).success).toBe(true);
    for (const bad of [{ page: 0 }, { page: 1.5 }, { size: 0 }, { size: 1001 }]) {
      expect(ListTasksRequestSchema.safeParse({ user_id: 'u', ...bad }).success).toBe(false);
    }
  });

  it('ListAllTasksRequest has no page', () => {
    expect(ListAllTasksRequestSchema.parse({ user_id: 'u', size: 5, page: 3 })).toEqual({ user_id: 'u', size: 5 });
  });

  it('TaskId is a non-blank string', () => {
    expect(TaskIdSchema.safeParse('68e78d0dc5a4b19a030d03d6').success).toBe(true);
    for (const bad of ['', '  ', 5, undefined, null]) expect(TaskIdSchema.safeParse(bad).success).toBe(false);
  });

  it('SendMessageRequest: the docs example passes; blank text, missing task_id and a bad context fail', () => {
    expect(SendMessageRequestSchema.parse(F.SEND_MESSAGE_REQUEST)).toEqual(F.SEND_MESSAGE_REQUEST);
    expect(SendMessageRequestSchema.safeParse({ task_id: 't', text: 'hi', context: null }).success).toBe(true);
    expect(SendMessageRequestSchema.safeParse({ task_id: 't', text: 'hi', agent_variables: { plan: 'pro' } }).success).toBe(true);
    expect(SendMessageRequestSchema.safeParse({ task_id: 't', text: ' \t\n' }).success).toBe(false);
    expect(SendMessageRequestSchema.safeParse({ text: 'hi' }).success).toBe(false);
    expect(SendMessageRequestSchema.safeParse({ task_id: 't', text: 'hi', context: { lead_details: 'x' } }).success).toBe(false);
  });
});

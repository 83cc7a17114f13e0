/**
 * zod schemas for the REST resources of the Messaging API (wire reference §2–§3).
 * Wire keys stay snake_case; every object is loose, so unknown server fields are kept.
 *
 * @packageDocumentation
 */
import { z } from 'zod';

/** A non-empty string identifier (task id, user id). */
const Id = z.string().trim().min(1, 'must be a non-empty string');

/** Who wrote or receives a message (`ExternalTaskMessageContactParty` / `MessageContactParty`). */
export const ContactPartySchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  email: z.string().nullish(),
});
/** Who wrote or receives a message. */
export type ContactParty = z.infer<typeof ContactPartySchema>;

/** One displayable product attribute of a legacy option (`ExternalTaskMessageOptionParameter`). */
export const OptionParameterSchema = z.looseObject({
  title: z.string(),
  value: z.unknown().optional(),
  type: z.string(),
});
/** One displayable product attribute of a legacy option. */
export type OptionParameter = z.infer<typeof OptionParameterSchema>;

/** A legacy product recommendation (`ExternalTaskMessageOption`). */
export const ProductOptionSchema = z.looseObject({
  is_recommended: z.boolean().optional(),
  widget_parameters: z.array(OptionParameterSchema).default([]),
});
/** A legacy product recommendation. */
export type ProductOption = z.infer<typeof ProductOptionSchema>;

/** One parameter of a current product card (`CardParameter` / `ProductParameter`). */
export const CardParameterSchema = z.looseObject({
  param: z.string().optional(),
  title: z.string(),
  value: z.unknown().optional(),
  type: z.string().optional(),
});
/** One parameter of a current product card. */
export type CardParameter = z.infer<typeof CardParameterSchema>;

/** A current product card (`Card` / `ProductCard`). */
export const ProductCardSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  category: z.string().optional(),
  parameters: z.array(CardParameterSchema).default([]),
  is_recommended: z.boolean().optional(),
});
/** A current product card. */
export type ProductCard = z.infer<typeof ProductCardSchema>;

/**
 * The agent's reply, and any message of a task: legacy (`options` + `variants_options`) and current
 * (`cards`) shapes both parse. `created_at` is kept as sent (`2025-10-09 12:26:07.576000` or ISO-8601).
 */
export const AgentMessageSchema = z.looseObject({
  id: z.string(),
  created_at: z.string(),
  text: z.string(),
  sender: ContactPartySchema,
  receiver: ContactPartySchema,
  options: z.array(ProductOptionSchema).optional(),
  variants_options: z.array(ProductOptionSchema).optional(),
  cards: z.array(ProductCardSchema).optional(),
  followup_suggestions: z.array(z.string()).nullish(),
  welcome_message: z.string().nullish(),
  executed_workflows: z.array(z.string()).nullish(),
  url: z.string().nullish(),
  trace_info: z.record(z.string(), z.unknown()).nullish(),
});
/** The agent's reply, and any message of a task. */
export type AgentMessage = z.infer<typeof AgentMessageSchema>;

/** An array of messages (`GET /tasks/{id}/messages`). */
export const AgentMessageListSchema = z.array(AgentMessageSchema);

/** A task (`CreateTaskResponse`); `welcome_message` and `followup_suggestions` may be null or absent. */
export const TaskSchema = z.looseObject({
  /** The task id (24-hex ObjectId); pass it as `task_id`. */
  id: z.string(),
  user_id: z.string(),
  title: z.string(),
  welcome_message: z.string().nullish(),
  followup_suggestions: z.array(z.string()).nullish(),
});
/** A task. */
export type Task = z.infer<typeof TaskSchema>;

/** One page of a user's tasks (`ListTasksResponse`); `tasks` may be omitted by the server. */
export const TaskPageSchema = z.looseObject({
  tasks: z.array(TaskSchema).default([]),
  total: z.number().int().nonnegative(),
  page: z.number().int(),
  size: z.number().int(),
});
/** One page of a user's tasks. */
export type TaskPage = z.infer<typeof TaskPageSchema>;

/** Where the user is when sending a message (`Context`). */
export const MessageContextSchema = z.looseObject({
  url: z.string().nullish(),
  lead_details: z.record(z.string(), z.unknown()).nullish(),
  welcome_message: z.string().nullish(),
});
/** Where the user is when sending a message. */
export type MessageContext = z.infer<typeof MessageContextSchema>;

/** Origin of a task (`RecordOriginType`, SDK ≥1.2.17). */
export const TaskOriginTypeSchema = z.string().min(1);

/** Arguments of `createTask` (and the POST body). */
export const CreateTaskRequestSchema = z.looseObject({
  user_id: Id,
  task_origin_type: TaskOriginTypeSchema.optional(),
  agent: z
    .looseObject({
      agent_id: z.string().optional(),
      version_id: z.string().optional(),
      version_tag: z.string().optional(),
      bundle_mode: z.boolean().optional(),
    })
    .optional(),
});
/** Arguments of `createTask`. */
export type CreateTaskRequest = z.input<typeof CreateTaskRequestSchema>;

/** Arguments of `listTasks`: `page` is 1-based (default 1), `size` default 10. */
export const ListTasksRequestSchema = z.object({
  user_id: Id,
  page: z.number().int().min(1).optional(),
  size: z.number().int().min(1).max(1000).optional(),
});
/** Arguments of `listTasks`. */
export type ListTasksRequest = z.input<typeof ListTasksRequestSchema>;

/** Arguments of `listAllTasks`: the page size to walk with (default 10). */
export const ListAllTasksRequestSchema = ListTasksRequestSchema.omit({ page: true });
/** Arguments of `listAllTasks`. */
export type ListAllTasksRequest = z.input<typeof ListAllTasksRequestSchema>;

/** A task id argument. */
export const TaskIdSchema = Id;

/**
 * A user message (`SubmitMessageRequest`): the REST body and the WebSocket client frame alike.
 * `text` must contain something other than white space.
 */
export const SendMessageRequestSchema = z.looseObject({
  task_id: Id,
  text: z.string().refine((s) => s.trim().length > 0, 'must not be empty'),
  context: MessageContextSchema.nullish(),
  agent_variables: z.record(z.string(), z.unknown()).optional(),
});
/** A user message. */
export type SendMessageRequest = z.input<typeof SendMessageRequestSchema>;

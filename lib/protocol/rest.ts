/**
 * zod schemas for the REST resources of the Messaging API (wire reference §2–§3).
 * Wire keys stay snake_case; every object is loose, so unknown server fields are kept.
 * In responses, an optional member sent as `null` (FastAPI writes `null` for unset fields) is read
 * as absent: the parsed value leaves the key out (or applies the member's default, e.g. `[]`).
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { looseObject, object } from '../internal/jit-object.js';
import { nullAsAbsent, wireObject } from '../internal/null-as-absent.js';

/** A UTF-16 surrogate without its pair: it cannot be percent-encoded into a URL. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether `s` is well-formed Unicode (no lone surrogate): `String.prototype.isWellFormed` where the
 * runtime has it.
 * @internal
 */
export const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as string & { isWellFormed(): boolean }).isWellFormed()
    : (s) => !LONE_SURROGATE.test(s);

/** The longest id (task id, user id) accepted, in UTF-16 code units: far above any real id. */
export const MAX_ID_LENGTH = 512;

/** A C0 or C1 control character (U+0000–U+001F, U+007F–U+009F). @internal */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A user id: a non-empty string (trimmed) of at most {@link MAX_ID_LENGTH} characters, well-formed
 * Unicode, without control characters (a line break or NUL in an id is a caller's mistake, and
 * would reach the server's logs).
 */
const Id = z.string().check(
  z.trim(),
  z.minLength(1, 'must be a non-empty string'),
  z.maxLength(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
  z.refine(isWellFormed, 'must be well-formed Unicode (no lone surrogate)'),
  z.refine((s) => !CONTROL_CHARACTER.test(s), 'must not contain control characters'),
);

/** A task id: an {@link Id} that is one URL path segment, so never `.` or `..` (after trimming). */
const TaskId = Id.check(z.refine((s) => s !== '.' && s !== '..', "must not be '.' or '..' (a task id is one URL path segment)"));

/** Whether `JSON.stringify` can encode `value` (no cycle, no BigInt); request bodies must be. */
function isJsonEncodable(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}

/** The issue message of a request body JSON cannot encode (the schemas' rule and `encodeArgs` alike). @internal */
export const JSON_ENCODABLE = 'must be JSON-encodable (no cycles, no BigInt)';

/**
 * The JSON-encodability rule of a request body, checked once every other rule has passed (as
 * `encodeArgs`, which encodes a valid body once, checks it): a body that fails another rule is
 * refused for that alone, whichever of the two refuses it.
 */
const ENCODABLE = { message: JSON_ENCODABLE, when: (payload: z.core.ParsePayload): boolean => payload.issues.length === 0 };

/** Who wrote or receives a message (`ExternalTaskMessageContactParty` / `MessageContactParty`). */
export const ContactPartySchema = wireObject({
  /** Party id: `intelligent-agent` (or an agent id) for the agent, the `user_id` for the user. */
  id: z.string(),
  /** Actor kind: `user`, `agent` or `3p` (third party). */
  type: z.string(),
  /** E-mail address of the party; often null or absent. */
  email: nullAsAbsent(z.nullish(z.string())),
});
/** Who wrote or receives a message. */
export type ContactParty = z.infer<typeof ContactPartySchema>;

/** One displayable product attribute of a legacy option (`ExternalTaskMessageOptionParameter`). */
export const OptionParameterSchema = wireObject({
  /** Attribute label, e.g. `Product name` or `Price`. */
  title: z.string(),
  /** Attribute value: a string, number, array or null (kept as sent). */
  value: z.optional(z.unknown()),
  /** Value kind (`ParameterType`): `string`, `numeric`, `boolean`, `date`, `object`, `list_of_objects`, …. */
  type: z.string(),
});
/** One displayable product attribute of a legacy option. */
export type OptionParameter = z.infer<typeof OptionParameterSchema>;

/** A legacy product recommendation (`ExternalTaskMessageOption`). */
export const ProductOptionSchema = wireObject({
  /** Whether the agent recommends this option. */
  is_recommended: nullAsAbsent(z.optional(z.boolean())),
  /** The product's displayable attributes; `[]` when absent. */
  widget_parameters: nullAsAbsent(z._default(z.array(OptionParameterSchema), [])),
});
/** A legacy product recommendation. */
export type ProductOption = z.infer<typeof ProductOptionSchema>;

/** One parameter of a current product card (`CardParameter` / `ProductParameter`). */
export const CardParameterSchema = wireObject({
  /** Machine name of the parameter (OpenAPI 0.6.0+). */
  param: nullAsAbsent(z.optional(z.string())),
  /** Human-readable label of the parameter, e.g. `Price`. */
  title: z.string(),
  /** Parameter value of any JSON type (kept as sent). */
  value: z.optional(z.unknown()),
  /** Value kind (`ParameterType`): `string`, `numeric`, `array`, `object`, …. */
  type: nullAsAbsent(z.optional(z.string())),
});
/** One parameter of a current product card. */
export type CardParameter = z.infer<typeof CardParameterSchema>;

/** A current product card (`Card` / `ProductCard`). */
export const ProductCardSchema = wireObject({
  /** Product id of the card. */
  id: z.string(),
  /** Display name of the product. */
  name: z.string(),
  /** Product category (OpenAPI 0.6.0+; absent on older servers). */
  category: nullAsAbsent(z.optional(z.string())),
  /** The product's parameters shown on the card; `[]` when absent. */
  parameters: nullAsAbsent(z._default(z.array(CardParameterSchema), [])),
  /** Whether the agent recommends this product. */
  is_recommended: nullAsAbsent(z.optional(z.boolean())),
});
/** A current product card. */
export type ProductCard = z.infer<typeof ProductCardSchema>;

/**
 * The agent's reply, and any message of a task: legacy (`options` + `variants_options`) and current
 * (`cards`) shapes both parse. `created_at` is kept as sent (`2025-10-09 12:26:07.576000` or ISO-8601).
 */
export const AgentMessageSchema = wireObject({
  /** Message id (UUID, 24-hex ObjectId or `msg_…`, depending on the server). */
  id: z.string(),
  /** Creation time as sent by the server: `2025-10-09 12:26:07.576000` or ISO-8601. */
  created_at: z.string(),
  /** Message text: the agent's complete reply, or what the user wrote. */
  text: z.string(),
  /** Who wrote the message (the agent for replies). */
  sender: ContactPartySchema,
  /** Who the message is for (the user for replies). */
  receiver: ContactPartySchema,
  /** Legacy product recommendations (servers before OpenAPI 0.5.3); may be `[]`. */
  options: nullAsAbsent(z.optional(z.array(ProductOptionSchema))),
  /** Legacy product variants (servers before OpenAPI 0.5.3); may be `[]`. */
  variants_options: nullAsAbsent(z.optional(z.array(ProductOptionSchema))),
  /** Product cards (OpenAPI 0.5.3+), replacing `options` and `variants_options`. */
  cards: nullAsAbsent(z.optional(z.array(ProductCardSchema))),
  /** AI-generated follow-up questions; null or absent on some servers. */
  followup_suggestions: nullAsAbsent(z.nullish(z.array(z.string()))),
  /** The agent greeting, when the server includes it (OpenAPI 0.6.0+). */
  welcome_message: nullAsAbsent(z.nullish(z.string())),
  /** Names of the agent workflows run for this reply (OpenAPI 0.6.0+). */
  executed_workflows: nullAsAbsent(z.nullish(z.array(z.string()))),
  /** URL associated with the message (SDK 1.2.28+), if any. */
  url: nullAsAbsent(z.nullish(z.string())),
  /** Trace of how the agent produced the reply; present only when trace flags were requested. */
  trace_info: nullAsAbsent(z.nullish(z.record(z.string(), z.unknown()))),
});
/** The agent's reply, and any message of a task. */
export type AgentMessage = z.infer<typeof AgentMessageSchema>;

/** An array of messages (`GET /tasks/{id}/messages`). */
export const AgentMessageListSchema = z.array(AgentMessageSchema);

/** A task (`CreateTaskResponse`); `welcome_message` and `followup_suggestions` may be null or absent. */
export const TaskSchema = wireObject({
  /** The task id (24-hex ObjectId); pass it as `task_id`. */
  id: z.string(),
  /** The end user who owns the task (echo of the create request). */
  user_id: z.string(),
  /** Task title generated by the server, e.g. `New Task` or `New Conversation`. */
  title: z.string(),
  /** The agent greeting for a new conversation; null or absent on some servers. */
  welcome_message: nullAsAbsent(z.nullish(z.string())),
  /** AI-generated conversation-starter suggestions; null or absent on some servers. */
  followup_suggestions: nullAsAbsent(z.nullish(z.array(z.string()))),
});
/** A task. */
export type Task = z.infer<typeof TaskSchema>;

/** One page of a user's tasks (`ListTasksResponse`); `tasks` may be omitted by the server. */
export const TaskPageSchema = wireObject({
  /** The tasks on this page; `[]` when the server omits the field. */
  tasks: nullAsAbsent(z._default(z.array(TaskSchema), [])),
  /** Total number of tasks the user has, across all pages. */
  total: z.number().check(z.int(), z.nonnegative()),
  /** The 1-based page number (echo of the request). */
  page: z.number().check(z.int()),
  /** The page size (echo of the request). */
  size: z.number().check(z.int()),
});
/** One page of a user's tasks. */
export type TaskPage = z.infer<typeof TaskPageSchema>;

/** Where the user is when sending a message (`Context`). */
export const MessageContextSchema = looseObject({
  /** URL of the page or product the user is looking at. */
  url: z.nullish(z.string()),
  /** Free-form lead/customer details, e.g. `{ customer_type: 'residential' }`. */
  lead_details: z.nullish(z.record(z.string(), z.unknown())),
  /** The greeting shown to the user before this message (OpenAPI 0.6.0+). */
  welcome_message: z.nullish(z.string()),
});
/** Where the user is when sending a message. */
export type MessageContext = z.infer<typeof MessageContextSchema>;

/** Origin of a task (`RecordOriginType`, SDK ≥1.2.17). */
export const TaskOriginTypeSchema = z.string().check(z.minLength(1));

/** Arguments of `createTask` (and the POST body). */
export const CreateTaskRequestSchema = looseObject({
  /** Your identifier for the end user who owns the task. */
  user_id: Id,
  /** Where the task comes from (`RecordOriginType`, e.g. `web-widget`); required by SDK 1.2.17+. */
  task_origin_type: z.optional(TaskOriginTypeSchema),
  /** Which agent, version or tag should handle the task (SDK 1.2.42+). */
  agent: z.optional(
    looseObject({
      /** Id of the agent to use. */
      agent_id: z.optional(z.string()),
      /** Id of a specific agent version. */
      version_id: z.optional(z.string()),
      /** Tag of an agent version, instead of `version_id`. */
      version_tag: z.optional(z.string()),
      /** Agent bundle-mode flag (`AgentMetadata.bundle_mode`; its effect is not documented). */
      bundle_mode: z.optional(z.boolean()),
    }),
  ),
}).check(z.refine(isJsonEncodable, ENCODABLE));
/** Arguments of `createTask`. */
export type CreateTaskRequest = z.input<typeof CreateTaskRequestSchema>;

/** Number of tasks per page, 1–1000 (server default 10): `listTasks` and `listAllTasks`. */
const PageSize = z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000)));

/** Arguments of `listTasks`: `page` is 1-based (default 1), `size` default 10. */
export const ListTasksRequestSchema = object({
  /** The end user whose tasks are listed. */
  user_id: Id,
  /** 1-based page number (server default 1). */
  page: z.optional(z.number().check(z.int(), z.gte(1))),
  /** Number of tasks per page, 1–1000 (server default 10). */
  size: PageSize,
});
/** Arguments of `listTasks`. */
export type ListTasksRequest = z.input<typeof ListTasksRequestSchema>;

/**
 * Arguments of `listAllTasks`: {@link ListTasksRequestSchema} without `page` (the page size to walk
 * with, default 10). Written out rather than with `z.omit`, which costs ~350 B gzip in a browser bundle.
 */
export const ListAllTasksRequestSchema = object({
  /** The end user whose tasks are listed. */
  user_id: Id,
  /** Number of tasks per page, 1–1000 (server default 10). */
  size: PageSize,
});
/** Arguments of `listAllTasks`. */
export type ListAllTasksRequest = z.input<typeof ListAllTasksRequestSchema>;

/** A task id argument: one URL path segment (see {@link MAX_ID_LENGTH}); percent-encoded when sent. */
export const TaskIdSchema = TaskId;

/**
 * The members of a user message: {@link SendMessageRequestSchema} without its JSON-encodability
 * rule. For a caller that encodes the output itself and refuses what JSON cannot encode (`encodeArgs`
 * in `lib/internal/validate-args.ts`), so that a message is stringified once, not twice.
 * @internal
 */
export const SendMessageFieldsSchema = looseObject({
  /** Id of the task (conversation) the message belongs to. */
  task_id: TaskId,
  /** The user's message; must contain something other than white space. */
  text: z.string().check(z.refine((s) => s.trim().length > 0, 'must not be empty')),
  /** Where the user is (page URL, lead details); optional. */
  context: z.nullish(MessageContextSchema),
  /** Free-form custom variables passed to the agent (SDK 1.2.28+). */
  agent_variables: z.optional(z.record(z.string(), z.unknown())),
});

/**
 * A user message (`SubmitMessageRequest`): the REST body and the WebSocket client frame alike.
 * `text` must contain something other than white space, and the message must be JSON-encodable.
 */
export const SendMessageRequestSchema = SendMessageFieldsSchema.check(z.refine(isJsonEncodable, ENCODABLE));
/** A user message. */
export type SendMessageRequest = z.input<typeof SendMessageRequestSchema>;

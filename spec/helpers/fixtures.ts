/**
 * Real-shaped payloads, one per wire variant of the Messaging API (wire reference §2–§5), for specs
 * of every layer. Each is a plain JSON value exactly as the server (or the docs) send it.
 */

/** A task as in G0 `/api/tasks` (`followup_suggestions` present). */
export const TASK_G0 = {
  id: '68e78d0dc5a4b19a030d03d6',
  user_id: 'user123',
  title: 'New Task',
  welcome_message: 'Hello! How can I help you today?',
  followup_suggestions: ['What products are you looking for?', 'Do you need help with specifications?'],
} as const;

/** A task as in G1 `/messaging-api/tasks`. */
export const TASK_G1 = {
  id: '68e78d0dc5a4b19a030d03d7',
  user_id: 'user_123',
  title: 'New Conversation',
  welcome_message: "Hi! I'm here to help you find the perfect product. What are you looking for today?",
  followup_suggestions: ['Show me your best sellers', 'I need help choosing a product', "What's on sale right now?"],
} as const;

/** A task whose optional fields are `null`. */
export const TASK_NULL_OPTIONALS = {
  id: '68e78d0dc5a4b19a030d03d8',
  user_id: 'user_123',
  title: 'New Conversation',
  welcome_message: null,
  followup_suggestions: null,
} as const;

/** A task whose optional fields are absent (Fern SDK docs example), plus an unknown server field. */
export const TASK_ABSENT_OPTIONALS = {
  id: '68e78d0dc5a4b19a030d03d9',
  user_id: 'user_123',
  title: 'New Conversation',
  welcome_message: 'Hi!',
  created_by_region: 'gcp-us-east1',
} as const;

/** `ListTasksResponse` with tasks. */
export const TASK_PAGE = { tasks: [TASK_G1, TASK_NULL_OPTIONALS], total: 12, page: 1, size: 10 } as const;

/** `ListTasksResponse` without the (not required) `tasks` member. */
export const TASK_PAGE_WITHOUT_TASKS = { total: 0, page: 1, size: 10 } as const;

/** Agent reply, legacy shape (G0 `/api/messages`): `options` + `variants_options`, `created_at` without `T`/zone, `email: null`. */
export const AGENT_MESSAGE_LEGACY = {
  id: '8af51ed1-0181-4bc8-bbc9-29949b8e26da',
  created_at: '2025-10-09 12:26:07.576000',
  text: 'The BLACK+DECKER EM044KB19 Over The Range Microwave Oven is a built-in model with 1.4 cu ft capacity. Would you like me to add this microwave to your cart?',
  sender: { id: 'intelligent-agent', type: 'agent', email: null },
  receiver: { id: 'user123', type: 'user', email: null },
  options: [
    {
      is_recommended: false,
      widget_parameters: [
        { title: 'Product name', value: 'BLACK+DECKER EM044KB19 Over The Range Microwave Oven', type: 'string' },
        { title: 'Price', value: 329, type: 'numeric' },
        { title: 'Colors', value: ['black', null], type: 'list_of_objects' },
        { title: 'Warranty', value: null, type: 'string' },
      ],
    },
  ],
  variants_options: [],
  followup_suggestions: ['What are the dimensions?', 'Is it available in stainless steel?'],
} as const;

/** Agent reply, G1 `/messaging-api/send-message` (complete): ISO-8601 `…Z`, emails set, empty options. */
export const AGENT_MESSAGE_G1 = {
  id: '507f1f77bcf86cd799439011',
  created_at: '2026-03-09T14:22:01.000Z',
  text: 'I found several built-in microwaves with 20+ liters capacity. Here are the top options for you:',
  sender: { id: 'agent_abc123', type: 'agent', email: 'agent@aui.io' },
  receiver: { id: 'user_xyz789', type: 'user', email: 'customer@example.com' },
  options: [],
  variants_options: [],
  followup_suggestions: ['What is the price range?', 'Do any of these come in stainless steel?', 'Which one has the best energy rating?'],
} as const;

/** Agent reply, current shape (OpenAPI ≥0.5.3 / SDK): `cards`, ISO without zone, no emails, extra 0.6.0 fields. */
export const AGENT_MESSAGE_CARDS = {
  id: 'msg_123',
  created_at: '2025-11-12T14:03:46.984000',
  text: 'The Frigidaire Gallery Series GMBS3068BF built-in microwave has 30 liters and sensor cooking.',
  sender: { type: 'agent', id: 'intelligent-agent' },
  receiver: { type: 'user', id: 'user_id' },
  cards: [
    {
      id: 'prod_123',
      name: 'Frigidaire Gallery Series GMBS3068BF',
      category: 'microwaves',
      is_recommended: true,
      query: {},
      parameters: [
        { param: 'price', title: 'Price', value: 449.99, type: 'numeric' },
        { param: 'features', title: 'Features', value: ['Sensor cooking', 'Air fry'], type: 'array' },
        { param: 'dims', title: 'Dimensions', value: { w: 30, h: 17 }, type: 'object' },
      ],
      self_review: { score: { value: 0.92, label: 'HIGH', method: 'LLM' }, type: 'WORKFLOW' },
      sub_entities: [],
    },
  ],
  followup_suggestions: ['Does it have sensor cooking?', 'What are the dimensions?'],
  welcome_message: null,
  executed_workflows: ['product-search'],
} as const;

/** A user message as returned in a task's history. */
export const USER_MESSAGE = {
  id: '68e78d98240f9b18e0f578c8',
  created_at: '2025-10-09 12:26:01.102000',
  text: 'I am looking for a built-in microwave with at least 20 liters capacity',
  sender: { id: 'user123', type: 'user', email: null },
  receiver: { id: 'intelligent-agent', type: 'agent', email: null },
  options: [],
  variants_options: [],
  followup_suggestions: [],
} as const;

/** `GET /tasks/{id}/messages`: a bare array, oldest first. */
export const TASK_MESSAGES = [USER_MESSAGE, AGENT_MESSAGE_LEGACY] as const;

/** The send-message body of the docs (with `context`). */
export const SEND_MESSAGE_REQUEST = {
  task_id: '68e78d0dc5a4b19a030d03d6',
  text: 'I am looking for a built-in microwave with at least 20 liters capacity',
  context: {
    url: 'https://example.com/products',
    lead_details: { customer_type: 'residential', budget_range: '300-500' },
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Error bodies (wire reference §5.1, §3.3)
// ---------------------------------------------------------------------------------------------

/** 401, G1: FastAPI `detail` string. */
export const ERROR_401_DETAIL = { detail: 'Not authenticated' } as const;
/** 401, G0: `{status_code, errors}`. */
export const ERROR_401_ERRORS = { status_code: 401, errors: ['Unauthorized'] } as const;
/** 403, G0: task of another network. */
export const ERROR_403_FORBIDDEN = { status_code: 403, errors: ['Forbidden'] } as const;
/** 422, G1: FastAPI `detail` array. */
export const ERROR_422_DETAIL = {
  detail: [{ loc: ['body', 'task_id'], msg: 'field required', type: 'value_error.missing' }],
} as const;
/** 422, OpenAPI `HTTPValidationError`: `errors` array. */
export const ERROR_422_ERRORS = {
  errors: [
    { loc: ['query', 'user_id'], msg: 'field required', type: 'value_error.missing' },
    { loc: ['query', 'size', 0], msg: 'value is not a valid integer', type: 'type_error.integer' },
  ],
} as const;
/** 400, G1: content moderation with `extra_data`. */
export const ERROR_400_MODERATION = {
  status_code: 400,
  description: 'Content moderation triggered',
  message: 'The message was flagged by content moderation.',
  extra_data: { moderation_category: 'harmful_content', flagged_text: '...' },
} as const;
/** 500, G1: same shape as 400. */
export const ERROR_500 = {
  status_code: 500,
  description: 'Internal server error',
  message: 'An unexpected error occurred.',
  extra_data: {},
} as const;
/** A 502 from a proxy: HTML, not JSON. */
export const ERROR_502_HTML = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';

// ---------------------------------------------------------------------------------------------
// WebSocket frames (wire reference §4.2, §4.3)
// ---------------------------------------------------------------------------------------------

/** Client → server user message frame. */
export const FRAME_USER_MESSAGE = SEND_MESSAGE_REQUEST;

/** Text update, shape A1 (G0 / AsyncAPI `StreamingUpdatePayload`). */
export const FRAME_TEXT_A1 = {
  channel: {
    type: 'WEBSOCKET',
    channel_name: 'aeab24b2-a335-4561-976e-40f9c2b7babe',
    event_name: 'thread-message-text-content-updated',
  },
  scope: {
    type: 'LLM_ACTIVATION_EXECUTION',
    data: { status: 'SUCCESS' },
    context: {
      message_id: '8a37d5ea-2182-46dc-b2ca-87584e23f227',
      task_id: '68e78d0dc5a4b19a030d03d6',
      interaction_id: '68e78d98240f9b18e0f578c8',
      pillar: 'WORK',
    },
  },
  data: { text: 'I found several built-in' },
  timestamp: '2025-10-19T13:48:12.101Z',
} as const;

/** Text update, shape A2 (G1 `/messaging-api/websocket`). */
export const FRAME_TEXT_A2 = {
  event: 'thread-message-text-content-updated',
  data: { text: 'I found several built-in microwaves' },
} as const;

/** Final message frame, legacy shape (`options`/`variants_options`). */
export const FRAME_FINAL_LEGACY = AGENT_MESSAGE_LEGACY;

/** Final message frame, AsyncAPI `FinalMessagePayload` (`cards: ProductCard[]`, space-separated `created_at`). */
export const FRAME_FINAL_CARDS = {
  id: '8a37d5ea-2182-46dc-b2ca-87584e23f227',
  created_at: '2025-10-19 13:48:13.764000',
  text: 'I found several built-in microwaves with 20+ liters capacity.',
  sender: { id: 'intelligent-agent', type: 'agent', email: null },
  receiver: { id: 'user_123', type: 'user' },
  cards: [
    {
      id: 'prod_123',
      name: 'Frigidaire Gallery Series GMBS3068BF',
      is_recommended: true,
      parameters: [{ title: 'Capacity', value: 30, type: 'numeric' }],
    },
  ],
  followup_suggestions: ['What are the dimensions?'],
} as const;

/** Error frame (AsyncAPI `ErrorMessagePayload`), sent before a close. */
export const FRAME_ERROR = {
  status_code: 422,
  description: 'Unprocessable Entity',
  message: 'task_id is not a valid task',
  extra_data: { field: 'task_id' },
} as const;

/** Error frame, Fern docs example (401). */
export const FRAME_ERROR_401 = { status_code: 401, description: 'Authentication failed', message: 'Invalid API key' } as const;

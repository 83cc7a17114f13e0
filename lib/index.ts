/**
 * aui-rx: the reactive TypeScript client for the AUI Messaging API.
 *
 * @packageDocumentation
 */

// Client
export { AuiClient, createAuiClient, DEFAULT_PAGE_SIZE } from './client.js';

// Errors
export {
  AuiError,
  AuiAuthenticationError,
  AuiValidationError,
  AuiApplicationError,
  AuiServerError,
  AuiRateLimitError,
  AuiConnectionError,
  AuiTimeoutError,
  AuiProtocolError,
  isAuiError,
  isRetryable,
} from './errors.js';
export type { AuiErrorKind, AuiErrorInit, AuiIssue, AuiTimeoutPhase } from './errors.js';

// Options
export { DEFAULT_BASE_URL, SESSION_PATH } from './options.js';
export type { AuiClientOptions, AuiTimeouts, WebSocketConstructorLike, WebSocketLike } from './options.js';

// Stream events
export type { StreamEvent, TextStreamEvent, FinalStreamEvent, RestartStreamEvent } from './stream-event.js';

// Wire schemas and types
export {
  AgentMessageSchema,
  AgentMessageListSchema,
  ContactPartySchema,
  ProductOptionSchema,
  OptionParameterSchema,
  ProductCardSchema,
  CardParameterSchema,
  TaskSchema,
  TaskPageSchema,
  MessageContextSchema,
  CreateTaskRequestSchema,
  ListTasksRequestSchema,
  ListAllTasksRequestSchema,
  SendMessageRequestSchema,
} from './protocol/rest.js';
export type {
  AgentMessage,
  ContactParty,
  ProductOption,
  OptionParameter,
  ProductCard,
  CardParameter,
  Task,
  TaskPage,
  MessageContext,
  CreateTaskRequest,
  ListTasksRequest,
  ListAllTasksRequest,
  SendMessageRequest,
} from './protocol/rest.js';
export {
  ErrorBodySchema,
  DetailErrorBodySchema,
  ErrorsListBodySchema,
  ApplicationErrorBodySchema,
  ValidationItemSchema,
  summarizeErrorBody,
} from './protocol/error-bodies.js';
export type { ErrorBody, DetailErrorBody, ErrorsListBody, ApplicationErrorBody, ValidationItem, ErrorBodySummary } from './protocol/error-bodies.js';
export { UserMessageFrameSchema, encodeUserMessageFrame } from './protocol/client-frames.js';
export type { UserMessageFrame } from './protocol/client-frames.js';
export {
  TEXT_UPDATE_EVENT,
  TextUpdateA1Schema,
  TextUpdateA2Schema,
  FinalMessageFrameSchema,
  ErrorFrameSchema,
  classifyServerFrame,
  parseServerFrame,
} from './protocol/server-frames.js';
export type { ServerFrame, TextUpdateA1, TextUpdateA2, ErrorFrame } from './protocol/server-frames.js';

// Operators
export { retryOn1011 } from './operators/retry-on-1011.js';
export type { RetryOn1011Config } from './operators/retry-on-1011.js';
export { retryTransient } from './operators/retry-transient.js';
export type { RetryTransientConfig } from './operators/retry-transient.js';
export { failFastOn1008 } from './operators/fail-fast-on-1008.js';
export type { FailFastOn1008Config, FailFastOn1008Operator } from './operators/fail-fast-on-1008.js';
export type { BackoffConfig } from './operators/backoff.js';
export { textDeltas } from './operators/text-deltas.js';
export { accumulateText } from './operators/accumulate-text.js';
export { finalMessage } from './operators/final-message.js';

// REST transport helpers
export { parseRetryAfter, MAX_RETRY_AFTER_MS } from './transports/http/retry-after.js';

// WebSocket
export { ConnectionPool } from './transports/websocket/connection-pool.js';
export type { ConnectionState, ConnectionPoolStats } from './transports/websocket/connection-pool.js';
export { MAX_FRAME_BYTES } from './transports/websocket/socket-connection.js';
export { ERROR_FRAME_CLOSE_WAIT_MS } from './transports/websocket/turn-stream.js';
export { parseFrameJson, textUpdateText } from './protocol/server-frames.js';

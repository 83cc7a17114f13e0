/**
 * aui-rx: the reactive TypeScript client for the AUI Messaging API.
 *
 * @packageDocumentation
 */

// Client
export { AuiClient, createAuiClient } from './client.js';
export type { ConnectionState } from './transports/websocket/connection-state.js';

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
export { DEFAULT_BASE_URL } from './options.js';
export type { AuiClientOptions, AuiTimeouts, WebSocketConstructorLike, WebSocketLike } from './options.js';
export type { AuiLimits } from './options.js';

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
} from './protocol/error-bodies.js';
export type { ErrorBody, DetailErrorBody, ErrorsListBody, ApplicationErrorBody, ValidationItem } from './protocol/error-bodies.js';
export { UserMessageFrameSchema } from './protocol/client-frames.js';
export type { UserMessageFrame } from './protocol/client-frames.js';
export {
  TEXT_UPDATE_EVENT,
  TextUpdateA1Schema,
  TextUpdateA2Schema,
  FinalMessageFrameSchema,
  ErrorFrameSchema,
} from './protocol/server-frames.js';
export type { TextUpdateA1, TextUpdateA2, ErrorFrame } from './protocol/server-frames.js';

// Operators
export { retryOn1011 } from './operators/retry-on-1011.js';
export type { RetryOn1011Config } from './operators/retry-on-1011.js';
export { retryTransient } from './operators/retry-transient.js';
export type { RetryTransientConfig } from './operators/retry-transient.js';
export { failFastOn1008 } from './operators/fail-fast-on-1008.js';
export type { FailFastOn1008Config, FailFastOn1008Operator } from './operators/fail-fast-on-1008.js';
export type { BackoffConfig, WithRestart } from './operators/backoff.js';
export { textDeltas } from './operators/text-deltas.js';
export { accumulateText } from './operators/accumulate-text.js';
export { finalMessage } from './operators/final-message.js';

// Chat state
export { createAuiChat } from './chat/create-aui-chat.js';
export type {
  AuiChat,
  AuiChatClient,
  AuiChatCommonOptions,
  AuiChatMessage,
  AuiChatOptions,
  AuiChatRole,
  AuiChatState,
  AuiChatStatus,
  AuiChatTaskOptions,
  AuiChatUserOptions,
} from './chat/chat-types.js';

/**
 * The public surface, pinned: what `aui-rx` and `aui-rx/testing` export (values and types), and that
 * every exported value is named in docs/. Adding or removing an export means changing a list here and
 * documenting the name (docs/exports.md lists them all).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** The names a module exports at run time (values only: types leave no trace in the JS). */
function valueNames(modulePath: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return Object.keys(require(modulePath) as Record<string, unknown>).sort();
}

/** The names of `export type { … }` statements in a barrel's source (the type-only surface). */
function typeNames(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const names: string[] = [];
  for (const match of source.matchAll(/export\s+type\s*\{([^}]*)\}/g)) {
    for (const part of (match[1] ?? '').split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name) names.push(name);
    }
  }
  return names.sort();
}

/** Every guide in docs/ (not the generated API reference), concatenated. */
function docsText(): string {
  const dir = join(ROOT, 'docs');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
}

/** The names that do not occur as a whole word in `text`. */
function undocumented(names: readonly string[], text: string): string[] {
  return names.filter((name) => !new RegExp(`(^|[^A-Za-z0-9_$])${name.replace(/\$/g, '\\$')}($|[^A-Za-z0-9_$])`).test(text));
}

const CORE_VALUES = [
  'AgentMessageListSchema',
  'AgentMessageSchema',
  'ApplicationErrorBodySchema',
  'AuiApplicationError',
  'AuiAuthenticationError',
  'AuiClient',
  'AuiConnectionError',
  'AuiError',
  'AuiProtocolError',
  'AuiRateLimitError',
  'AuiServerError',
  'AuiTimeoutError',
  'AuiValidationError',
  'CardParameterSchema',
  'ContactPartySchema',
  'CreateTaskRequestSchema',
  'DEFAULT_BASE_URL',
  'DetailErrorBodySchema',
  'ErrorBodySchema',
  'ErrorFrameSchema',
  'ErrorsListBodySchema',
  'FinalMessageFrameSchema',
  'ListAllTasksRequestSchema',
  'ListTasksRequestSchema',
  'MessageContextSchema',
  'OptionParameterSchema',
  'ProductCardSchema',
  'ProductOptionSchema',
  'SendMessageRequestSchema',
  'TEXT_UPDATE_EVENT',
  'TaskPageSchema',
  'TaskSchema',
  'TextUpdateA1Schema',
  'TextUpdateA2Schema',
  'UserMessageFrameSchema',
  'ValidationItemSchema',
  'accumulateText',
  'createAuiChat',
  'createAuiClient',
  'failFastOn1008',
  'finalMessage',
  'isAuiError',
  'isRetryable',
  'retryOn1011',
  'retryTransient',
  'textDeltas',
];

const CORE_TYPES = [
  'AgentMessage',
  'ApplicationErrorBody',
  'AuiChat',
  'AuiChatClient',
  'AuiChatCommonOptions',
  'AuiChatMessage',
  'AuiChatOptions',
  'AuiChatRole',
  'AuiChatState',
  'AuiChatStatus',
  'AuiChatTaskOptions',
  'AuiChatUserOptions',
  'AuiClientOptions',
  'AuiErrorInit',
  'AuiErrorKind',
  'AuiIssue',
  'AuiLimits',
  'AuiTimeoutPhase',
  'AuiTimeouts',
  'BackoffConfig',
  'CardParameter',
  'ConnectionState',
  'ContactParty',
  'CreateTaskRequest',
  'DetailErrorBody',
  'ErrorBody',
  'ErrorFrame',
  'ErrorsListBody',
  'FailFastOn1008Config',
  'FailFastOn1008Operator',
  'FinalStreamEvent',
  'ListAllTasksRequest',
  'ListTasksRequest',
  'MessageContext',
  'OptionParameter',
  'ProductCard',
  'ProductOption',
  'RestartStreamEvent',
  'RetryOn1011Config',
  'RetryTransientConfig',
  'SendMessageRequest',
  'StreamEvent',
  'Task',
  'TaskPage',
  'TextStreamEvent',
  'TextUpdateA1',
  'TextUpdateA2',
  'UserMessageFrame',
  'ValidationItem',
  'WebSocketConstructorLike',
  'WebSocketLike',
  'WithRestart',
];

const TESTING_VALUES = [
  'DEFAULT_UNKNOWN_FRAME',
  'FAKE_API_KEY',
  'FORBIDDEN_BODY',
  'FakeAuiServer',
  'FakeFetch',
  'FakeStore',
  'MockWebSocket',
  'NOT_AUTHENTICATED_BODY',
  'agentMessage',
  'agentReplyText',
  'createFakeFetch',
  'splitReply',
];

const TESTING_TYPES = [
  'ConnectFault',
  'FakeAuiServerSettings',
  'FakeAuiServerStats',
  'FakeFetchCall',
  'FakeFetchOptions',
  'FakeFetchReply',
  'FakeFetchResponder',
  'FakeResponseSpec',
  'FrameShape',
  'MockCloseCall',
  'MockCloseEvent',
  'MockErrorEvent',
  'MockMessageEvent',
  'RecordedRequest',
  'ReplyShape',
  'RestFault',
  'ScriptedRestFault',
  'TextMode',
  'TurnFault',
];

describe("the public barrel ('aui-rx', lib/index.ts)", () => {
  it('exports exactly the documented values', () => {
    expect(valueNames('../lib/index')).toEqual([...CORE_VALUES].sort());
  });

  it('exports exactly the documented types', () => {
    expect(typeNames('lib/index.ts')).toEqual([...CORE_TYPES].sort());
  });

  it('names every exported value somewhere in docs/', () => {
    expect(undocumented(valueNames('../lib/index'), docsText())).toEqual([]);
  });

  it('keeps internals out (no export *, no pool, no frame parsers, no transport constants)', () => {
    const source = readFileSync(join(ROOT, 'lib/index.ts'), 'utf8');
    expect(source).not.toMatch(/export\s*\*/);
    const internals = [
      'ConnectionPool',
      'ConnectionPoolStats',
      'MAX_FRAME_BYTES',
      'ERROR_FRAME_CLOSE_WAIT_MS',
      'parseFrameJson',
      'textUpdateText',
      'parseRetryAfter',
      'MAX_RETRY_AFTER_MS',
      'classifyServerFrame',
      'parseServerFrame',
      'encodeUserMessageFrame',
      'summarizeErrorBody',
    ];
    const exported = new Set([...valueNames('../lib/index'), ...typeNames('lib/index.ts')]);
    expect(internals.filter((name) => exported.has(name))).toEqual([]);
  });
});

describe("the testing entry ('aui-rx/testing', lib/testing/index.ts)", () => {
  it('exports exactly the documented values', () => {
    expect(valueNames('../lib/testing/index')).toEqual([...TESTING_VALUES].sort());
  });

  it('exports exactly the documented types', () => {
    expect(typeNames('lib/testing/index.ts')).toEqual([...TESTING_TYPES].sort());
  });

  it('names every exported value somewhere in docs/', () => {
    expect(undocumented(valueNames('../lib/testing/index'), docsText())).toEqual([]);
  });
});

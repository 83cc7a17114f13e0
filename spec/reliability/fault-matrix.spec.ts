/**
 * The fault matrix (issue 7 §1): every scenario of spec/helpers/reliability-matrix.ts runs against a
 * fresh FakeAuiServer on 127.0.0.1 with a fresh random key, and must end in exactly the typed error
 * (class, kind, status / closeCode, retryable) or the recovery the table says. After every scenario:
 * no open socket on the server, no pending timer on the client's scheduler, no socket or queued turn
 * in the pool, no unhandled rejection or process warning, and the key in no rendering of the error.
 *
 * Set RELIABILITY_PRINT=1 to print the observed outcome of every row as a markdown table.
 */
import { isAuiError, isRetryable, type AuiError } from '../../lib/errors.js';
import { SCENARIOS, runScenario, waitForQuietProcess, type ExpectedError, type ScenarioRun } from '../helpers/reliability-matrix.js';
import { activeResources, installProcessRecorder, randomKey, secretLeaks, type ProcessRecord } from '../helpers/reliability-kit.js';

// Bounded, but generous: this file does heavy work and the machine may be shared (never a timing assertion).
jest.setTimeout(60_000);

function describeOutcome(run: ScenarioRun): string {
  const { error, completed, values } = run.result;
  if (!isAuiError(error)) return completed ? `completes (${values.length} values)` : String(error);
  const parts = [error.name, `kind ${error.kind}`];
  if (error.status !== undefined) parts.push(`status ${error.status}`);
  if (error.closeCode !== undefined) parts.push(`closeCode ${error.closeCode}`);
  if ('phase' in error) parts.push(`phase ${String((error as { phase: unknown }).phase)}`);
  if (error.retryAfterMs !== undefined) parts.push(`retryAfterMs ${error.retryAfterMs}`);
  parts.push(error.retryable ? 'retryable' : 'not retryable');
  return parts.join(', ');
}

function expectTypedError(run: ScenarioRun, expected: ExpectedError): void {
  const error = run.result.error as AuiError;
  expect(run.result.errored).toBe(true);
  expect(isAuiError(error)).toBe(true);
  expect(error).toBeInstanceOf(expected.errorClass);
  expect(error.name).toBe(expected.errorClass.name);
  expect(error.kind).toBe(expected.kind);
  expect(error.retryable).toBe(expected.retryable);
  expect(isRetryable(error)).toBe(expected.retryable && error.closeCode !== 1008);
  if (expected.status === 'none') expect(error.status).toBeUndefined();
  else if (expected.status !== undefined) expect(error.status).toBe(expected.status);
  if (expected.closeCode === 'none') expect(error.closeCode).toBeUndefined();
  else if (expected.closeCode !== undefined) expect(error.closeCode).toBe(expected.closeCode);
  if (expected.fields) expect(error).toMatchObject(expected.fields);
  if (run.scenario.transport === 'WS' && !expected.fields?.['taskId']) expect(error.taskId).toBeDefined();
  expect(error.message.length).toBeGreaterThan(0);
}

describe('fault matrix against FakeAuiServer', () => {
  let recorder: ProcessRecord;
  let baseline: { timeouts: number; sockets: number };
  const printed: string[] = [];

  beforeAll(() => {
    recorder = installProcessRecorder();
    baseline = { timeouts: activeResources('Timeout'), sockets: activeResources('TCPSocketWrap') };
  });
  afterAll(() => {
    recorder.dispose();
    if (process.env['RELIABILITY_PRINT']) {
      process.stdout.write(`\n| # | | the server (or network) does | expected | observed in the run |\n|---|---|---|---|---|\n${printed.join('\n')}\n`);
    }
  });

  it('has at least 25 scenarios with unique ids', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(25);
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
  });

  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s', async (_id, scenario) => {
    const key = randomKey();
    const run = await runScenario(scenario, key);
    printed.push(`| ${printed.length + 1} | ${scenario.transport} | ${scenario.title} | ${scenario.outcome} | ${describeOutcome(run)} |`);

    if (scenario.expected.outcome === 'error') {
      expectTypedError(run, scenario.expected);
      scenario.expected.check?.(run.result.error as AuiError, run, run.env);
    } else {
      await scenario.expected.check(run, run.env);
    }

    // Nothing left behind.
    expect(run.leftover).toEqual({ openConnections: 0, pendingTimers: 0, sockets: 0, queued: 0 });
    const quiet = await waitForQuietProcess(baseline);
    expect(quiet.timeouts).toBeLessThanOrEqual(baseline.timeouts);
    expect(quiet.sockets).toBeLessThanOrEqual(baseline.sockets);
    expect(recorder.rejections).toEqual([]);
    expect(recorder.warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);

    // The key appears in no rendering of the error.
    if (run.result.error !== undefined) expect(secretLeaks(run.result.error, key)).toEqual([]);
  });
});

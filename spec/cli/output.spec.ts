/**
 * Terminal output of the CLI: the spinner (TTY and not), product cards in both reply shapes,
 * suggestions, and errors printed by kind and message only.
 */
import { AuiAuthenticationError, AuiConnectionError, AuiServerError } from '../../lib/errors.js';
import { printError, printReplyExtras, Spinner } from '../../lib/cli/output.js';
import type { AgentMessage } from '../../lib/protocol/rest.js';
import { agentMessage } from '../../lib/testing/fake-agent.js';
import { captureIo } from '../helpers/cli-kit.js';

const message = (shape: 'cards' | 'legacy'): AgentMessage =>
  agentMessage({ id: 'm1', text: 'Two microwaves.', userId: 'u1', shape, createdAt: '2025-11-12T14:03:46.984000' });

describe('Spinner', () => {
  afterEach(() => jest.useRealTimers());

  it('without a TTY prints its label once and stop() writes nothing', () => {
    const io = captureIo(false);
    const spinner = new Spinner(io, 'Thinking…').start();
    spinner.stop();
    spinner.stop();
    expect(io.out.text).toBe('Thinking…\n');
  });

  it('on a TTY animates every 80 ms and clears its line on stop (idempotent)', () => {
    jest.useFakeTimers();
    const io = captureIo(true);
    const spinner = new Spinner(io, 'Thinking…').start();
    expect(io.out.text).toBe('');
    jest.advanceTimersByTime(240);
    expect(io.out.text).toBe('\r⠙ Thinking…\r⠹ Thinking…\r⠸ Thinking…');
    spinner.stop();
    spinner.stop();
    jest.advanceTimersByTime(800);
    expect(io.out.text).toBe('\r⠙ Thinking…\r⠹ Thinking…\r⠸ Thinking…\r\x1b[2K');
  });
});

describe('printReplyExtras', () => {
  it('prints cards (★ recommended), their parameters, and the follow-up suggestions', () => {
    const io = captureIo();
    printReplyExtras(io, message('cards'));
    expect(io.out.text).toBe(
      [
        '',
        'Products:',
        '  ★ Frigidaire Gallery GMBS3068BF Built-In Microwave',
        '      Price: 449.99',
        '      Capacity: 30 L',
        '      Features: Sensor cooking, Air fry',
        '  • BLACK+DECKER EM044KB19 Over The Range Microwave',
        '      Price: 329',
        '      Capacity: 22 L',
        '',
        'You could ask:',
        '  → Does it have sensor cooking?',
        '  → What are the dimensions?',
        '  → Is there a stainless steel version?',
        '',
      ].join('\n'),
    );
  });

  it('prints legacy options the same way: the first widget parameter is the name', () => {
    const io = captureIo();
    printReplyExtras(io, message('legacy'));
    expect(io.out.text).toContain('\nProducts:\n  ★ Frigidaire Gallery GMBS3068BF Built-In Microwave\n      Price: 449.99\n');
    expect(io.out.text).toContain('  • BLACK+DECKER EM044KB19 Over The Range Microwave\n      Price: 329\n      Capacity: 22 L\n');
  });

  it('prints objects as JSON, an unnamed option as such, and nothing at all for a bare reply', () => {
    const io = captureIo();
    const bare: AgentMessage = { ...message('cards'), cards: [], followup_suggestions: [] };
    printReplyExtras(io, bare);
    expect(io.out.text).toBe('');
    printReplyExtras(io, {
      ...bare,
      cards: [{ id: 'c', name: 'Box', parameters: [{ param: 'dims', title: 'Dimensions', value: { w: 1, h: 2 } }] }],
      options: [{ is_recommended: false, widget_parameters: [] }],
    } as AgentMessage);
    expect(io.out.text).toBe('\nProducts:\n  • Box\n      Dimensions: {"w":1,"h":2}\n  • (unnamed)\n');
  });
});

describe('printError', () => {
  it.each([
    [new AuiAuthenticationError('Invalid API key', { closeCode: 1008 }), 'error [authentication] (close 1008): Invalid API key\n'],
    [new AuiServerError('HTTP 500 Internal Server Error', { status: 500 }), 'error [server] (status 500): HTTP 500 Internal Server Error\n'],
    [new AuiServerError('frame 500, then 1011', { status: 500, closeCode: 1011 }), 'error [server] (close 1011): frame 500, then 1011\n'],
    [new AuiConnectionError('Network error: fetch failed'), 'error [connection]: Network error: fetch failed\n'],
    [new Error('something else'), 'error: something else\n'],
    ['a string', 'error: a string\n'],
  ])('prints %p on stderr only', (error, line) => {
    const io = captureIo();
    printError(io, error);
    expect(io.err.text).toBe(line);
    expect(io.out.text).toBe('');
  });

  it('prints the message, never the other fields (body, reason) where a key could hide', () => {
    const io = captureIo();
    const key = 'API_KEY_01NEVERPRINTED0000000000000';
    printError(io, new AuiAuthenticationError('Not authenticated', { status: 401, body: { echoed: key }, reason: key }));
    expect(io.err.text).toBe('error [authentication] (status 401): Not authenticated\n');
  });
});

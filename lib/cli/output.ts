/**
 * Terminal output of the `aui-rx` command: a spinner, product cards, suggestions, and errors.
 * Nothing here ever prints the API key: errors are printed by kind and message only.
 *
 * @packageDocumentation
 */
import { isAuiError } from '../errors.js';
import type { AgentMessage } from '../protocol/rest.js';

/** Where the CLI writes; injectable so tests and embedders can capture it. */
export interface CliIo {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly err: NodeJS.WritableStream;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner shown until the first token; on a non-TTY it prints its label once instead. */
export class Spinner {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
  ) {}

  /** Starts spinning. */
  start(): this {
    if (!this.io.out.isTTY) {
      this.io.out.write(`${this.label}\n`);
      return this;
    }
    this.timer = setInterval(() => {
      this.frame = (this.frame + 1) % FRAMES.length;
      this.io.out.write(`\r${FRAMES[this.frame]} ${this.label}`);
    }, 80);
    this.timer.unref();
    return this;
  }

  /** Stops and clears the spinner line (idempotent). */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.io.out.write('\r\x1b[2K');
  }
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Prints the product cards (current `cards` or legacy `options`) and follow-up suggestions of a reply. */
export function printReplyExtras(io: CliIo, message: AgentMessage): void {
  const cards = message.cards ?? [];
  const options = message.options ?? [];
  if (cards.length || options.length) io.out.write('\nProducts:\n');
  for (const card of cards) {
    io.out.write(`  ${card.is_recommended ? '★' : '•'} ${card.name}\n`);
    for (const p of card.parameters) io.out.write(`      ${p.title}: ${formatValue(p.value)}\n`);
  }
  for (const option of options) {
    const [first, ...rest] = option.widget_parameters;
    io.out.write(`  ${option.is_recommended ? '★' : '•'} ${first ? formatValue(first.value) : '(unnamed)'}\n`);
    for (const p of rest) io.out.write(`      ${p.title}: ${formatValue(p.value)}\n`);
  }
  const suggestions = message.followup_suggestions ?? [];
  if (suggestions.length) {
    io.out.write('\nYou could ask:\n');
    for (const s of suggestions) io.out.write(`  → ${s}\n`);
  }
}

/** Prints an error as `error [kind]: message` on stderr (never the key). */
export function printError(io: CliIo, error: unknown): void {
  if (isAuiError(error)) {
    const where = error.closeCode !== undefined ? ` (close ${error.closeCode})` : error.status !== undefined ? ` (status ${error.status})` : '';
    io.err.write(`error [${error.kind}]${where}: ${error.message}\n`);
  } else {
    io.err.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

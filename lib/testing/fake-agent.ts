/**
 * The canned shopping agent of FakeAuiServer: a deterministic, realistic reply (text, product
 * cards, follow-up suggestions) for any user message.
 *
 * @packageDocumentation
 */
import type { AgentMessage, ProductCard } from '../protocol/rest.js';

/** Which reply shape the agent produces: current `cards` or legacy `options`/`variants_options`. */
export type ReplyShape = 'cards' | 'legacy';

const CATALOG: readonly ProductCard[] = [
  {
    id: 'prod_gmbs3068bf',
    name: 'Frigidaire Gallery GMBS3068BF Built-In Microwave',
    category: 'microwaves',
    is_recommended: true,
    parameters: [
      { param: 'price', title: 'Price', value: 449.99, type: 'numeric' },
      { param: 'capacity', title: 'Capacity', value: '30 L', type: 'string' },
      { param: 'features', title: 'Features', value: ['Sensor cooking', 'Air fry'], type: 'array' },
    ],
  },
  {
    id: 'prod_em044kb19',
    name: 'BLACK+DECKER EM044KB19 Over The Range Microwave',
    category: 'microwaves',
    is_recommended: false,
    parameters: [
      { param: 'price', title: 'Price', value: 329, type: 'numeric' },
      { param: 'capacity', title: 'Capacity', value: '22 L', type: 'string' },
    ],
  },
];

/** The agent's reply text for a user message (deterministic). */
export function agentReplyText(userText: string): string {
  const topic = userText.trim().replace(/\s+/g, ' ').slice(0, 60);
  return (
    `I found two built-in microwaves that match "${topic}". ` +
    'The Frigidaire Gallery GMBS3068BF has 30 liters, sensor cooking and an air-fry mode for $449.99; ' +
    'the BLACK+DECKER EM044KB19 is a budget pick with 22 liters for $329. ' +
    'Would you like me to compare their dimensions?'
  );
}

/** Builds a complete agent message with the given text, in either reply shape. */
export function agentMessage(args: {
  readonly id: string;
  readonly text: string;
  readonly userId: string;
  readonly shape: ReplyShape;
  readonly createdAt: string;
}): AgentMessage {
  const base = {
    id: args.id,
    created_at: args.createdAt,
    text: args.text,
    sender: { id: 'intelligent-agent', type: 'agent', email: null },
    receiver: { id: args.userId, type: 'user', email: null },
    followup_suggestions: ['Does it have sensor cooking?', 'What are the dimensions?', 'Is there a stainless steel version?'],
  };
  if (args.shape === 'cards') return { ...base, cards: CATALOG.map((c) => ({ ...c, parameters: [...c.parameters] })) };
  return {
    ...base,
    options: CATALOG.map((c) => ({
      is_recommended: c.is_recommended ?? false,
      widget_parameters: [
        { title: 'Product name', value: c.name, type: 'string' },
        ...c.parameters.map((p) => ({ title: p.title, value: p.value, type: p.type ?? 'string' })),
      ],
    })),
    variants_options: [],
  };
}

/** Splits reply text into `n` roughly equal word-aligned chunks (each chunk keeps its leading space). */
export function splitReply(text: string, n?: number): string[] {
  const words = text.match(/\s*\S+/g) ?? [text];
  const parts = Math.max(1, Math.min(n ?? words.length, words.length));
  const out: string[] = [];
  for (let i = 0; i < parts; i++) {
    const from = Math.floor((i * words.length) / parts);
    const to = Math.floor(((i + 1) * words.length) / parts);
    out.push(words.slice(from, to).join(''));
  }
  return out;
}

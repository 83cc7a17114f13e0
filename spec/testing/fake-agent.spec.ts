import { agentMessage, agentReplyText, splitReply } from '../../lib/testing/index';
import { AgentMessageSchema } from '../../lib/protocol/rest';

describe('fake agent', () => {
  it('replies deterministically, quoting the (normalised, clipped) user text', () => {
    expect(agentReplyText('  a   quiet\ndishwasher ')).toBe(agentReplyText('a quiet dishwasher'));
    expect(agentReplyText('a quiet dishwasher')).toContain('"a quiet dishwasher"');
    expect(agentReplyText('x'.repeat(200))).toContain(`"${'x'.repeat(60)}"`);
    expect(agentReplyText('x'.repeat(200))).not.toContain('x'.repeat(61));
  });

  it('builds a schema-valid cards reply', () => {
    const message = agentMessage({ id: 'm1', text: 'hello', userId: 'u1', shape: 'cards', createdAt: '2026-03-09T14:22:01.000Z' });
    // email: null (as FastAPI writes it) reads as absent.
    expect(AgentMessageSchema.parse(message)).toEqual({ ...message, sender: { id: 'intelligent-agent', type: 'agent' }, receiver: { id: 'u1', type: 'user' } });
    expect(message).toMatchObject({ id: 'm1', text: 'hello', sender: { type: 'agent' }, receiver: { id: 'u1', type: 'user' } });
    expect(message.cards?.filter((c) => c.is_recommended).map((c) => c.id)).toEqual(['prod_gmbs3068bf']);
    expect(message.options).toBeUndefined();
    expect(message.followup_suggestions?.length).toBe(3);
  });

  it('builds a schema-valid legacy reply with the product name first', () => {
    const message = agentMessage({ id: 'm2', text: 'hi', userId: 'u1', shape: 'legacy', createdAt: '2025-10-09 12:26:07.576000' });
    // email: null (as FastAPI writes it) reads as absent.
    expect(AgentMessageSchema.parse(message)).toEqual({ ...message, sender: { id: 'intelligent-agent', type: 'agent' }, receiver: { id: 'u1', type: 'user' } });
    expect(message.cards).toBeUndefined();
    expect(message.options?.map((o) => o.widget_parameters[0]?.title)).toEqual(['Product name', 'Product name']);
    expect(message.variants_options).toEqual([]);
  });

  it('does not share card arrays between replies', () => {
    const a = agentMessage({ id: 'a', text: 't', userId: 'u', shape: 'cards', createdAt: 'c' });
    const b = agentMessage({ id: 'b', text: 't', userId: 'u', shape: 'cards', createdAt: 'c' });
    a.cards?.[0]?.parameters.push({ title: 'x' });
    expect(b.cards?.[0]?.parameters).toHaveLength(3);
  });

  it('splits a reply into word-aligned chunks that join back to the text', () => {
    const text = 'one two three four five';
    expect(splitReply(text)).toEqual(['one', ' two', ' three', ' four', ' five']);
    expect(splitReply(text, 2).join('')).toBe(text);
    expect(splitReply(text, 2)).toHaveLength(2);
    expect(splitReply(text, 99)).toHaveLength(5);
    expect(splitReply('', 3)).toEqual(['']);
  });
});

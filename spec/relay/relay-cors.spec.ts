import type { IncomingMessage } from 'node:http';
import { corsAllows, upgradeOriginAllowed } from '../../lib/relay/relay-cors.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('corsAllows', () => {
  it('matches a string, a list, any (*) or a predicate; nothing without cors', () => {
    expect(corsAllows(undefined, 'http://a.test')).toBe(false);
    expect(corsAllows({ origin: 'http://a.test' }, 'http://a.test')).toBe(true);
    expect(corsAllows({ origin: 'http://a.test' }, 'http://b.test')).toBe(false);
    expect(corsAllows({ origin: ['http://a.test', 'http://b.test'] }, 'http://b.test')).toBe(true);
    expect(corsAllows({ origin: '*' }, 'http://any.test')).toBe(true);
    expect(corsAllows({ origin: (o) => o.endsWith('.a.test') }, 'http://x.a.test')).toBe(true);
    expect(
      corsAllows({ origin: () => {
        throw new Error('broken');
      } }, 'http://x.test'),
    ).toBe(false);
  });
});

describe('upgradeOriginAllowed (cross-site WebSocket hijacking)', () => {
  it('lets non-browsers (no Origin) and same-host pages in', () => {
    expect(upgradeOriginAllowed(undefined, req({ host: 'relay.test' }))).toBe(true);
    expect(upgradeOriginAllowed(undefined, req({ host: 'relay.test:3000', origin: 'http://relay.test:3000' }))).toBe(true);
  });

  it('refuses another origin unless cors allows it', () => {
    expect(upgradeOriginAllowed(undefined, req({ host: 'relay.test', origin: 'http://evil.test' }))).toBe(false);
    expect(upgradeOriginAllowed({ origin: 'http://app.test' }, req({ host: 'relay.test', origin: 'http://app.test' }))).toBe(true);
    expect(upgradeOriginAllowed(undefined, req({ host: 'relay.test', origin: 'null' }))).toBe(false);
  });

  it("does not take '*' as an allowed WebSocket origin (a WebSocket always carries the cookies)", () => {
    expect(upgradeOriginAllowed({ origin: '*' }, req({ host: 'relay.test', origin: 'http://evil.test' }))).toBe(false);
    expect(upgradeOriginAllowed({ origin: '*' }, req({ host: 'relay.test', origin: 'http://relay.test' }))).toBe(true);
  });
});

import { decideRedirect, MAX_REDIRECTS } from '../../../lib/transports/http/redirect-policy';
import type { FetchedResponse } from '../../../lib/transports/http/fetch-observable';

function response(status: number, location?: string, type = 'basic'): FetchedResponse {
  const headers = new Headers(location === undefined ? {} : { location });
  return { status, statusText: '', type, headers, text: '' };
}

describe('decideRedirect', () => {
  const origin = 'https://api.example.com';
  const current = new URL('https://api.example.com/api/ia-controller/api/v1/external/tasks');

  it('ignores non-redirect statuses and 3xx without Location', () => {
    expect(decideRedirect(response(200), current, origin, 'GET', 0)).toEqual({ action: 'none' });
    expect(decideRedirect(response(304), current, origin, 'GET', 0)).toEqual({ action: 'none' });
    expect(decideRedirect(response(307), current, origin, 'GET', 0)).toEqual({ action: 'none' });
  });

  it('follows a same-origin 307/308 keeping method and body', () => {
    const decision = decideRedirect(response(307, '/api/ia-controller/api/v1/external/message'), current, origin, 'POST', 0);
    expect(decision).toMatchObject({ action: 'follow', method: 'POST', keepBody: true });
    expect(decision.action === 'follow' && decision.url.href).toBe('https://api.example.com/api/ia-controller/api/v1/external/message');
  });

  it.each([303, 301, 302])('turns a POST into a GET without body on %d', (status) => {
    expect(decideRedirect(response(status, '/x'), current, origin, 'POST', 0)).toMatchObject({ action: 'follow', method: 'GET', keepBody: false });
  });

  it('refuses another origin, including another port or a scheme downgrade', () => {
    for (const target of ['https://evil.example/steal', 'https://api.example.com:8443/x', 'http://api.example.com/x']) {
      expect(decideRedirect(response(302, target), current, origin, 'GET', 0)).toEqual({
        action: 'refuse',
        status: 302,
        targetOrigin: new URL(target).origin,
      });
    }
  });

  it('refuses an opaque browser redirect (its target is hidden)', () => {
    expect(decideRedirect(response(0, undefined, 'opaqueredirect'), current, origin, 'GET', 0)).toEqual({ action: 'refuse', status: 0 });
  });

  it('refuses after too many hops', () => {
    expect(decideRedirect(response(307, '/x'), current, origin, 'GET', MAX_REDIRECTS)).toEqual({ action: 'refuse', status: 307, tooMany: true });
  });
});

import { redactUrl, sessionUrl } from '../../../lib/transports/websocket/socket-url.js';

describe('sessionUrl', () => {
  it('adds network_api_key, URL-encoded', () => {
    const url = sessionUrl('wss://h.test/api/ia-controller/api/v1/external/session', 'API_KEY_a+b/c');
    expect(url).toBe('wss://h.test/api/ia-controller/api/v1/external/session?network_api_key=API_KEY_a%2Bb%2Fc');
    expect(new URL(url).searchParams.get('network_api_key')).toBe('API_KEY_a+b/c');
  });

  it('without a key (undefined or empty: a relay adds it) returns wsUrl as it is', () => {
    expect(sessionUrl('wss://h.test/aui/api/v1/external/session', undefined)).toBe('wss://h.test/aui/api/v1/external/session');
    expect(sessionUrl('ws://127.0.0.1:1/s', '')).toBe('ws://127.0.0.1:1/s');
  });

  it('keeps other query parameters and replaces an existing key', () => {
    const url = new URL(sessionUrl('ws://127.0.0.1:1/s?x=1&network_api_key=old', 'new'));
    expect(url.searchParams.get('x')).toBe('1');
    expect(url.searchParams.getAll('network_api_key')).toEqual(['new']);
  });
});

describe('redactUrl', () => {
  it('drops query, fragment and credentials', () => {
    expect(redactUrl('wss://u:p@h.test:8443/s?network_api_key=secret#f')).toBe('wss://h.test:8443/s');
  });

  it('cuts the query of a string that is not a URL', () => {
    expect(redactUrl('not a url?network_api_key=secret')).toBe('not a url');
  });
});

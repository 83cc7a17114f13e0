/**
 * The WebSocket session URL with its `network_api_key` query parameter, and the redacted form used
 * wherever a URL could reach a message or a log.
 *
 * @packageDocumentation
 */

/** The query parameter that carries the API key on the session URL (wire reference §1.4). */
export const API_KEY_QUERY_PARAM = 'network_api_key';

/** The header that also carries the API key on the upgrade request in Node (wire reference §1.4). */
export const API_KEY_HEADER = 'x-network-api-key';

/**
 * The session URL to connect to: `wsUrl` with `network_api_key=<key>` set (URL-encoded, replacing any
 * value already there). The result contains the key: never log it, never put it in an error. Without
 * a key (`undefined` or `''`: a relay adds it) `wsUrl` is returned as it is.
 *
 * @example
 * sessionUrl('wss://example.test/api/v1/external/session', 'API_KEY_1');
 * // 'wss://example.test/api/v1/external/session?network_api_key=API_KEY_1'
 */
export function sessionUrl(wsUrl: string, apiKey: string | undefined): string {
  if (apiKey === undefined || apiKey === '') return wsUrl;
  const url = new URL(wsUrl);
  url.searchParams.set(API_KEY_QUERY_PARAM, apiKey);
  return url.href;
}

/**
 * `url` without its query string and fragment (and without credentials), safe for messages.
 *
 * @example
 * redactUrl('wss://h/s?network_api_key=secret'); // 'wss://h/s'
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    const cut = url.search(/[?#]/);
    return cut === -1 ? url : url.slice(0, cut);
  }
}

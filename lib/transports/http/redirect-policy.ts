/**
 * What to do with a 3xx answer to a `redirect: 'manual'` request: follow it only within the
 * origin of the base URL (re-sent with the key), refuse it otherwise, so the API key never reaches
 * another origin.
 *
 * @packageDocumentation
 */
import type { FetchedResponse } from './fetch-observable.js';

/** Most same-origin redirects followed for one request. */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The decision for one response. */
export type RedirectDecision =
  | { readonly action: 'none' }
  | { readonly action: 'follow'; readonly url: URL; readonly method: string; readonly keepBody: boolean }
  | { readonly action: 'refuse'; readonly status: number; readonly targetOrigin?: string; readonly tooMany?: boolean };

/**
 * Decides whether `response` is a redirect and whether to follow it. Same-origin 307/308 keep method
 * and body; 303 (and 301/302 after a POST) become a GET without body, as browsers do. A redirect to
 * another origin, an opaque browser redirect (target hidden) or more than {@link MAX_REDIRECTS}
 * hops are refused. A 3xx without `Location` is not a redirect (the status mapping handles it).
 *
 * @example
 * decideRedirect(response, new URL(current), 'https://api.example', 'GET', 0);
 */
export function decideRedirect(
  response: FetchedResponse,
  current: URL,
  allowedOrigin: string,
  method: string,
  hops: number,
): RedirectDecision {
  if (response.type === 'opaqueredirect') return { action: 'refuse', status: response.status };
  if (!REDIRECT_STATUSES.has(response.status)) return { action: 'none' };
  const location = response.headers.get('location');
  if (location === null || location.trim() === '') return { action: 'none' };
  let target: URL;
  try {
    target = new URL(location, current);
  } catch {
    return { action: 'refuse', status: response.status, targetOrigin: 'an invalid URL' };
  }
  if (target.origin !== allowedOrigin) return { action: 'refuse', status: response.status, targetOrigin: target.origin };
  if (hops >= MAX_REDIRECTS) return { action: 'refuse', status: response.status, tooMany: true };
  const toGet = response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST');
  return toGet
    ? { action: 'follow', url: target, method: method === 'HEAD' ? 'HEAD' : 'GET', keepBody: false }
    : { action: 'follow', url: target, method, keepBody: true };
}

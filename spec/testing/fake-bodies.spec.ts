import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as browser from '../../lib/testing/browser';
import { DEFAULT_UNKNOWN_FRAME, FORBIDDEN_BODY, NOT_AUTHENTICATED_BODY } from '../../lib/testing/fake-bodies';
import * as node from '../../lib/testing/index';

describe('fake-bodies', () => {
  it('gives the documented 401 (G1) and 403 (G0) bodies', () => {
    expect(NOT_AUTHENTICATED_BODY).toEqual({ detail: 'Not authenticated' });
    expect(FORBIDDEN_BODY).toEqual({ status_code: 403, errors: ['Forbidden'] });
  });

  it('gives an unknown frame that no documented frame kind matches', () => {
    expect(DEFAULT_UNKNOWN_FRAME.event).not.toBe('thread-message-text-content-updated');
    expect(DEFAULT_UNKNOWN_FRAME).not.toHaveProperty('status_code');
    expect(DEFAULT_UNKNOWN_FRAME).not.toHaveProperty('id');
  });

  it('is the same object from both testing entries', () => {
    expect(browser.NOT_AUTHENTICATED_BODY).toBe(node.NOT_AUTHENTICATED_BODY);
    expect(browser.FORBIDDEN_BODY).toBe(node.FORBIDDEN_BODY);
    expect(browser.DEFAULT_UNKNOWN_FRAME).toBe(node.DEFAULT_UNKNOWN_FRAME);
  });

  it('imports nothing (so nothing from Node)', () => {
    const source = readFileSync(join(__dirname, '../../lib/testing/fake-bodies.ts'), 'utf8');
    expect(source).not.toMatch(/^import /m);
  });
});

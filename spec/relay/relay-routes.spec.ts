import { matchRoute, requestTarget, splitTarget } from '../../lib/relay/relay-routes.js';

describe('matchRoute', () => {
  it.each([
    ['/api/v1/external/tasks', '', { kind: 'tasks' }],
    ['/api/v1/external/message', '', { kind: 'message' }],
    ['/api/v1/external/session', '', { kind: 'session' }],
    ['/api/v1/external/tasks/abc', '', { kind: 'task', taskId: 'abc' }],
    ['/api/v1/external/tasks/a%2Fb/messages', '', { kind: 'messages', taskId: 'a/b' }],
    ['/api/v1/external/tasks/%E0%A4%A', '', { kind: 'task', taskId: undefined }],
    ['/api/v1/external/tasks/..', '', { kind: 'task', taskId: '..' }],
    ['/api/v1/external/product-metadata', '', { kind: 'unknown' }],
    ['/api/v1/external', '', { kind: 'unknown' }],
    ['/aui/api/v1/external/tasks', '/aui', { kind: 'tasks' }],
  ])('%s under %j', (path, basePath, route) => {
    expect(matchRoute(path, basePath)).toEqual(route);
  });

  it.each([
    ['/index.html', ''],
    ['/api/v1/externalx', ''],
    ['/api/v1/external/tasks', '/aui'],
    ['/auix/api/v1/external/tasks', '/aui'],
  ])('%s under %j is not the relay’s', (path, basePath) => {
    expect(matchRoute(path, basePath)).toBeUndefined();
  });
});

describe('requestTarget and splitTarget', () => {
  it("prefer Express's originalUrl (mounted with a path)", () => {
    expect(requestTarget({ url: '/api/v1/external/tasks', originalUrl: '/aui/api/v1/external/tasks' })).toBe('/aui/api/v1/external/tasks');
    expect(requestTarget({ url: '/x' })).toBe('/x');
    expect(requestTarget({})).toBe('/');
  });

  it('split the path from the query (and drop a fragment)', () => {
    const { pathname, query } = splitTarget('/a/b?x=1&y=2#frag');
    expect(pathname).toBe('/a/b');
    expect([...query]).toEqual([['x', '1'], ['y', '2']]);
    expect(splitTarget('/a#f?x').pathname).toBe('/a');
  });
});

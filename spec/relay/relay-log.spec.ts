import { emitLog, logPath, type AuiRelayLogEntry } from '../../lib/relay/relay-log.js';

const KEY = 'API_KEY_01LOG';

describe('logPath', () => {
  it('drops network_api_key and keeps the other parameters', () => {
    expect(logPath(`/api/v1/external/tasks?user_id=u&network_api_key=${KEY}&page=2`, KEY)).toBe('/api/v1/external/tasks?user_id=u&page=2');
    expect(logPath(`/api/v1/external/session?network_api_key=${KEY}`, KEY)).toBe('/api/v1/external/session');
  });

  it('redacts every form of the key anywhere in the path', () => {
    expect(logPath(`/api/v1/external/tasks/${encodeURIComponent(KEY)}?q=${KEY.toLowerCase()}`, KEY)).toBe('/api/v1/external/tasks/[redacted]?q=[redacted]');
  });

  it('cuts very long paths', () => {
    expect(logPath(`/${'a'.repeat(5000)}`, undefined)).toHaveLength(2049);
  });
});

describe('emitLog', () => {
  const entry: AuiRelayLogEntry = { type: 'rest', method: 'GET', path: '/', user: 'u', status: 200, durationMs: 1 };

  it('hands the entry to onLog, and swallows what onLog throws', () => {
    const seen: AuiRelayLogEntry[] = [];
    emitLog((e) => seen.push(e), entry);
    expect(seen).toEqual([entry]);
    expect(() =>
      emitLog(() => {
        throw new Error('broken logger');
      }, entry),
    ).not.toThrow();
    expect(() => emitLog(undefined, entry)).not.toThrow();
  });
});

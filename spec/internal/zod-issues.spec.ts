import { z } from 'zod';
import { describeIssue, toAuiIssues } from '../../lib/internal/zod-issues';

describe('toAuiIssues', () => {
  it('keeps path, message and code of every zod issue, nothing else', () => {
    const result = z.object({ a: z.string(), b: z.array(z.number()) }).safeParse({ a: 1, b: ['x'] });
    expect(result.success).toBe(false);
    if (result.success) return;
    const issues = toAuiIssues(result.error);
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      [['a'], 'invalid_type'],
      [['b', 0], 'invalid_type'],
    ]);
    issues.forEach((i) => {
      expect(Object.keys(i).sort()).toEqual(['code', 'message', 'path']);
      expect(i.message).toMatch(/expected/);
    });
  });
});

describe('describeIssue', () => {
  it('reads path.to.field: message, or the message alone for the value itself', () => {
    expect(describeIssue({ path: ['context', 'lead_details', 0], message: 'Expected object' })).toBe('context.lead_details.0: Expected object');
    expect(describeIssue({ path: [], message: 'must be JSON-encodable' })).toBe('must be JSON-encodable');
  });
});

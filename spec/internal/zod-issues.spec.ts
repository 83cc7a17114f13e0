import { z } from 'zod';
import { toAuiIssues } from '../../lib/internal/zod-issues';

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

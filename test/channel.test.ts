import { describe, expect, it } from 'vitest';
import { startDashboard } from '../dist/src/index.js';

describe('the sample channel', () => {
  it('is namespaced: two dashboards in one process never hear each other', async () => {
    const a = await startDashboard({ builtins: ['memory'] });
    const b = await startDashboard();
    try {
      for (let i = 0; i < 3; i++) await Promise.all([a.collect(), b.collect()]);
      const sa = await a.getDashboard();
      const sb = await b.getDashboard();
      expect(sa.cpu).toBeNull();
      expect(sa.requests).toBeNull();
      expect(sa.memory).not.toBeNull();
      expect(sb.cpu).not.toBeNull();
      expect(sa.channel.rejected).toBe(0);
      expect(sb.channel.rejected).toBe(0);
      expect(sa.workers.map((w) => w.name)).toEqual(['memory']);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { startDashboard } from '../dist/src/index.js';
import { startDemoApp } from '../dist/src/demo/demo-app.js';
import { startDemoLoad } from '../dist/src/demo/demo-load.js';
import { DEMO_RATE, demoPath, demoRate, demoRequest, parseDemoPath } from '../dist/src/demo/demo-mix.js';
import { waitFor } from './helpers.js';

describe('the demo traffic mix', () => {
  it('keeps the rate modest and moving: within 2..40 req/s, with a varying shape over a minute', () => {
    const rates = Array.from({ length: 600 }, (_, i) => demoRate(i * 100));
    for (const r of rates) {
      expect(r).toBeGreaterThanOrEqual(DEMO_RATE.min);
      expect(r).toBeLessThanOrEqual(DEMO_RATE.max);
    }
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(10);
  });

  it('mixes mostly 200s with some 404s and 5xx, mostly fast with a slow tail', () => {
    const grid = Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100);
    const statuses = grid.map((d) => demoRequest(d, 0.5, 0.5).status);
    const share = (s: number): number => statuses.filter((x) => x === s).length / 100;
    expect(share(200)).toBeCloseTo(0.9, 2);
    expect(share(404)).toBeCloseTo(0.08, 2);
    expect(share(500) + share(503)).toBeCloseTo(0.02, 2);
    expect(demoRequest(0, 1, 0.5).delayMs).toBeLessThanOrEqual(41);
    expect(demoRequest(0, 1, 0.01).delayMs).toBeGreaterThanOrEqual(120);
  });

  it('round-trips its paths and refuses anything else', () => {
    const r = { status: 503, delayMs: 17 };
    expect(parseDemoPath(demoPath(r))).toEqual(r);
    expect(parseDemoPath('/status/200')).toEqual({ status: 200, delayMs: 0 });
    expect(parseDemoPath('/status/99')).toBeNull();
    expect(parseDemoPath('/status/700?delay=1')).toBeNull();
    expect(parseDemoPath('/')).toBeNull();
  });
});

describe('the demo app under its load, measured by the real probe', () => {
  it('moves every request figure (2xx, 4xx, 5xx, latency, connections) and stops leaving nothing open', async () => {
    const before = new Set(process.getActiveResourcesInfo());
    const dash = await startDashboard({ intervalMs: 200 });
    const app = await startDemoApp();
    // Draws that cycle through a 404, a 503 and a 200 (status draw first of each three).
    const draws = [0.95, 0.5, 0.5, 0.99, 0.5, 0.5, 0.1, 0.5, 0.5];
    let i = 0;
    const load = startDemoLoad(app.url, { random: () => draws[i++ % draws.length]! });
    try {
      const s = await waitFor(
        'every status class in the snapshot',
        async () => {
          const snap = await dash.getDashboard();
          const r = snap.requests;
          return r && r.byStatus['2xx'] > 0 && r.byStatus['4xx'] > 0 && r.byStatus['5xx'] > 0 && (r.p50LatencyMs ?? 0) > 0 ? snap : null;
        },
        15_000,
        50,
      );
      expect(s.requests!.total).toBeGreaterThanOrEqual(3);
      expect(load.sent).toBeGreaterThanOrEqual(load.answered);
    } finally {
      await load.stop();
      await app.close();
      await dash.stop();
    }
    // Timers, sockets and the server are all gone again.
    await waitFor('no resources left', () => process.getActiveResourcesInfo().filter((r) => !before.has(r)).length === 0, 5000);
  });
});

// Issue 15: the APP panel of the terminal dashboard and the engine's app history behind its sparklines, as plain data.
import { describe, expect, it } from 'vitest';
import { AppHistory } from '../../dist/src/main/app-metrics/history.js';
import { appPanelLines, appSecondText, sparkValues } from '../../dist/src/frontends/tui/app-panel.js';
import { computeLayout } from '../../dist/src/frontends/tui/layout.js';
import { visibleText } from '../../dist/src/frontends/tui/tags.js';
import type { AppSection } from '../../dist/src/index.js';

const app: AppSection = {
  jobs_done: { type: 'counter', value: 1234, rate: 41.25 },
  queue_depth: { type: 'gauge', value: 17 },
  job_duration_ms: { type: 'histogram', unit: 'ms', count: 90, sum: 900, rate: 3, avg: 10, p50: 9.5, p99: 85.25 },
  payload_bytes: { type: 'histogram', unit: 'none', count: 0, sum: 0, rate: null, avg: null, p50: null, p99: null },
};

describe('the APP panel', () => {
  it('has a box below the workers table only when there are app metrics and a spare row, the Events column untouched', () => {
    const plain = computeLayout(120, 40);
    expect(plain.app).toBeNull();
    const l = computeLayout(120, 40, 4, 3);
    expect(l.app).toEqual({ left: 0, top: l.workers.top + l.workers.height, width: l.workers.width, height: 5 });
    expect(l.workers.height).toBeGreaterThanOrEqual(4 + 3);
    expect(l.events).toEqual(plain.events);
    expect(l.app!.top + l.app!.height).toBe(plain.workers.top + plain.workers.height);
    // Many metrics: the table keeps what it needs, the APP box takes the rest.
    const many = computeLayout(120, 40, 4, 64);
    expect(many.workers.height).toBe(4 + 3);
    // No spare row (a minimal terminal with many workers): no APP box rather than a broken table.
    expect(computeLayout(80, 20, 4, 3).app).toBeNull();
  });

  it('lists each instrument with its value, rate or p99 from the snapshot, and a sparkline', () => {
    const history = new AppHistory(1000);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 10; i++) history.offer({ ...app, jobs_done: { type: 'counter', value: i, rate: i } }, t0 + i * 1000);
    const lines = appPanelLines(app, history.view('2m'), 70, 10, t0 + 10_000).map(visibleText);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^jobs_done +1234 +41\.3\/s [⠀-⣿ ]+$/);
    expect(lines[1]).toMatch(/^queue_depth +17 +[⠀-⣿ ]+$/);
    expect(lines[2]).toMatch(/^job_duration_ms +n 90 +p99 85\.3 ms [⠀-⣿ ]+$/);
    expect(lines[3]).toMatch(/^payload_bytes +n 0 +p99 – +$/);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(70);
    // The counter's rate rose second by second: its sparkline is not blank.
    expect(lines[0]!.slice(-20).trim()).not.toBe('');
  });

  it('says how many instruments it left out when they do not fit, and shows figures without a sparkline when narrow', () => {
    const lines = appPanelLines(app, new AppHistory(1000).view('2m'), 70, 2, 0).map(visibleText);
    expect(lines).toEqual([expect.stringMatching(/^jobs_done/), '+3 more app metrics']);
    const narrow = appPanelLines(app, new AppHistory(1000).view('2m'), 48, 4, 0).map(visibleText);
    for (const l of narrow) expect([...l].length).toBeLessThanOrEqual(48);
    expect(appSecondText({ type: 'counter', value: 0, rate: null })).toBe('–');
  });

  it('aligns a sparkline to now: a stopped series leaves a gap at the right', () => {
    const pts = [
      { t: 0, v: 1 },
      { t: 1000, v: 2 },
    ];
    expect(sparkValues(pts, 1000, 4, 2500)).toEqual([null, null, 1, 2]);
    expect(sparkValues(pts, 1000, 4, 5500)).toEqual([2, null, null, null]);
  });
});

describe('app history', () => {
  it('keeps one bounded line per instrument: a counter rate (mean), a gauge value, a histogram p99 (worst)', () => {
    const h = new AppHistory(1000);
    const t = 1_700_000_000_000;
    h.offer(app, t);
    h.offer(
      {
        ...app,
        job_duration_ms: { ...app.job_duration_ms!, p99: 5 } as AppSection[string],
        jobs_done: { type: 'counter', value: 2, rate: 1.25 },
      },
      t + 10,
    );
    const v = h.view('2m');
    expect(v.series.jobs_done).toEqual([{ t, v: (41.25 + 1.25) / 2 }]);
    expect(v.series.queue_depth).toEqual([{ t, v: 17 }]);
    expect(v.series.job_duration_ms).toEqual([{ t, v: 85.25 }]);
    expect(v.series.payload_bytes).toBeUndefined();
    for (let i = 1; i < 500; i++) h.offer(app, t + i * 1000);
    expect(h.view('2m').series.jobs_done).toHaveLength(120);
    expect(h.view('30m').stepMs).toBe(10_000);
  });
});

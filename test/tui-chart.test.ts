/**
 * The terminal charts, as pure functions: braille dots, the engine's history laid on a time
 * axis, the label line, the axes. Expected characters are worked out by hand from Unicode's
 * braille dot numbering (a cell's left column is dots 1,2,3,7 = 0x01,0x02,0x04,0x40 from the
 * top, its right column dots 4,5,6,8 = 0x08,0x10,0x20,0x80).
 */
import { describe, expect, it } from 'vitest';
import type { HistoryView } from '../dist/src/main/history.js';
import { brailleRows, dotColumns } from '../dist/src/frontends/tui/braille.js';
import { seriesStats, slotValues, yRange } from '../dist/src/frontends/tui/chart-series.js';
import { renderChart, spanText, statsLine, xAxis } from '../dist/src/frontends/tui/chart.js';
import { chartHeights, MIN_CHART_ROWS } from '../dist/src/frontends/tui/layout.js';
import { visibleText } from '../dist/src/frontends/tui/tags.js';

describe('braille rows', () => {
  it('draws one value per dot column, bottom to top, joined into a line', () => {
    // Levels 0,1,2,3 of a one-row chart: dots 7 | 6 (cell ⡠), then 2 | 4 (cell ⠊).
    expect(brailleRows([0, 1, 2, 3], 2, 1, 0, 3)).toEqual(['⡠⠊']);
  });

  it('leaves a gap where a value is null, and does not join across it', () => {
    // Top dot, gap; then top dot, and a fall to the bottom drawn in the next column (dots 8,6,5).
    expect(brailleRows([3, null, 3, 0], 2, 1, 0, 3)).toEqual(['⠁⢱']);
    expect(brailleRows([null, null], 3, 2, 0, 1)).toEqual(['   ', '   ']);
  });

  it('keeps every value of a column when there are more values than columns (a spike stays visible)', () => {
    // 8 values into 2 dot columns of 8 levels: the first spans 0..7, the second sits at 7.
    expect(dotColumns([0, 7, 0, 7, 7, 7, 7, 7], 2)).toEqual([
      { lo: 0, hi: 7, last: 7 },
      { lo: 7, hi: 7, last: 7 },
    ]);
    expect(brailleRows([0, 7, 0, 7, 7, 7, 7, 7], 1, 2, 0, 7)).toEqual(['⡏', '⡇']);
  });

  it('stretches fewer values over the columns, clamps values out of range, and survives a flat range', () => {
    expect(dotColumns([1, 2], 4)).toEqual([
      { lo: 1, hi: 1, last: 1 },
      { lo: 1, hi: 1, last: 1 },
      { lo: 2, hi: 2, last: 2 },
      { lo: 2, hi: 2, last: 2 },
    ]);
    expect(brailleRows([150, -50], 1, 1, 0, 100)).toEqual(['⢱']);
    expect(brailleRows([5, -1], 1, 1, 0, 0)).toEqual(['⣀']);
  });
});

describe('history on the time axis', () => {
  const view = (points: Array<[number, number | null]>, stepMs = 1000, capacity = 5): HistoryView => ({
    span: '2m',
    stepMs,
    capacity,
    points: points.map(([t, cpu]) => ({ t, cpu, mem: null, rps: null, p99: null, procCpu: null, rss: null, heap: null, loopP99: null })),
  });

  it('puts each point in its slot, ending at now, with gaps where no bucket was sampled', () => {
    const v = view([
      [1000, 10],
      [3000, 30],
      [4000, 40],
    ]);
    expect(slotValues(v, 'cpu', 5500)).toEqual([null, 10, null, 30, 40]);
    // The bucket of now not sampled yet: still counts as now (a sample comes some time into it).
    expect(slotValues(v, 'cpu', 4200)).toEqual([null, 10, null, 30, 40]);
    // Nothing for 4 s: the points slide left and the right edge is a gap.
    expect(slotValues(v, 'cpu', 9000)).toEqual([40, null, null, null, null]);
    expect(slotValues(view([]), 'cpu', 9000)).toEqual([null, null, null, null, null]);
    // Another series opened the bucket of now, this one has no sample in it yet: it still ends at now.
    const opened = view([
      [3000, 30],
      [4000, 40],
      [5000, null],
    ]);
    expect(slotValues(opened, 'cpu', 5300)).toEqual([null, null, null, 30, 40]);
  });

  it('says the newest value (now, or only the last known), the min and the max', () => {
    expect(seriesStats([null, 3, 1, null, 2])).toEqual({ latest: 2, current: true, min: 1, max: 3 });
    expect(seriesStats([3, 1, null])).toEqual({ latest: 1, current: false, min: 1, max: 3 });
    expect(seriesStats([null, null])).toBeNull();
  });

  it('keeps percentages on 0–100 and rounds other axes up to 1/2/5 steps', () => {
    expect(yRange('%', 12)).toEqual({ min: 0, max: 100 });
    expect(yRange('req/s', 38)).toEqual({ min: 0, max: 50 });
    expect(yRange('req/s', 0)).toEqual({ min: 0, max: 5 });
    expect(yRange('ms', 199)).toEqual({ min: 0, max: 200 });
    expect(yRange('ms', null)).toEqual({ min: 0, max: 1 });
  });
});

describe('chart text', () => {
  it('names spans as people do', () => {
    expect([120_000, 60_000, 1_800_000, 900_000, 10_800_000, 5_400_000, 90_000].map(spanText)).toEqual([
      '2m',
      '1m',
      '30m',
      '15m',
      '3h',
      '1h30m',
      '90s',
    ]);
  });

  it('labels the x axis with the span, the half-way time where it fits, and now', () => {
    expect(xAxis(120_000, 7)).toBe('-2m─now');
    expect(xAxis(120_000, 20)).toBe('-2m──────-1m─────now');
    expect(xAxis(1_800_000, 20)).toBe('-30m────-15m─────now');
    expect(xAxis(10_800_000, 24)).toBe('-3h──────-1h30m──────now');
    expect(xAxis(120_000, 4)).toBe(' now');
  });

  it('writes current, min and max with units, as much as the width allows', () => {
    const v = [null, 3.14, 97, 42.5];
    expect(statsLine(v, '%', 40)).toBe('now 42.5%  min 3.1%  max 97.0%'.padEnd(40));
    expect(statsLine(v, '%', 29)).toBe('now 42.5%  min 3.1  max 97.0 ');
    expect(statsLine(v, '%', 24)).toBe('42.5% min 3.1 max 97.0  ');
    expect(statsLine([2, 38, 16], 'req/s', 50)).toBe('now 16.0 req/s  min 2.0 req/s  max 38.0 req/s'.padEnd(50));
    expect(statsLine([120, 250.4], 'ms', 30)).toBe('now 250 ms  min 120  max 250  ');
    expect(statsLine([120, 250.4], 'ms', 34)).toBe('now 250 ms  min 120 ms  max 250 ms');
    // The engine stopped sampling: the last value is not called "now", even in a narrow form.
    expect(statsLine([5, 7, null], '%', 40).trim()).toBe('last 7.0%  min 5.0%  max 7.0%');
    expect(statsLine([5, 7, null], '%', 20).trim()).toBe('last 7.0% (5.0–7.0)');
    expect(statsLine([5, 7, null], '%', 16).trim()).toBe('last 7.0%');
    expect(statsLine([null], 'ms', 30).trim()).toBe('no samples in this span');
  });

  it('renders a whole chart: label line, plot behind a y axis with units, x axis with the span', () => {
    // 4 values over 14 dot columns and 8 levels: 0 → level 0, 50 → 4, 100 → 7.
    expect(renderChart({ values: [0, 50, 100, 50], unit: '%', spanMs: 120_000, width: 12, height: 4 })).toEqual([
      '50.0%       ',
      '100%┤  ⣀⡸⠉⢱⣀',
      '  0%┤⣀⣀⠇    ',
      '    └-2m─now',
    ]);
  });

  it('puts the unit on every y label, a half-way label on a tall plot, and colors only the dots', () => {
    const lines = renderChart({ values: [1, 12], unit: 'req/s', spanMs: 1_800_000, width: 40, height: 9, color: 'yellow' });
    expect(lines).toHaveLength(9);
    const plain = lines.map(visibleText);
    for (const l of plain) expect(l).toHaveLength(40);
    expect(plain[0]).toBe('now 12.0 req/s  min 1.0  max 12.0'.padEnd(40));
    expect(plain[1]).toMatch(/^20 req\/s┤/);
    expect(plain[4]).toMatch(/^10 req\/s┤/);
    expect(plain[7]).toMatch(/^ 0 req\/s┤/);
    expect(plain[8]).toMatch(/^ {8}└-30m─+-15m─+now$/);
    expect(lines[1]).toContain('┤{yellow-fg}');
    expect(renderChart({ values: [1], unit: 'ms', spanMs: 120_000, width: 40, height: 6 }).map(visibleText)[1]).toMatch(/^1 ms┤/);
  });

  it('draws nothing when there is no room for a plot', () => {
    expect(renderChart({ values: [1], unit: '%', spanMs: 120_000, width: 40, height: MIN_CHART_ROWS - 1 })).toEqual([]);
    expect(renderChart({ values: [1], unit: 'req/s', spanMs: 120_000, width: 11, height: 6 })).toEqual([]);
  });

  it('shares a panel between its charts only while each keeps its minimum', () => {
    expect(chartHeights(16, 2)).toEqual([8, 8]);
    expect(chartHeights(9, 2)).toEqual([5, 4]);
    expect(chartHeights(7, 2)).toEqual([7, 0]);
    expect(chartHeights(3, 2)).toEqual([0, 0]);
    expect(chartHeights(12, 1)).toEqual([12]);
  });
});

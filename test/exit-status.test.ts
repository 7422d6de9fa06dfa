// The snapshot main pushes when a thread exits says so: the coordinator is 'restarting' in it,
// not still 'running'. (The supervisor used to announce the exit before moving the status on, so
// that snapshot said 'running'; a replacement that came up fast left no other snapshot to tell.)
import { afterEach, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../dist/src/index.js';
import { waitFor } from './helpers.js';

let dash: Dashboard | null = null;
afterEach(async () => {
  await dash?.stop();
  dash = null;
});

describe('the snapshot pushed on an exit', () => {
  it('shows the coordinator restarting, never still running, and then running again', async () => {
    dash = await startDashboard({ httpProbe: false });
    await dash.collect();
    const seen: Array<{ kind: 'exit' | 'restart' | 'snapshot'; status?: string }> = [];
    dash.on('exit', (e) => e.target === 'coordinator' && seen.push({ kind: 'exit' }));
    dash.on('restart', (e) => e.target === 'coordinator' && seen.push({ kind: 'restart' }));
    dash.on('snapshot', (s) => seen.push({ kind: 'snapshot', status: s.coordinator.status }));
    await dash.crash('coordinator', 'kill');
    await waitFor('the coordinator back', () => (seen.some((x) => x.kind === 'restart') ? true : null));
    const exitAt = seen.findIndex((x) => x.kind === 'exit');
    const restartAt = seen.findIndex((x) => x.kind === 'restart');
    expect(exitAt).toBeGreaterThanOrEqual(0);
    const between = seen.slice(exitAt + 1, restartAt).filter((x) => x.kind === 'snapshot');
    expect(between[0]?.status).toBe('restarting');
    expect(between.map((x) => x.status)).not.toContain('running');
    const after = seen.slice(restartAt + 1).find((x) => x.kind === 'snapshot');
    expect(after?.status ?? (await dash.getDashboard()).coordinator.status).toBe('running');
  });
});

/** `--json`: one fresh snapshot, as JSON, then exit. */
import type { Dashboard } from '../../main/dashboard.js';
import type { DashboardSnapshot } from '../../snapshot.js';
import type { FleetView } from '../../cluster/types.js';
import type { DemoTraffic } from '../../demo/demo-traffic.js';

/**
 * Collects and reads one snapshot. With demo traffic, first waits (up to two intervals) until
 * some of it has been answered, so the requests section has something to say.
 */
export async function jsonSnapshot(
  dash: Dashboard,
  intervalMs: number,
  demo: DemoTraffic | null,
): Promise<DashboardSnapshot & { fleet?: FleetView }> {
  if (demo) {
    const deadline = Date.now() + 2 * intervalMs;
    while (demo.load.answered < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
  await dash.collect();
  const snapshot = await dash.getDashboard();
  // Cluster mode: the fleet beside this machine's snapshot (getFleet() reads every stored node at once).
  return dash.hasCluster ? { ...snapshot, fleet: await dash.getFleet() } : snapshot;
}

/** `--demo-traffic`: the demo app and its load, started and stopped as one. */
import type { AppMetrics } from '../main/app-metrics/registry.js';
import { startDemoApp } from './demo-app.js';
import { startDemoLoad, type DemoLoad } from './demo-load.js';

export interface DemoTraffic {
  url: string;
  /** One line that says plainly what the REQ figures are made of. */
  notice: string;
  readonly load: DemoLoad;
  stop(): Promise<void>;
}

/** `metrics`: the dashboard's, for the demo app's own app metrics. */
export async function startDemoTraffic(metrics?: AppMetrics): Promise<DemoTraffic> {
  const app = await startDemoApp(metrics);
  const load = startDemoLoad(app.url);
  let stopping: Promise<void> | null = null;
  return {
    url: app.url,
    notice: `DEMO TRAFFIC: requests come from a built-in app at ${app.url} under a synthetic load of 2-40 req/s`,
    load,
    stop() {
      stopping ??= load.stop().then(() => app.close());
      return stopping;
    },
  };
}

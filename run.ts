#!/usr/bin/env node
/** threadboard CLI: prints the live dashboard of this machine. */
import { startDashboard } from './src/index.js';
import { snapshotLines } from './src/cli/text-lines.js';

const dash = await startDashboard();
const timer = setInterval(async () => {
  const snap = await dash.getDashboard();
  process.stdout.write(snapshotLines(snap).join('\n') + '\n\n');
}, 1000);
const quit = async (): Promise<void> => {
  clearInterval(timer);
  await dash.stop();
};
process.once('SIGINT', () => void quit());
process.once('SIGTERM', () => void quit());

/** The coordinator thread: a Coordinator exposed to main over comlink, under main's supervisor. */
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { workerData } from 'node:worker_threads';
import { Coordinator } from '../src/coordinator/coordinator.js';
import type { CoordinatorData } from '../src/protocol/coordinator.js';
import { connectToSupervisor } from '../src/supervisor/child-side.js';
import { injectFault } from '../src/supervisor/faults.js';

const data = (workerData as { coordinator: CoordinatorData }).coordinator;
const link = connectToSupervisor();
const coordinator = new Coordinator(
  data,
  (msg) => link.post(msg),
  (message) => {
    // Escalation: die with the reason, taking the remaining workers down; main's supervisor decides.
    setImmediate(() => {
      throw new Error(message);
    });
  },
);

link.onControl((msg) => {
  if (msg.type === 'stop') {
    void coordinator.stop().then(() => process.exit(0));
  } else if (msg.type === 'crash') {
    injectFault(msg.how);
  }
});

Comlink.expose(coordinator, nodeEndpoint(data.port));
await coordinator.start();
link.ready();

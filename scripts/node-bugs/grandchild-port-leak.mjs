// Node, not threadboard: the main thread keeps one MessagePort for every thread ever started
// anywhere in the process (the registry behind worker.postMessageToThread,
// lib/internal/worker/messaging.js). A parent thread unregisters a child's port, by a message to
// main, when that child's exit reaches the parent's event loop; a parent that dies with its
// children still running (terminated, hung, out of memory, an uncaught exception) never does, and
// the registry has no 'close' handler, so main keeps those ports and their listeners for good.
// Plain Node, no threadboard code: 200 parents, each terminated with 3 children running.
//   node scripts/node-bugs/grandchild-port-leak.mjs [parents]
// Seen here: 4.7 KB per parent on Node 20.20.2, 4.5 KB on 22.23.3, 4.2 KB on 24.21.0.
import { Worker } from 'node:worker_threads';
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const parents = Number(process.argv[2] ?? 200);
const CHILDREN = 3;
const parentSource = `
  const { Worker, parentPort } = require('node:worker_threads');
  let online = 0;
  for (let i = 0; i < ${CHILDREN}; i++) {
    const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
    w.on('online', () => { if (++online === ${CHILDREN}) parentPort.postMessage('children up'); });
  }`;

async function parentDiesWithChildren() {
  const parent = new Worker(parentSource, { eval: true });
  await new Promise((resolve) => parent.once('message', resolve));
  await parent.terminate();
}

/** A full GC, and time for FinalizationRegistry callbacks, three times: only what is kept stays. */
async function settle() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (let i = 0; i < 10; i++) await parentDiesWithChildren();
await settle();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < parents; i++) await parentDiesWithChildren();
await settle();
const grown = process.memoryUsage().heapUsed - before;
console.log(
  `node ${process.version}: ${parents} parents terminated with ${CHILDREN} children running; ` +
    `main's heap grew ${(grown / 1024).toFixed(0)} KiB, ${(grown / parents / 1024).toFixed(1)} KB per parent`,
);

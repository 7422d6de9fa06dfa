// Node, not threadboard: a worker thread that dies while its own child thread is still loading
// ES modules leaves the module files it was reading open in the process, for good. Plain Node,
// no threadboard code: 300 parents that throw 0-40 ms after starting a child leave a few files
// open (seen here: 2-3 on Node 20.20). `node scripts/node-bugs/module-fd-leak.mjs`
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const dir = mkdtempSync(path.join(os.tmpdir(), 'module-fd-leak-'));
// A child entry with a few modules to load, like a metric worker's.
for (let i = 0; i < 4; i++) writeFileSync(path.join(dir, `m${i}.mjs`), `export const x${i} = ${i};\n${'// padding\n'.repeat(2000)}`);
writeFileSync(path.join(dir, 'child.mjs'), [0, 1, 2, 3].map((i) => `import './m${i}.mjs';`).join('\n'));
const childUrl = new URL(`file://${path.join(dir, 'child.mjs')}`).href;

const openInDir = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
    } catch {
      return false;
    }
  }).length;

const parent = `
const { Worker } = require('node:worker_threads');
new Worker(new URL(${JSON.stringify(childUrl)})).on('error', () => {});
setTimeout(() => { throw new Error('the parent dies'); }, Math.random() * 40);
`;
for (let i = 0; i < 300; i++) {
  const w = new Worker(parent, { eval: true });
  w.on('error', () => {});
  await new Promise((resolve) => w.once('exit', resolve));
}
await new Promise((resolve) => setTimeout(resolve, 500));
console.log(`module files still open after 300 parent deaths: ${openInDir()}`);
rmSync(dir, { recursive: true, force: true });

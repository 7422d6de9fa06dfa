// Runs before each test file, in the file's own process (vitest.config.ts: setupFiles). It
// starts the threads Node itself creates lazily, so that a test's thread-count baseline already
// holds them and a leak check counts only what the dashboard started and stopped.
import { stat } from 'node:fs/promises';
import { threadCount } from './helpers.js';

// libuv's threadpool (four threads): Node 20 starts it at startup, Node 22 and 24 on the first
// async fs, dns or crypto call, which may come after a baseline. libuv creates every pool thread
// on the first call; a few concurrent ones make sure. (threadCount() also leaves these threads
// out by name where Node names them `libuv-worker`, on 22 and 24.)
await Promise.all(Array.from({ length: 4 }, () => stat('/')));

// Node 22 and 24 start a one-shot thread the first time any thread of the process loads
// node:tls: it reads the CA certificates ahead of a first TLS connection, then ends. It has no
// name of its own. The dashboard gets there without any TLS: the coordinator's first sample
// arrives on a BroadcastChannel, whose message events Node builds with its bundled undici,
// which loads tls. Loading tls here, and waiting for that thread to end, takes it out of every
// count; once per process is all Node does.
const before = threadCount();
await import('node:tls');
const deadline = Date.now() + 10_000;
while (threadCount() > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));

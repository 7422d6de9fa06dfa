import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts libuv's threadpool before any thread count is taken (Node 22 and 24 start it lazily).
    setupFiles: ['test/setup.ts'],
    // Real threads and real crashes: generous bounds, and files in separate processes so
    // thread counts (/proc/self/task) belong to one test file alone.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});

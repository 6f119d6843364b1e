import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Model copies are worker threads; tests that start them need real time on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Benchmarks compete for the two cores; files run one at a time so timing-sensitive tests stay honest.
    fileParallelism: false,
  },
});

import { defineConfig } from 'vitest/config';

/**
 * Tests whose figures depend on how the load generator is scheduled: they run one file at a time,
 * after the rest, so that no other test file competes with them for the two cores.
 */
const TIMING = ['test/load-*.test.ts', 'test/cli-scenarios.test.ts', 'test/cli-interrupt.test.ts', 'test/python-neuron-and-interrupt.test.ts', 'test/pipeline-run-events.test.ts'];

export default defineConfig({
  test: {
    // Model copies are worker threads or Python processes; tests that start them need real time on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      // Everything else asserts values, not timings: two files at a time.
      { extends: true, test: { name: 'values', include: ['test/**/*.test.ts'], exclude: TIMING, maxWorkers: 2, isolate: false, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'timing', include: TIMING, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});

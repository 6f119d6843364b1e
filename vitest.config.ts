import { defineConfig } from 'vitest/config';

/**
 * Tests that need the machine to themselves: one needs two free cores to show copies computing at once, the
 * precision stop rule needs latencies that three test files at once on two cores would spread past what ten seconds
 * of queries can pin down, and the Server search checks its ceiling against its copy's served rate to half a percent,
 * which other test files' bursts on the event loop would blur. They run one at a time, after the rest.
 */
const EXCLUSIVE = ['test/load-copies-overlap.test.ts', 'test/load-precision-stop.test.ts', 'test/load-server-search.test.ts'];

export default defineConfig({
  test: {
    // Model copies are worker threads or Python processes; tests that start them need real time on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      // Three files at a time on two cores: the load tests spend most of their time waiting on timers, and every
      // test holds on a busy machine (bounds come from what the test itself measured). Files share a process's
      // modules, so the source is imported once per process rather than once per file.
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: EXCLUSIVE, maxWorkers: 3, isolate: false, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'exclusive', include: EXCLUSIVE, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});

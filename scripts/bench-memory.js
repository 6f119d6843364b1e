// Resident memory over 10 million requests through a backend that does nothing, in a process of
// its own so that no earlier benchmark's heap is counted. Run by scripts/bench.js, with V8's young
// generation at its full size from the start (--min-semi-space-size=16).
import { ClosedLoopLoadGenerator } from '../dist/entry/load.js';
import { NullBackend } from '../dist/entry/backends.js';
import { getHeapSpaceStatistics } from 'node:v8';

const youngBytes = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;

const REQUESTS = 10_000_000;
const loaded = await new NullBackend().load({ artifact: { path: '', batchSize: 1 }, inputs: { feeds: [{}], batchSize: 1, description: 'none' }, copies: 1 });
try {
  let startRss = 0;
  let maxRss = 0;
  const sample = () => (maxRss = Math.max(maxRss, process.memoryUsage.rss()));
  // Histograms are fixed-size and windows are summarised as they close, so nothing grows per request.
  const result = await new ClosedLoopLoadGenerator({ clients: 1, queryCount: REQUESTS, warmupQueries: 100_000 }).run(
    { copies: loaded.copies, inputCount: 1 },
    // With a signal, as the CLI runs it: each request then also waits on the run's cancellation.
    { signal: new AbortController().signal, onMeasurementStart: () => (startRss = maxRss = process.memoryUsage.rss()), onWindow: sample },
  );
  sample();
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
  console.log(
    `memory over ${result.completedRequests.toLocaleString('en-US')} requests (null backend, ${result.windows.length} windows, ${(result.elapsedNs / 1e9).toFixed(1)} s): ` +
      `resident ${mb(startRss)} MiB at the start, ${mb(maxRss)} MiB at most, growth ${mb(maxRss - startRss)} MiB (target < 20 MB; young generation fixed at ${mb(youngBytes())} MiB)`,
  );
} finally {
  await loaded.close();
}

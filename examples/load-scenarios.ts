/**
 * MLPerf's scenarios on the built-in model, through the run's events: SingleStream measures the
 * latency of one query at a time; Server then sends Poisson arrivals at half the rate SingleStream
 * sustained and checks p99 against a target, printing each one-second window as it closes (the
 * last one cut short).
 *
 * Run (after npm run build; or from source with node --conditions=inferbench-source --import tsx):
 *   npx tsx examples/load-scenarios.ts [seconds]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchmark } from 'inferbench';

const seconds = Number(process.argv[2] ?? 5);
const cacheDir = await mkdtemp(join(tmpdir(), 'inferbench-scenarios-'));
try {
  const common = { batchSize: 1, sequenceLength: 32, cacheDir, minQueryCount: 1, minDurationMs: seconds * 1000, maxDurationMs: seconds * 1000 };

  const single = await runBenchmark({ ...common, scenario: 'SingleStream' });
  const p90Ns = single.measurement.latency.percentilesNs['90']!;
  const rateQps = single.measurement.throughput.queriesPerSecond / 2;
  console.log(`SingleStream: ${single.measurement.completedQueries} queries, p90 ${(p90Ns / 1e6).toFixed(2)} ms, bound ${((single.measurement.earlyStopping.estimateNs ?? NaN) / 1e6).toFixed(2)} ms`);

  const server = runBenchmark({ ...common, scenario: 'Server', rateQps, targetLatencyMs: (10 * p90Ns) / 1e6 });
  let ticks = 0;
  server.on('tick', (window, running) => {
    ticks++;
    console.log(`  window ${window.index}: ${window.completedQueries} queries, ${window.queriesPerSecond.toFixed(1)} q/s, p99 so far ${((running.latencyPercentilesNs['99'] ?? 0) / 1e6).toFixed(2)} ms`);
  });
  const result = await server;
  const m = result.measurement;
  console.log(`Server at ${rateQps.toFixed(1)} q/s: achieved ${m.offeredLoad?.achievedQps?.toFixed(1)} q/s, ${m.offeredLoad?.lateQueries} sent late, target ${m.latencyTarget?.passed ? 'met' : 'missed'}`);
  console.log(`verdict ${result.verdict.valid ? 'VALID' : 'INVALID'}${result.verdict.reasons.map((r) => `\n  - ${r.message}`).join('')}`);

  // The test suite runs this file: a wrong result must fail it.
  const problems: string[] = [];
  if (single.settings.clients !== 1 || single.measurement.completedQueries < 10) problems.push('SingleStream ran too few queries');
  if (m.offeredLoad?.targetQps !== rateQps) problems.push(`Server's target rate is ${m.offeredLoad?.targetQps}, expected ${rateQps}`);
  if (ticks !== m.windows.length) problems.push(`${ticks} ticks for ${m.windows.length} windows`);
  if (m.latency.count !== m.completedQueries || m.errors.total !== 0) problems.push('latency count or errors are wrong');
  if (problems.length > 0) {
    console.error(`unexpected result: ${problems.join('; ')}`);
    process.exitCode = 1;
  }
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}

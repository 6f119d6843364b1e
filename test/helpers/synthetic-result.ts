import { LatencyHistogram } from '../../src/stats/latency-histogram.js';
import { collectEnvironment } from '../../src/hardware/environment.js';
import { computeEfficiency } from '../../src/results/efficiency.js';
import { judgeMeasurement } from '../../src/results/verdict.js';
import { resolveBenchmarkSettings, type BenchmarkSettingsInput } from '../../src/options/benchmark-options.js';
import { summarizeMeasurement } from '../../src/results/measurement.js';
import { RESULT_SCHEMA_VERSION, type BenchmarkResult } from '../../src/results/benchmark-result.js';
import { type ErrorCounts } from '../../src/load/load-generator.js';
import { histogramOf } from './histogram-of.js';

/** What a result measured nowhere is made of; each member has a default. */
export interface SyntheticRun {
  /** End-to-end latencies; default the window latencies, flattened. Compute time is half of each. */
  readonly latenciesNs?: readonly number[];
  /** Latencies window by window (1 s windows): the windows' percentiles and rates come from them. */
  readonly windowLatenciesNs?: readonly (readonly number[])[];
  /** Completed queries in each 1 s window; default the count of each window's latencies, or no windows. */
  readonly windowRates?: readonly number[];
  /** Failed requests; default none. */
  readonly errors?: ErrorCounts;
  /** When the run started; default 2026-01-01T00:00:00.000Z. */
  readonly startedAt?: string;
  /** How long it measured; default what the window rates imply, else 10 s. */
  readonly elapsedNs?: number;
  /** Completed requests per copy; default all on one copy. */
  readonly requestsPerCopy?: readonly number[];
  /** Benchmark options; default a run of exactly its latencies' count of queries. */
  readonly settings?: BenchmarkSettingsInput;
  /** The host's CPU, in place of this machine's. */
  readonly cpuModel?: string;
  /** An open loop's send delays; default none. */
  readonly sendDelaysNs?: readonly number[];
  /** Queries sent late; default 0. */
  readonly lateQueries?: number;
  /** An open loop's achieved rate; default unset. */
  readonly achievedQps?: number;
}

/** `count` requests that failed in their worker. */
export const workerFailures = (count: number): ErrorCounts => ({
  total: count,
  timeouts: 0,
  byKind: count > 0 ? { WORKER_FAILED: { count, example: 'copy 0 failed' } } : {},
});

/** A result measured nowhere: its figures come from the given latencies through the pipeline's own summary and verdict. */
export function syntheticResult(run: SyntheticRun): BenchmarkResult {
  const { windowLatenciesNs, errors = workerFailures(0), startedAt = '2026-01-01T00:00:00.000Z', cpuModel, sendDelaysNs = [], lateQueries = 0, achievedQps } = run;
  const latenciesNs = run.latenciesNs ?? windowLatenciesNs?.flat() ?? [];
  const windowRates = run.windowRates ?? windowLatenciesNs?.map((w) => w.length) ?? [];
  const count = latenciesNs.length;
  const requestsPerCopy = run.requestsPerCopy ?? [count];
  const settings = resolveBenchmarkSettings(run.settings ?? { queryCount: count });
  const windows = windowRates.map((rate, index) => ({
    index,
    startNs: index * 1e9,
    endNs: (index + 1) * 1e9,
    partial: false,
    completedQueries: rate,
    completedRequests: rate,
    failedRequests: 0,
    queriesPerSecond: rate,
    requestsPerSecond: rate,
    latencyPercentilesNs: windowLatenciesNs === undefined ? {} : histogramOf(windowLatenciesNs[index]!).percentilesNs(settings.percentiles),
    stabilityLatencyNs: undefined,
  }));
  // The whole run's rate agrees with its windows'.
  const elapsedNs = run.elapsedNs ?? (windowRates.length > 0 ? (count / (windowRates.reduce((a, b) => a + b) / windowRates.length)) * 1e9 : 10e9);
  const measurement = summarizeMeasurement(
    {
      settings,
      latency: histogramOf(latenciesNs),
      queue: new LatencyHistogram(),
      compute: histogramOf(latenciesNs.map((v) => v / 2)),
      sendDelay: histogramOf(sendDelaysNs),
      issuedQueries: count + errors.total,
      completedQueries: count,
      completedRequests: count,
      errors,
      lateQueries,
      unfinishedQueries: 0,
      achievedQps,
      warmupQueries: 10,
      firstInference: { latencyNs: requestsPerCopy.map(() => 5e6), computeNs: requestsPerCopy.map(() => 4e6) },
      elapsedNs,
      requestsPerCopy,
      windows,
      stability: { stable: true, windowsJudged: 3, throughputRatio: 1.01, latencyRatio: 1.02, reason: null },
      precisionMet: undefined,
      stopReason: settings.maxQueryCount === settings.minQueryCount ? 'query-count' : 'minimums-met',
    },
    settings.batchSize,
  );
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    startedAt,
    settings,
    model: { name: 'synthetic', path: 'synthetic.onnx', sha256: 'a'.repeat(64), synthetic: true, task: 'text', inputs: [], outputs: [] },
    inputs: { description: 'synthetic', batchSize: settings.batchSize, inputCount: 10 },
    compile: { compiler: 'onnxruntime', artifactPath: 'synthetic.onnx', cacheHit: true, compileNs: 0, dimensions: {}, maxAbsDifference: 0 },
    backend: { name: 'onnxruntime-cpu', copies: requestsPerCopy.length, loadNs: 1e6, effectiveSettings: {} },
    measurement,
    efficiency: computeEfficiency(settings, measurement.throughput.samplesPerSecond, requestsPerCopy.length, {}),
    verdict: judgeMeasurement(measurement, settings),
    thresholds: [],
    serverSearch: null,
    environment: { ...collectEnvironment(), ...(cpuModel === undefined ? {} : { cpuModel }) },
  } as unknown as BenchmarkResult;
}

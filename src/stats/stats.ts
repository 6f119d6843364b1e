import { earlyStoppingEstimate, earlyStoppingTargetCheck, type EarlyStoppingEstimate, type EarlyStoppingTargetCheck } from './early-stopping.js';
import type { LatencyHistogram, LatencySummary } from './latency-histogram.js';
import { percentileInterval, type PercentileInterval } from './percentile-confidence.js';
import { computeThroughput, type Throughput } from './throughput.js';

/**
 * The statistics a benchmark reports from what its load generator recorded. Every method is pure:
 * it reads the histograms and returns figures, so an implementation may be swapped in whole (to
 * report other estimators) without touching measurement. Latencies are in nanoseconds.
 */
export interface Stats {
  /** Name for reports. */
  readonly name: string;
  /** Requests, samples and queries per second over the measured time. */
  throughput(requests: number, batchSize: number, elapsedNs: number): Throughput;
  /** Count, mean, extremes and the given percentiles of a histogram. */
  summarize(latency: LatencyHistogram, percentiles: readonly number[]): LatencySummary;
  /** A confidence interval of one percentile at `confidenceLevel` (0.99 = 99%). */
  percentileInterval(latency: LatencyHistogram, percentile: number, confidenceLevel: number): PercentileInterval;
  /** MLPerf LoadGen's early-stopping estimate: the percentile that the run bounds at that confidence. */
  earlyStopping(latency: LatencyHistogram, percentile: number, confidenceLevel: number): EarlyStoppingEstimate;
  /** Whether the percentile is known to lie under `targetNs` at that confidence. */
  latencyTarget(latency: LatencyHistogram, percentile: number, targetNs: number, confidenceLevel: number): EarlyStoppingTargetCheck;
}

/** Distribution-free statistics: order-statistic intervals from the exact binomial, and MLPerf's early stopping. */
export const defaultStats: Stats = {
  name: 'order statistics (exact binomial)',
  throughput: computeThroughput,
  summarize: (latency, percentiles) => latency.summarize(percentiles),
  percentileInterval,
  earlyStopping: earlyStoppingEstimate,
  latencyTarget: earlyStoppingTargetCheck,
};

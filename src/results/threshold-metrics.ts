import type { LatencyHistogram } from '../stats/latency-histogram.js';
import type { ThresholdMetrics } from '../stats/thresholds.js';
import type { Measurement } from './measurement.js';

/** A measurement's figures for thresholds; any latency percentile is read from the full histogram. */
export function thresholdMetricsOf(latency: LatencyHistogram, m: Measurement): ThresholdMetrics {
  const attempted = m.completedRequests + m.errors.total;
  return {
    latencyPercentileNs: (percentile) => (latency.count === 0 ? 0 : latency.valueAtPercentileNs(percentile)),
    meanNs: m.latency.meanNs,
    minNs: m.latency.minNs,
    maxNs: m.latency.maxNs,
    samplesPerSecond: m.throughput.samplesPerSecond,
    queriesPerSecond: m.throughput.queriesPerSecond,
    errorCount: m.errors.total,
    errorRate: attempted === 0 ? 0 : m.errors.total / attempted,
  };
}

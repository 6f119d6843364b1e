/**
 * inferbench/stats: figures from recorded latencies, with their uncertainty. Pure: no model runtime loads.
 *
 * @module inferbench/stats
 */
export type { Stats } from '../stats/stats.js';
export { defaultStats } from '../stats/stats.js';
export { LatencyHistogram, DEFAULT_PERCENTILES } from '../stats/latency-histogram.js';
export type { LatencySummary } from '../stats/latency-histogram.js';
export { computeThroughput } from '../stats/throughput.js';
export type { Throughput } from '../stats/throughput.js';
export { percentileInterval, withinPrecision, DEFAULT_CONFIDENCE_LEVEL } from '../stats/percentile-confidence.js';
export type { PercentileInterval } from '../stats/percentile-confidence.js';
export { earlyStoppingEstimate, earlyStoppingTargetCheck, earlyStoppingMinimumCount } from '../stats/early-stopping.js';
export type { EarlyStoppingEstimate, EarlyStoppingTargetCheck } from '../stats/early-stopping.js';
export { checkStability, resolveStabilitySettings } from '../stats/stability.js';
export type { WindowFigures, StabilityOptions, StabilitySettings, StabilityCheck } from '../stats/stability.js';
export { parseThresholds, evaluateThresholds } from '../stats/thresholds.js';
export type { Threshold, ThresholdMetrics, ThresholdOutcome } from '../stats/thresholds.js';
// Two-sample statistics, as compare uses them.
export { bootstrapPercentileDifferenceNs, bootstrapMeanDifference } from '../stats/bootstrap.js';
export type { BoundedInterval, ResampleOptions } from '../stats/bootstrap.js';
export type { SeededRandom } from '../core/random.js';
export { welchDifferenceInterval } from '../stats/welch.js';
export type { SampleMoments } from '../stats/welch.js';
export { poissonRatesPValue } from '../stats/poisson-rate-test.js';
export type { FailureCount } from '../stats/poisson-rate-test.js';

import type { ErrorCounts, FirstInference, LoadResult, MeasurementWindow, StopReason } from '../load/load-generator.js';
import type { Scenario } from '../options/scenarios.js';
import type { EarlyStoppingEstimate, EarlyStoppingTargetCheck } from '../stats/early-stopping.js';
import type { LatencySummary } from '../stats/latency-histogram.js';
import { estimateCountForPrecision, minimumCountForInterval, withinPrecision, type PercentileInterval } from '../stats/percentile-confidence.js';
import type { StabilityCheck } from '../stats/stability.js';
import { defaultStats, type Stats } from '../stats/stats.js';
import type { Throughput } from '../stats/throughput.js';

/** Throughput over the whole run and over its windows, as NeuronPerf reports it. */
export interface MeasuredThroughput extends Throughput {
  /** Completed queries per second over the whole run. */
  readonly queriesPerSecond: number;
  /** Mean samples per second over the whole windows, leaving out the first (ramp-up) and the last (cut short); the whole run's figure when fewer than three windows. */
  readonly averageSamplesPerSecond: number;
  /** Highest samples per second of those windows. */
  readonly peakSamplesPerSecond: number;
  /** Windows the average and peak were taken over (0: the whole run's figure). */
  readonly windowsAveraged: number;
}

/** An open loop's schedule, and how well it was kept. */
export interface OfferedLoad {
  /** Target queries per second. */
  readonly targetQps: number;
  /** Queries issued per second, first send to last. */
  readonly achievedQps: number | undefined;
  /** Constant or Poisson arrivals. */
  readonly arrival: string;
  /** Queries sent later than the threshold after they were due. */
  readonly lateQueries: number;
  /** The late-send threshold. */
  readonly lateSendThresholdMs: number;
  /**
   * Queries still waiting for their copies when the run stopped waiting for them, a grace after issuing stopped: the
   * copies could not serve the target rate. The latency figures count each at its wait until then, a lower bound.
   */
  readonly unfinishedQueries: number;
  /** How late queries were sent. */
  readonly sendDelay: LatencySummary;
}

/** Whether the asked precision was reached. */
export interface PrecisionOutcome {
  /** The relative half-width asked (0.01 = 1%). */
  readonly target: number;
  /** True when every reported percentile's interval was that narrow. */
  readonly met: boolean;
  /** The percentile furthest from the target, and its relative half-width (null: unbounded). */
  readonly widest: { readonly percentile: number; readonly relativeHalfWidth: number | null };
  /**
   * Estimated total queries that would reach the target (null when met): from the widest interval's 1/√n scaling, or,
   * while an interval is still unbounded, at least the count that bounds it at all.
   */
  readonly queriesNeeded: number | null;
}

/** A window of the time series, with samples per second. */
export interface ReportedWindow extends MeasurementWindow {
  /** Completed samples (requests × batch size) per second. */
  readonly samplesPerSecond: number;
}

/** What a measured run found, in a form written to JSON unchanged. Times in nanoseconds. */
export interface Measurement {
  /** How queries were issued. */
  readonly scenario: Scenario;
  /** Why issuing stopped. */
  readonly stopReason: StopReason;
  /** Measured queries issued. */
  readonly issuedQueries: number;
  /** Measured queries completed. */
  readonly completedQueries: number;
  /** Measured requests (model inferences) completed. */
  readonly completedRequests: number;
  /** Warm-up queries, not measured. */
  readonly warmupQueries: number;
  /** From the start of measurement to the last completion. */
  readonly elapsedNs: number;
  /** Queries, requests and samples per second; windowed average and peak. */
  readonly throughput: MeasuredThroughput;
  /** Open loop only: the schedule and how well it was kept. */
  readonly offeredLoad: OfferedLoad | null;
  /** Query latency, from when each query was due to its completion. */
  readonly latency: LatencySummary;
  /** Confidence interval of each reported latency percentile, at `confidenceLevel`. */
  readonly latencyIntervals: readonly PercentileInterval[];
  /** Confidence level of the intervals and of early stopping. */
  readonly confidenceLevel: number;
  /** Per request: waiting for a free copy and messaging, before compute began. */
  readonly queue: LatencySummary;
  /** Per request: compute time inside the copy. */
  readonly compute: LatencySummary;
  /** MLPerf's early-stopping estimate of the scenario's percentile: an upper bound at the confidence level. */
  readonly earlyStopping: EarlyStoppingEstimate;
  /** Server only: whether the scenario's percentile meets the latency target, by the same rule. */
  readonly latencyTarget: EarlyStoppingTargetCheck | null;
  /** When a precision was asked: whether it was reached. */
  readonly precision: PrecisionOutcome | null;
  /** The stability rule over the last windows. */
  readonly stability: StabilityCheck;
  /** Failed and timed-out requests, by kind; never in the latency figures. */
  readonly errors: ErrorCounts;
  /** Each copy's first, cold inference, apart from the steady state. */
  readonly firstInference: FirstInference;
  /** Requests served by each copy. */
  readonly requestsPerCopy: readonly number[];
  /** The time series: one entry per window. */
  readonly windows: readonly ReportedWindow[];
  /** HDR compressed encodings, so that nothing is lost and runs can be merged. */
  readonly histograms: { readonly latency: string; readonly queue: string; readonly compute: string; readonly sendDelay: string };
}

/** NeuronPerf's windowed throughput: whole windows without the first and last, else the whole run. */
function windowedThroughput(windows: readonly ReportedWindow[], overallSamplesPerSecond: number) {
  const inner = windows.filter((w) => !w.partial).slice(1);
  if (windows.at(-1)?.partial === false) inner.pop();
  if (inner.length === 0) return { averageSamplesPerSecond: overallSamplesPerSecond, peakSamplesPerSecond: overallSamplesPerSecond, windowsAveraged: 0 };
  const rates = inner.map((w) => w.samplesPerSecond);
  return { averageSamplesPerSecond: rates.reduce((a, b) => a + b, 0) / rates.length, peakSamplesPerSecond: Math.max(...rates), windowsAveraged: rates.length };
}

function precisionOutcome(intervals: readonly PercentileInterval[], target: number, count: number): PrecisionOutcome {
  const widths = intervals.map((i) => ({ percentile: i.percentile, relativeHalfWidth: i.relativeHalfWidth }));
  const widest = widths.reduce((a, b) => (a.relativeHalfWidth === null ? a : b.relativeHalfWidth === null || b.relativeHalfWidth > a.relativeHalfWidth ? b : a));
  const met = withinPrecision(intervals, target);
  const needed = intervals.map((i) =>
    i.relativeHalfWidth === null ? minimumCountForInterval(i.percentile, i.confidenceLevel) : estimateCountForPrecision(count, i.relativeHalfWidth, target),
  );
  return { target, met, widest, queriesNeeded: met ? null : Math.max(count + 1, ...needed) };
}

/**
 * Summarises a load generator's result for reports, with `stats`: percentiles with intervals, early stopping, windows.
 * The clock's origin plays no part, so merged runs, which have none, summarise too.
 */
export function summarizeMeasurement(load: Omit<LoadResult, 'startNs'>, batchSize: number, stats: Stats = defaultStats): Measurement {
  const s = load.settings;
  const throughput = stats.throughput(load.completedRequests, batchSize, load.elapsedNs);
  const windows = load.windows.map((w) => ({ ...w, samplesPerSecond: w.requestsPerSecond * batchSize }));
  const latencyIntervals = s.percentiles.map((p) => stats.percentileInterval(load.latency, p, s.confidenceLevel));
  return {
    scenario: s.scenario,
    stopReason: load.stopReason,
    issuedQueries: load.issuedQueries,
    completedQueries: load.completedQueries,
    completedRequests: load.completedRequests,
    warmupQueries: load.warmupQueries,
    elapsedNs: load.elapsedNs,
    throughput: {
      ...throughput,
      queriesPerSecond: load.elapsedNs > 0 ? (load.completedQueries * 1e9) / load.elapsedNs : 0,
      ...windowedThroughput(windows, throughput.samplesPerSecond),
    },
    offeredLoad:
      s.rateQps === undefined
        ? null
        : {
            targetQps: s.rateQps,
            achievedQps: load.achievedQps,
            arrival: s.arrival ?? 'constant',
            lateQueries: load.lateQueries,
            lateSendThresholdMs: s.lateSendThresholdMs,
            unfinishedQueries: load.unfinishedQueries,
            sendDelay: stats.summarize(load.sendDelay, s.percentiles),
          },
    latency: stats.summarize(load.latency, s.percentiles),
    latencyIntervals,
    confidenceLevel: s.confidenceLevel,
    queue: stats.summarize(load.queue, s.percentiles),
    compute: stats.summarize(load.compute, s.percentiles),
    earlyStopping: stats.earlyStopping(load.latency, s.scenarioPercentile, s.confidenceLevel),
    latencyTarget:
      s.targetLatencyMs === undefined ? null : stats.latencyTarget(load.latency, s.scenarioPercentile, s.targetLatencyMs * 1e6, s.confidenceLevel),
    precision: s.precision === undefined ? null : precisionOutcome(latencyIntervals, s.precision, load.completedQueries),
    stability: load.stability,
    errors: load.errors,
    firstInference: load.firstInference,
    requestsPerCopy: load.requestsPerCopy,
    windows,
    histograms: { latency: load.latency.encode(), queue: load.queue.encode(), compute: load.compute.encode(), sendDelay: load.sendDelay.encode() },
  };
}

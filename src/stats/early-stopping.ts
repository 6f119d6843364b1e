import { requirePositive } from '../core/validate.js';
import { binomialCdf, binomialQuantile } from './binomial.js';
import type { LatencyHistogram } from './latency-histogram.js';
import { DEFAULT_CONFIDENCE_LEVEL, requireConfidenceLevel, requirePercentile } from './percentile-confidence.js';

/**
 * MLPerf LoadGen's early-stopping estimate of a latency percentile: a value that the true percentile stays at or
 * below with probability `confidenceLevel`, however few queries ran. All times in nanoseconds.
 */
export interface EarlyStoppingEstimate {
  /** The percentile estimated, strictly between 0 and 100. */
  readonly percentile: number;
  /** Probability that the true percentile is at most `estimateNs`, strictly between 0 and 1. */
  readonly confidenceLevel: number;
  /** Queries recorded. */
  readonly count: number;
  /**
   * Most queries above a value that still leave it a bound at `confidenceLevel` (h); null when not even none would.
   */
  readonly allowedOverLatency: number | null;
  /**
   * Slowest queries set aside, as LoadGen's summary says "would discard": h − 1, since LoadGen counts the query at
   * the estimate among the slow ones. Null when `count` is below `minimumCount`.
   */
  readonly discardedQueries: number | null;
  /**
   * The value at rank count − discardedQueries (top of its bucket), LoadGen's estimate: a conservative upper bound
   * of the percentile; null with `discardedQueries`.
   */
  readonly estimateNs: number | null;
  /** Fewest queries for which LoadGen gives an estimate (h ≥ 1): 64 for p90 and 662 for p99 at 99%. */
  readonly minimumCount: number;
}

/** Whether a run's latency percentile met a target, judged the way LoadGen's early stopping judges it. */
export interface EarlyStoppingTargetCheck {
  /** The percentile judged, strictly between 0 and 100. */
  readonly percentile: number;
  /** The latency the percentile must not exceed. */
  readonly targetNs: number;
  /** Confidence required that the true percentile is within the target, strictly between 0 and 1. */
  readonly confidenceLevel: number;
  /** Queries recorded. */
  readonly count: number;
  /** Queries slower than the target; a histogram bucket straddling the target counts as slower. */
  readonly overLatencyCount: number;
  /** Most slower queries that `count` queries tolerate at `confidenceLevel`; null when `count` is too small for any. */
  readonly allowedOverLatency: number | null;
  /** True when `overLatencyCount` is at most `allowedOverLatency`. */
  readonly passed: boolean;
  /**
   * When not passed: the smallest total count above `count` that would pass if the same fraction of queries stayed
   * slower (their number rounded up). Null when passed, and when it can never pass: the slower fraction is at least
   * 1 − percentile / 100, or the count would pass 2^53.
   */
  readonly queriesNeeded: number | null;
}

/**
 * LoadGen's h: the largest number of over-latency queries among `count` such that, were the true fraction of
 * queries slower than the estimate at least `overFraction`, seeing so few would have probability ≤ 1 − confidence.
 */
function allowedOverLatency(count: number, overFraction: number, confidenceLevel: number): number | null {
  const risk = 1 - confidenceLevel;
  const k = binomialQuantile(risk, count, overFraction);
  const h = binomialCdf(k, count, overFraction) <= risk ? k : k - 1;
  return h < 0 ? null : h;
}

/** Smallest count for which h = 0 passes: (1 − overFraction)^count ≤ 1 − confidence. */
function minimumCount(overFraction: number, confidenceLevel: number): number {
  const risk = 1 - confidenceLevel;
  const passes = (count: number): boolean => binomialCdf(0, count, overFraction) <= risk;
  // The closed form can land one off through rounding; settle it with the same test allowedOverLatency applies.
  let count = Math.max(1, Math.ceil(Math.log(risk) / Math.log1p(-overFraction)));
  while (count > 1 && passes(count - 1)) count--;
  while (!passes(count)) count++;
  return count;
}

/**
 * Smallest total above `count` that passes if the same fraction of queries stays slower, their number rounded up;
 * null when none does. Passing is not monotone in the total (the rounded-up slower count and h step at different
 * totals), so the search runs over slower counts o instead: the totals rounding to o form a range, within it the
 * test's cdf falls as the total grows, and at the top of each range it falls as o grows.
 */
function queriesNeeded(count: number, overLatencyCount: number, overFraction: number, confidenceLevel: number): number | null {
  const risk = 1 - confidenceLevel;
  if (overLatencyCount === 0) return minimumCount(overFraction, confidenceLevel);
  if (overLatencyCount >= overFraction * count) return null;
  const passes = (over: number, total: number): boolean => binomialCdf(over, total, overFraction) <= risk;
  /** Largest total whose rounded-up share of slower queries is `over`. */
  const top = (over: number): number => Math.floor((over * count) / overLatencyCount);
  // The range of o = overLatencyCount ends at `count`, which fails; double o until a range's top passes, then bisect.
  let failing = overLatencyCount;
  let passing = 2 * overLatencyCount;
  for (; !passes(passing, top(passing)); passing *= 2) {
    if (top(2 * passing) > Number.MAX_SAFE_INTEGER) return null;
    failing = passing;
  }
  while (passing - failing > 1) {
    const mid = Math.floor((failing + passing) / 2);
    if (passes(mid, top(mid))) passing = mid;
    else failing = mid;
  }
  // Within that range, the first total that passes.
  let low = Math.max(count, top(passing - 1));
  let high = top(passing);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (passes(passing, mid)) high = mid;
    else low = mid;
  }
  return high;
}

/** Smallest count whose h is at least 1, where LoadGen's SingleStream and MultiStream estimates begin. */
function minimumEstimateCount(overFraction: number, confidenceLevel: number): number {
  let count = minimumCount(overFraction, confidenceLevel);
  while ((allowedOverLatency(count, overFraction, confidenceLevel) ?? 0) < 1) count++;
  return count;
}

/**
 * Fewest queries that can meet a target at `percentile` and `confidenceLevel`, with none of them slower (459 for
 * p99 at 99%): a Server run shorter than this cannot pass.
 */
export function earlyStoppingMinimumCount(percentile: number, confidenceLevel: number = DEFAULT_CONFIDENCE_LEVEL): number {
  requireConfidenceLevel(confidenceLevel);
  return minimumCount((100 - requirePercentile(percentile)) / 100, confidenceLevel);
}

/**
 * LoadGen's early-stopping estimate of `percentile`: discard the h − 1 slowest queries, where h is the most that
 * `count` queries allow at `confidenceLevel`, and report the slowest one left (with 2,048 queries at p90 and 99%,
 * h is 173 and LoadGen's summary reads "Would discard 172 highest latency queries").
 */
export function earlyStoppingEstimate(histogram: LatencyHistogram, percentile: number, confidenceLevel: number = DEFAULT_CONFIDENCE_LEVEL): EarlyStoppingEstimate {
  const overFraction = (100 - requirePercentile(percentile)) / 100;
  requireConfidenceLevel(confidenceLevel);
  const count = histogram.count;
  const allowed = allowedOverLatency(count, overFraction, confidenceLevel);
  const discarded = allowed === null || allowed < 1 ? null : allowed - 1;
  return {
    percentile,
    confidenceLevel,
    count,
    allowedOverLatency: allowed,
    discardedQueries: discarded,
    estimateNs: discarded === null ? null : histogram.valueAtRankNs(count - discarded),
    minimumCount: minimumEstimateCount(overFraction, confidenceLevel),
  };
}

/**
 * Whether `percentile` of the recorded latencies is within `targetNs` with confidence `confidenceLevel`: the queries
 * slower than the target must be no more than early stopping allows. Unlike comparing the plain percentile with the
 * target, a short run cannot pass by luck.
 */
export function earlyStoppingTargetCheck(
  histogram: LatencyHistogram,
  percentile: number,
  targetNs: number,
  confidenceLevel: number = DEFAULT_CONFIDENCE_LEVEL,
): EarlyStoppingTargetCheck {
  const overFraction = (100 - requirePercentile(percentile)) / 100;
  requirePositive('targetNs', targetNs);
  requireConfidenceLevel(confidenceLevel);
  const count = histogram.count;
  const overLatencyCount = histogram.countAboveNs(targetNs);
  const allowed = allowedOverLatency(count, overFraction, confidenceLevel);
  const passed = allowed !== null && overLatencyCount <= allowed;
  return {
    percentile,
    targetNs,
    confidenceLevel,
    count,
    overLatencyCount,
    allowedOverLatency: allowed,
    passed,
    queriesNeeded: passed ? null : queriesNeeded(count, overLatencyCount, overFraction, confidenceLevel),
  };
}

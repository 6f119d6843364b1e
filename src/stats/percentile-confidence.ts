import { InferbenchError } from '../core/errors.js';
import { requireInteger, requirePositive } from '../core/validate.js';
import { binomialQuantile } from './binomial.js';
import type { LatencyHistogram } from './latency-histogram.js';

/** Confidence level unless the caller asks for another: MLPerf LoadGen's 99%. */
export const DEFAULT_CONFIDENCE_LEVEL = 0.99;

/** A latency percentile with a distribution-free confidence interval around it. All times in nanoseconds. */
export interface PercentileInterval {
  /** The percentile estimated, strictly between 0 and 100. */
  readonly percentile: number;
  /** Probability that the interval holds the true percentile, strictly between 0 and 1 (0.99 for 99%). */
  readonly confidenceLevel: number;
  /** The estimate itself, as {@link LatencyHistogram.valueAtPercentileNs} reports it. */
  readonly valueNs: number;
  /** Lower bound: bottom of the bucket holding the value at `lowerRank`; 0 when `lowerRank` is 0. */
  readonly lowerNs: number;
  /** Upper bound: top of the bucket holding the value at `upperRank`; null (unbounded) when too few values were recorded. */
  readonly upperNs: number | null;
  /** 1-based rank of the order statistic bounding the interval from below; 0 when no recorded value is low enough to. */
  readonly lowerRank: number;
  /** 1-based rank of the order statistic bounding the interval from above; null when it would pass the count. */
  readonly upperRank: number | null;
  /** Wider side of the interval over the estimate, max(upperNs − valueNs, valueNs − lowerNs) / valueNs; null when unbounded. */
  readonly relativeHalfWidth: number | null;
}

/** Ranks of the order statistics that bound a percentile's confidence interval. */
export interface PercentileConfidenceRanks {
  /** 1-based rank of the lower bound; 0 when the interval reaches down to 0. */
  readonly lowerRank: number;
  /** 1-based rank of the upper bound; null when the interval is unbounded above. */
  readonly upperRank: number | null;
}

/** `percentile` if it lies strictly between 0 and 100; otherwise an INVALID_OPTION error. */
export function requirePercentile(percentile: number): number {
  if (!(percentile > 0 && percentile < 100)) {
    throw new InferbenchError('INVALID_OPTION', `percentile must be a number above 0 and below 100 (e.g. 99), got ${percentile}`);
  }
  return percentile;
}

/** `confidenceLevel` if it lies strictly between 0 and 1; otherwise an INVALID_OPTION error. */
export function requireConfidenceLevel(confidenceLevel: number): number {
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
    throw new InferbenchError('INVALID_OPTION', `confidenceLevel must be a fraction above 0 and below 1 (e.g. 0.99 for 99%), got ${confidenceLevel}`);
  }
  return confidenceLevel;
}

/**
 * Ranks l ≤ u of a distribution-free two-sided confidence interval for the q-quantile (q = percentile / 100)
 * of `count` independent values: P(X₍l₎ ≤ ξq ≤ X₍u₎) ≥ confidenceLevel. The number of values below ξq is
 * Binomial(count, q), and each side gets half of 1 − confidenceLevel.
 */
export function percentileConfidenceRanks(count: number, percentile: number, confidenceLevel: number = DEFAULT_CONFIDENCE_LEVEL): PercentileConfidenceRanks {
  requireInteger('count', count, 0);
  const q = requirePercentile(percentile) / 100;
  const tail = (1 - requireConfidenceLevel(confidenceLevel)) / 2;
  // X₍l₎ > ξq exactly when fewer than l values fall below ξq: P(B ≤ l − 1) < tail holds for l = quantile(tail).
  const lowerRank = binomialQuantile(tail, count, q);
  // X₍u₎ < ξq exactly when at least u values fall below ξq: P(B ≥ u) ≤ tail once u − 1 = quantile(1 − tail).
  const upperRank = binomialQuantile(1 - tail, count, q) + 1;
  return { lowerRank, upperRank: upperRank <= count ? upperRank : null };
}

/**
 * `percentile` of the recorded latencies with its confidence interval. Bounds are taken at bucket edges away from
 * the estimate, so the histogram's quantisation can only widen the interval, never shrink it.
 */
export function percentileInterval(histogram: LatencyHistogram, percentile: number, confidenceLevel: number = DEFAULT_CONFIDENCE_LEVEL): PercentileInterval {
  const { lowerRank, upperRank } = percentileConfidenceRanks(histogram.count, percentile, confidenceLevel);
  const valueNs = histogram.valueAtPercentileNs(percentile);
  const lowerNs = lowerRank === 0 ? 0 : histogram.lowestEquivalentNs(histogram.valueAtRankNs(lowerRank));
  const upperNs = upperRank === null ? null : histogram.valueAtRankNs(upperRank);
  return {
    percentile,
    confidenceLevel,
    valueNs,
    lowerNs,
    upperNs,
    lowerRank,
    upperRank,
    relativeHalfWidth: upperNs === null ? null : Math.max(upperNs - valueNs, valueNs - lowerNs) / valueNs,
  };
}

/**
 * Queries a run would need for its interval's relative half-width to shrink from `relativeHalfWidth` (measured on
 * `count` queries) to `targetRelativeHalfWidth`. An estimate: it assumes the width falls as 1/√count, which holds
 * for large counts but ignores the rank rounding and bucket widths that matter for small ones.
 */
export function estimateCountForPrecision(count: number, relativeHalfWidth: number, targetRelativeHalfWidth: number): number {
  requireInteger('count', count, 1);
  const needed = count * (requirePositive('relativeHalfWidth', relativeHalfWidth) / requirePositive('targetRelativeHalfWidth', targetRelativeHalfWidth)) ** 2;
  // Trim float noise first: 4.000000000000001 × count must not round up to one query more.
  return Math.ceil(needed * (1 - 1e-12));
}

/**
 * Fewest values for which `percentile` has an upper confidence bound at all: the upper rank exists
 * once q^n ≤ (1 − level) / 2 (p99.9 at 99% needs 5,296). Below it no precision can be claimed.
 */
export function minimumCountForInterval(percentile: number, confidenceLevel: number = DEFAULT_CONFIDENCE_LEVEL): number {
  const q = requirePercentile(percentile) / 100;
  const tail = (1 - requireConfidenceLevel(confidenceLevel)) / 2;
  let count = Math.max(1, Math.ceil(Math.log(tail) / Math.log(q)));
  // The closed form can land one off through rounding; settle it on the ranks themselves.
  while (count > 1 && percentileConfidenceRanks(count - 1, percentile, confidenceLevel).upperRank !== null) count--;
  while (percentileConfidenceRanks(count, percentile, confidenceLevel).upperRank === null) count++;
  return count;
}

/** True when every interval is bounded and within `targetRelativeHalfWidth` of its value (0.01 = 1%). */
export function withinPrecision(intervals: readonly PercentileInterval[], targetRelativeHalfWidth: number): boolean {
  return intervals.every((i) => i.relativeHalfWidth !== null && i.relativeHalfWidth <= targetRelativeHalfWidth);
}

import type { SeededRandom } from '../core/random.js';
import type { BenchmarkResult } from './benchmark-result.js';
import { bootstrapMeanDifference, bootstrapPercentileDifferenceNs, type ResampleOptions } from '../stats/bootstrap.js';
import { medianDesignEffect } from '../stats/design-effect.js';
import type { LatencyHistogram } from '../stats/latency-histogram.js';
import { DEFAULT_CONFIDENCE_LEVEL, minimumCountForInterval, percentileConfidenceRanks, percentileInterval } from '../stats/percentile-confidence.js';
import { poissonRatesPValue, type FailureCount } from '../stats/poisson-rate-test.js';
import { welchDifferenceInterval } from '../stats/welch.js';

/**
 * How a change is told from noise. `intervals` (default): each value's distribution-free confidence interval, and a
 * change counts when the baseline's and the candidate's do not overlap. `bootstrap`: the difference candidate −
 * baseline is resampled, and a change counts when its interval excludes 0. Either rule is applied to the queries and,
 * where both results have enough whole windows, to the windows too; see `compareResults` for each figure.
 */
export type NoiseRule = 'intervals' | 'bootstrap';

/**
 * What decided whether a figure changed beyond the noise: `overlap` of each value's own interval, the interval of
 * the `difference` candidate − baseline excluding 0, or an `exact-test` of two error rates.
 */
export type NoiseTest = 'overlap' | 'difference' | 'exact-test';

/** Bounds of an interval in a figure's unit; `upper` null when the data cannot bound it from above. */
export interface FigureInterval {
  /** Lower bound. */
  readonly lower: number;
  /** Upper bound; null when unbounded. */
  readonly upper: number | null;
}

/**
 * Fewest values, and fewest whole windows, on each side for a figure to be judged at `confidenceLevel`: the count at
 * which the median's distribution-free interval is bounded (8 at 99%, 6 at 95%). Fewer say nothing of the spread.
 */
export function minimumComparedCount(confidenceLevel: number): number {
  return minimumCountForInterval(50, confidenceLevel);
}

/** {@link minimumComparedCount} at the default 99% confidence level: 8 whole windows. */
export const MIN_COMPARED_WINDOWS = minimumComparedCount(DEFAULT_CONFIDENCE_LEVEL);

/** What every figure's judgement needs. */
export interface Judge {
  /** The noise rule. */
  readonly noise: NoiseRule;
  /** Confidence level of every interval. */
  readonly level: number;
  /** Draws per bootstrap. */
  readonly resamples: number;
  /** {@link minimumComparedCount} at `level`. */
  readonly minimumCount: number;
  /** The one seeded stream every draw comes from, in figure order. */
  readonly random: SeededRandom;
}

/** A figure's judgement for one candidate, before direction and relative change are added. */
export interface Noise {
  /** Beyond the noise; null when not judged. */
  readonly significant: boolean | null;
  /** The interval judged: the candidate's own with `overlap`, candidate − baseline with `difference`. */
  readonly interval: FigureInterval | null;
  /** When significant: whether the candidate lies above the baseline. */
  readonly higher?: boolean;
}

const NOT_JUDGED: Noise = { significant: null, interval: null };

const resampling = (judge: Judge): ResampleOptions => ({ resamples: judge.resamples, confidenceLevel: judge.level, random: judge.random });

/** A difference's interval judged: beyond the noise when it excludes 0, upwards when it lies above it. */
function differenceNoise(interval: FigureInterval): Noise {
  const higher = interval.lower > 0;
  return { significant: higher || (interval.upper !== null && interval.upper < 0), interval, higher };
}

/**
 * Two own intervals judged: beyond the noise when they do not overlap; within it when they overlap and both are
 * bounded; not judged when they overlap only because one has no upper bound.
 */
function overlapNoise(baseline: FigureInterval, own: FigureInterval): Noise {
  if (baseline.upper !== null && own.lower > baseline.upper) return { significant: true, interval: own, higher: true };
  if (own.upper !== null && baseline.lower > own.upper) return { significant: true, interval: own, higher: false };
  return { significant: baseline.upper === null || own.upper === null ? null : false, interval: own };
}

/** A percentile judged over the queries, each taken as an independent draw. */
export function queryPercentileNoise(base: LatencyHistogram, candidate: LatencyHistogram, percentile: number, judge: Judge): Noise {
  if (base.count === 0 || candidate.count === 0) return NOT_JUDGED;
  if (judge.noise === 'intervals') {
    const own = percentileInterval(candidate, percentile, judge.level);
    const baseline = percentileInterval(base, percentile, judge.level);
    return overlapNoise({ lower: baseline.lowerNs, upper: baseline.upperNs }, { lower: own.lowerNs, upper: own.upperNs });
  }
  // The bootstrap cannot judge a percentile beyond the last few values (it only reshuffles them, and at the maximum
  // it calls any two samples different): below the count that bounds its interval at all, it is not judged.
  const needed = minimumCountForInterval(percentile, judge.level);
  if (base.count < needed || candidate.count < needed) return NOT_JUDGED;
  return differenceNoise(bootstrapPercentileDifferenceNs(base, candidate, percentile, resampling(judge)));
}

/** Distribution-free interval of the median of per-window values, by the order statistics that bound latency percentiles. */
export function medianInterval(values: readonly number[], level: number): FigureInterval {
  const sorted = [...values].sort((x, y) => x - y);
  const { lowerRank, upperRank } = percentileConfidenceRanks(sorted.length, 50, level);
  return { lower: lowerRank === 0 ? 0 : sorted[lowerRank - 1]!, upper: upperRank === null ? null : sorted[upperRank - 1]! };
}

/**
 * A figure judged on per-window values, each window one draw: `intervals`: the intervals of each result's median
 * window value must not overlap; `bootstrap`: the windows are resampled with replacement (a block bootstrap, the
 * window being the block) and the interval of the difference of mean window values must exclude 0. Not judged with
 * fewer than {@link minimumComparedCount} windows on either side.
 */
export function windowNoise(base: readonly number[], candidate: readonly number[], judge: Judge): Noise {
  if (base.length < judge.minimumCount || candidate.length < judge.minimumCount) return NOT_JUDGED;
  if (judge.noise === 'intervals') return overlapNoise(medianInterval(base, judge.level), medianInterval(candidate, judge.level));
  return differenceNoise(bootstrapMeanDifference(base, candidate, resampling(judge)));
}

/**
 * A percentile judged over the queries and, where both results have enough whole windows, over the windows too: it
 * counts only when both find a change, the same way. Queries of one run are not independent (a busy machine slows a
 * stretch of them together), which narrows the queries' intervals below the truth; the windows' values vary with
 * that dependence, as long as it does not outlast a window.
 */
export function percentileNoise(queries: Noise, windows: Noise): Noise & { windowInterval: FigureInterval | null } {
  if (queries.significant === null || windows.significant === null) return { ...queries, windowInterval: windows.interval };
  const agree = queries.significant && windows.significant && queries.higher === windows.higher;
  return { significant: agree, interval: queries.interval, ...(agree ? { higher: queries.higher! } : {}), windowInterval: windows.interval };
}

/** How much the dependence of `result`'s queries inflates the variance of its latency estimates, from its whole windows' medians. */
function designEffectOf(result: BenchmarkResult, histogram: LatencyHistogram, judge: Judge): number {
  const windows = result.measurement.windows.flatMap((w) =>
    w.partial || w.completedQueries === 0 || w.latencyPercentilesNs['50'] === undefined ? [] : [{ medianNs: w.latencyPercentilesNs['50'], queries: w.completedQueries }],
  );
  return medianDesignEffect(windows, histogram, judge.minimumCount);
}

/**
 * The mean has no distribution-free interval: Welch's normal approximation of the difference, in both noise rules,
 * each side widened by the dependence its windows show. Not judged with fewer than {@link minimumComparedCount} values
 * on either side.
 */
export function meanNoise(base: BenchmarkResult, baseHistogram: LatencyHistogram, candidate: BenchmarkResult, candidateHistogram: LatencyHistogram, judge: Judge): Noise {
  if (baseHistogram.count < judge.minimumCount || candidateHistogram.count < judge.minimumCount) return NOT_JUDGED;
  const b = baseHistogram.summarize([]);
  const c = candidateHistogram.summarize([]);
  return differenceNoise(
    welchDifferenceInterval(
      { mean: b.meanNs, stdev: b.stdevNs, count: b.count, designEffect: designEffectOf(base, baseHistogram, judge) },
      { mean: c.meanNs, stdev: c.stdevNs, count: c.count, designEffect: designEffectOf(candidate, candidateHistogram, judge) },
      resampling(judge),
    ),
  );
}

/** Failed requests and all requests attempted. */
export function errorsOf(result: BenchmarkResult): FailureCount {
  const { errors, completedRequests } = result.measurement;
  return { failed: errors.total, attempted: errors.total + completedRequests };
}

/** Error rates, in both noise rules, by the exact test of two Poisson rates: significant when its p-value is below 1 − confidence level. */
export function errorNoise(base: BenchmarkResult, candidate: BenchmarkResult, level: number): Noise {
  const b = errorsOf(base);
  const c = errorsOf(candidate);
  if (b.attempted === 0 || c.attempted === 0) return NOT_JUDGED;
  return { significant: poissonRatesPValue(b, c) < 1 - level, interval: null };
}

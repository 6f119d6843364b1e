import type { SeededRandom } from '../core/random.js';
import { binomialCdf } from './binomial.js';
import type { LatencyHistogram } from './latency-histogram.js';

/** A two-sided interval, both bounds in the unit of the values. */
export interface BoundedInterval {
  /** Lower bound. */
  readonly lower: number;
  /** Upper bound. */
  readonly upper: number;
}

/** How a bootstrap draws. */
export interface ResampleOptions {
  /** Resamples to draw; at least 100 to place a 99% interval's bounds. */
  readonly resamples: number;
  /** Share of the resamples the interval holds, strictly between 0 and 1 (0.99 for 99%). */
  readonly confidenceLevel: number;
  /** The seeded stream every draw comes from; the same stream gives the same interval. */
  readonly random: SeededRandom;
}

/** Bounds of the central `level` (0.99 for 99%) of `sorted` draws, ascending. */
export function centralInterval(sorted: ArrayLike<number>, level: number): BoundedInterval {
  const tail = (1 - level) / 2;
  const n = sorted.length;
  return { lower: sorted[Math.floor(tail * n)]!, upper: sorted[Math.min(n - 1, Math.ceil((1 - tail) * n) - 1)]! };
}

/** 1-based rank of the value HDR reports at `percentile` of `count` values; the factor keeps float noise from adding a rank. */
const rankOf = (percentile: number, count: number): number => Math.max(1, Math.ceil((percentile / 100) * count * (1 - 1e-12)));

/**
 * One bootstrap draw, for a uniform `u` in [0, 1), of the value at `rank` of a resample: `count` values drawn with
 * replacement from the recorded ones, i.e. a multinomial over the histogram's buckets. That value is at most the i-th
 * smallest recorded one exactly when at least `rank` of the draws are, which happens with probability
 * P(Binomial(count, i/count) ≥ rank); inverting this in i draws the value without building the resample, however
 * many values were recorded. The histogram must not be empty.
 */
export function resampledValueAtRankNs(histogram: LatencyHistogram, rank: number, u: number): number {
  const count = histogram.count;
  // Invariant: P(resampled ≤ i-th value) < u at i = low, ≥ u at i = high (1 at i = count).
  let low = 0;
  let high = count;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (1 - binomialCdf(rank - 1, count, mid / count) >= u) high = mid;
    else low = mid;
  }
  return histogram.valueAtRankNs(high);
}

/**
 * Bootstrap interval, in nanoseconds, of the difference candidate − baseline of a latency percentile: each
 * histogram resampled with replacement (by `resampledValueAtRankNs`, candidate then baseline in each
 * resample), and the central `confidenceLevel` of the differences. Both histograms must hold values; with too few
 * for the percentile's own interval to be bounded, the bootstrap only reshuffles the last few and says little.
 */
export function bootstrapPercentileDifferenceNs(baseline: LatencyHistogram, candidate: LatencyHistogram, percentile: number, options: ResampleOptions): BoundedInterval {
  const { resamples, confidenceLevel, random } = options;
  const baseRank = rankOf(percentile, baseline.count);
  const candidateRank = rankOf(percentile, candidate.count);
  const differences = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) {
    differences[i] = resampledValueAtRankNs(candidate, candidateRank, random.float()) - resampledValueAtRankNs(baseline, baseRank, random.float());
  }
  return centralInterval(differences.sort(), confidenceLevel);
}

/**
 * Bootstrap interval of the difference candidate − baseline of two means: each side's values resampled with
 * replacement (candidate then baseline in each resample), and the central `confidenceLevel` of the differences of
 * the resampled means. With one value per block of dependent draws (a window of queries), a block bootstrap.
 * Both sides must hold values.
 */
export function bootstrapMeanDifference(baseline: readonly number[], candidate: readonly number[], options: ResampleOptions): BoundedInterval {
  const { resamples, confidenceLevel, random } = options;
  const resampledMean = (values: readonly number[]): number => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[random.int(0, values.length - 1)]!;
    return sum / values.length;
  };
  const differences = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) differences[i] = resampledMean(candidate) - resampledMean(baseline);
  return centralInterval(differences.sort(), confidenceLevel);
}

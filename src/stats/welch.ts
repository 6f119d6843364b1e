import { centralInterval, type BoundedInterval, type ResampleOptions } from './bootstrap.js';

/** What Welch's rule needs of one sample. */
export interface SampleMoments {
  /** Mean of the values. */
  readonly mean: number;
  /** Their standard deviation. */
  readonly stdev: number;
  /** How many there are. */
  readonly count: number;
  /** Factor by which dependence between the values inflates the variance of their mean, at least 1; default 1 (independent). */
  readonly designEffect?: number;
}

/**
 * Interval of the difference candidate − baseline of two means by Welch's large-sample rule: normal, centred on the
 * observed difference, with variance D₁s₁²/n₁ + D₂s₂²/n₂ (each side widened by its design effect D). The interval is
 * the central `confidenceLevel` of `resamples` seeded normal draws of it, as a bootstrap of the mean would give by
 * the central limit theorem; the same stream gives the same interval.
 */
export function welchDifferenceInterval(baseline: SampleMoments, candidate: SampleMoments, options: ResampleOptions): BoundedInterval {
  const difference = candidate.mean - baseline.mean;
  const variance =
    ((baseline.designEffect ?? 1) * baseline.stdev ** 2) / baseline.count + ((candidate.designEffect ?? 1) * candidate.stdev ** 2) / candidate.count;
  const draws = Float64Array.from(options.random.normals(options.resamples, 1), (z) => difference + Math.sqrt(variance) * z);
  return centralInterval(draws.sort(), options.confidenceLevel);
}

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/core/random.js';
import { bootstrapMeanDifference, bootstrapPercentileDifferenceNs, centralInterval, resampledValueAtRankNs } from '../src/stats/bootstrap.js';
import { medianDesignEffect } from '../src/stats/design-effect.js';
import { LatencyHistogram } from '../src/stats/latency-histogram.js';
import { poissonRatesPValue } from '../src/stats/poisson-rate-test.js';
import { welchDifferenceInterval } from '../src/stats/welch.js';

const histogramOf = (valuesNs: readonly number[]): LatencyHistogram => {
  const h = new LatencyHistogram();
  for (const v of valuesNs) h.recordNs(v);
  return h;
};

/** A stream's next float after `skipped` floats: where a function that drew them leaves the stream. */
const floatAfter = (seed: number, skipped: number): number => {
  const random = seededRandom(seed);
  for (let i = 0; i < skipped; i++) random.float();
  return random.float();
};

describe('the exact test of two Poisson rates', () => {
  it.each([
    // Equal exposure: 10 failures all on one side happen with probability 2 × 0.5¹⁰ under equal rates.
    [{ failed: 0, attempted: 100 }, { failed: 10, attempted: 100 }, 2 / 1024],
    // A quarter of the exposure, 3 of 4 failures: P(X ≥ 3) for X ~ Binomial(4, 0.25) is 13/256, doubled.
    [{ failed: 1, attempted: 300 }, { failed: 3, attempted: 100 }, 26 / 256],
    // Identical counts: both tails exceed one half, the p-value is capped at 1.
    [{ failed: 5, attempted: 100 }, { failed: 5, attempted: 100 }, 1],
    [{ failed: 0, attempted: 100 }, { failed: 0, attempted: 7 }, 1],
  ])('%o against %o has p = %s', (baseline, candidate, p) => {
    expect(poissonRatesPValue(baseline, candidate)).toBeCloseTo(p, 12);
  });
});

describe('the bootstrap', () => {
  it('takes the central share of sorted draws', () => {
    const draws = Float64Array.from({ length: 1000 }, (_, i) => i);
    expect(centralInterval(draws, 0.5)).toEqual({ lower: 250, upper: 749 });
    expect(centralInterval(draws, 0.99)).toEqual({ lower: 5, upper: 994 });
  });

  it("draws a resample's order statistic by inverting its distribution", () => {
    const h = histogramOf([1e6, 2e6, 3e6, 4e6]);
    // The maximum of 4 draws from 4 values is at most the i-th with probability (i/4)⁴: 0.0039, 0.0625, 0.316, 1.
    expect([0.001, 0.05, 0.3, 0.5].map((u) => resampledValueAtRankNs(h, 4, u))).toEqual([1, 2, 3, 4].map((i) => h.valueAtRankNs(i)));
    // The minimum is at most the i-th with probability 1 − (1 − i/4)⁴: 0.684, 0.9375.
    expect([0.5, 0.9].map((u) => resampledValueAtRankNs(h, 1, u))).toEqual([1, 2].map((i) => h.valueAtRankNs(i)));
  });

  it('finds the exact difference of two constant histograms, drawing two floats per resample, candidate first', () => {
    const random = seededRandom(3);
    const interval = bootstrapPercentileDifferenceNs(histogramOf(Array(100).fill(1e6)), histogramOf(Array(100).fill(3e6)), 99, { resamples: 200, confidenceLevel: 0.99, random });
    const differenceNs = histogramOf([3e6]).valueAtRankNs(1) - histogramOf([1e6]).valueAtRankNs(1);
    expect(interval).toEqual({ lower: differenceNs, upper: differenceNs });
    expect(random.float()).toBe(floatAfter(3, 400));
  });

  it('resamples means of blocks: exact for constant blocks, around the true difference otherwise', () => {
    expect(bootstrapMeanDifference([5, 5, 5], [7, 7, 7], { resamples: 100, confidenceLevel: 0.99, random: seededRandom(1) })).toEqual({ lower: 2, upper: 2 });
    const base = Array.from({ length: 10 }, (_, i) => i);
    const candidate = base.map((v) => v + 10);
    // Each mean's standard error is 2.87 / √10 = 0.91, the difference's 1.28: a 99% interval of about 10 ± 3.3.
    const { lower, upper } = bootstrapMeanDifference(base, candidate, { resamples: 4000, confidenceLevel: 0.99, random: seededRandom(2) });
    expect(lower).toBeGreaterThan(5.5);
    expect(lower).toBeLessThan(8.5);
    expect(upper).toBeGreaterThan(11.5);
    expect(upper).toBeLessThan(14.5);
  });
});

describe("Welch's interval of a difference of means", () => {
  const baseline = { mean: 100, stdev: 10, count: 100 };
  const candidate = { mean: 103, stdev: 20, count: 400 };

  it('is the normal interval with variance s₁²/n₁ + s₂²/n₂, read off seeded draws', () => {
    // Variance 100/100 + 400/400 = 2: 3 ± 1.96 √2 at 95%.
    const { lower, upper } = welchDifferenceInterval(baseline, candidate, { resamples: 100_000, confidenceLevel: 0.95, random: seededRandom(1) });
    expect(lower).toBeCloseTo(3 - 1.96 * Math.SQRT2, 1);
    expect(upper).toBeCloseTo(3 + 1.96 * Math.SQRT2, 1);
  });

  it('widens each side by its design effect', () => {
    // Variance 4 × 100/100 + 2 × 400/400 = 6.
    const { lower, upper } = welchDifferenceInterval({ ...baseline, designEffect: 4 }, { ...candidate, designEffect: 2 }, { resamples: 100_000, confidenceLevel: 0.95, random: seededRandom(1) });
    expect(lower).toBeCloseTo(3 - 1.96 * Math.sqrt(6), 1);
    expect(upper).toBeCloseTo(3 + 1.96 * Math.sqrt(6), 1);
  });
});

describe('the design effect of window medians', () => {
  // 1 to 1000 µs, one each: the density at the median is 1 per µs, read off p40 to p60 as 200 µs / 0.2.
  const latency = histogramOf(Array.from({ length: 1000 }, (_, i) => (i + 1) * 1e3));
  const windows = (medianNs: (i: number) => number) => Array.from({ length: 8 }, (_, i) => ({ medianNs: medianNs(i), queries: 100 }));

  it('is the variance of the medians over what independent queries would give', () => {
    // Independent: (1e6 ns)² / 4 / 100 queries = 2.5e9 ns². Medians 400 and 600 µs by turns: 8 × (1e5 ns)² / 7.
    const effect = medianDesignEffect(windows((i) => (i % 2 === 0 ? 400e3 : 600e3)), latency, 8);
    expect(effect).toBeCloseTo((8 * 1e10) / 7 / 2.5e9, 1);
  });

  it('is 1 with steadier medians than independence allows, or with too few windows', () => {
    expect(medianDesignEffect(windows(() => 500e3), latency, 8)).toBe(1);
    expect(medianDesignEffect(windows((i) => (i % 2 === 0 ? 400e3 : 600e3)), latency, 9)).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { binomialCdf } from '../src/stats/binomial.js';
import { earlyStoppingEstimate, earlyStoppingTargetCheck } from '../src/stats/early-stopping.js';
import { LatencyHistogram } from '../src/stats/latency-histogram.js';
import { estimateCountForPrecision, percentileConfidenceRanks, percentileInterval } from '../src/stats/percentile-confidence.js';
import { seededRandom } from '../src/core/random.js';
import { histogramOf } from './helpers/histogram-of.js';

/** `count` copies of `valueNs`, then `slowCount` copies of `slowNs`. */
function twoLevels(count: number, valueNs: number, slowCount = 0, slowNs = 0): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (let i = 0; i < count; i++) histogram.recordNs(valueNs);
  for (let i = 0; i < slowCount; i++) histogram.recordNs(slowNs);
  return histogram;
}

function expectInvalid(fn: () => unknown): void {
  expect(fn).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
}

describe('LatencyHistogram order statistics', () => {
  const random = seededRandom(3);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random.float())) * Math.cos(2 * Math.PI * random.float());
  // Log-normal latencies around 2 ms: buckets there are 1–4 µs wide, so neighbouring ranks often differ in bucket.
  const values = Array.from({ length: 5000 }, () => Math.round(2e6 * Math.exp(0.8 * normal())));
  const sorted = [...values].sort((a, b) => a - b);
  const histogram = histogramOf(values);

  it('gives the bucket of the exact rank-th value, at most 0.1% above it, for every rank', () => {
    for (let rank = 1; rank <= sorted.length; rank++) {
      const exact = sorted[rank - 1]!;
      const reported = histogram.valueAtRankNs(rank);
      expect(histogram.lowestEquivalentNs(reported), `rank ${rank}`).toBe(histogram.lowestEquivalentNs(exact));
      expect(reported).toBeGreaterThanOrEqual(exact);
      expect(reported).toBeLessThanOrEqual(exact * 1.001);
    }
    expect(histogram.valueAtRankNs(sorted.length)).toBe(sorted.at(-1));
  });

  it('is exact where buckets are 1 ns wide, duplicates included', () => {
    const small = Array.from({ length: 3000 }, () => random.int(1, 2000));
    const smallSorted = [...small].sort((a, b) => a - b);
    const h = histogramOf(small);
    for (let rank = 1; rank <= small.length; rank++) expect(h.valueAtRankNs(rank)).toBe(smallSorted[rank - 1]);
    for (const t of [0, 1, 2, 500, 1234, 1999, 2000, 10_000]) expect(h.countAboveNs(t)).toBe(small.filter((v) => v > t).length);
  });

  it('counts values above a bucket edge exactly, and a straddling bucket as wholly above', () => {
    for (const v of sorted.filter((_, i) => i % 97 === 0)) {
      const edge = histogram.lowestEquivalentNs(v) - 1;
      expect(histogram.countAboveNs(edge)).toBe(sorted.filter((u) => u > edge).length);
      // Never fewer than the exact count, never more than the values in buckets reaching above it.
      expect(histogram.countAboveNs(v)).toBeGreaterThanOrEqual(sorted.filter((u) => u > v).length);
      expect(histogram.countAboveNs(v)).toBeLessThanOrEqual(sorted.filter((u) => u > edge).length);
    }
    // 5 ms lies inside the bucket 4_997_120..5_001_215.
    const h = histogramOf([5_000_000, 6_000_000]);
    expect(h.lowestEquivalentNs(5_000_000)).toBe(4_997_120);
    expect(h.countAboveNs(4_997_119)).toBe(2);
    expect(h.countAboveNs(5_000_000)).toBe(2);
    expect(h.countAboveNs(5_001_215)).toBe(1);
    expect(h.countAboveNs(5_999_999)).toBe(1);
    // At or above the exact maximum nothing is above, whatever the bucket.
    expect(h.countAboveNs(6_000_000)).toBe(0);
    expect(new LatencyHistogram().countAboveNs(10)).toBe(0);
  });

  it('rejects ranks outside 1..count and negative latencies', () => {
    expectInvalid(() => histogram.valueAtRankNs(0));
    expectInvalid(() => histogram.valueAtRankNs(sorted.length + 1));
    expectInvalid(() => histogram.valueAtRankNs(1.5));
    expectInvalid(() => new LatencyHistogram().valueAtRankNs(1));
    expectInvalid(() => histogram.countAboveNs(-1));
    expectInvalid(() => histogram.lowestEquivalentNs(Number.NaN));
  });
});

describe('percentile confidence intervals', () => {
  it('gives the textbook order statistics: X(40), X(61) for the median of 100 at 95%', () => {
    expect(percentileConfidenceRanks(100, 50, 0.95)).toEqual({ lowerRank: 40, upperRank: 61 });
    // Too few values for an upper bound of p99 at 99%; too few below p10 for a lower one.
    expect(percentileConfidenceRanks(100, 99, 0.99)).toEqual({ lowerRank: 96, upperRank: null });
    expect(percentileConfidenceRanks(10, 10, 0.99)).toEqual({ lowerRank: 0, upperRank: 5 });
    expect(percentileConfidenceRanks(0, 50, 0.99)).toEqual({ lowerRank: 0, upperRank: null });
  });

  it('takes bounds at bucket edges away from the estimate', () => {
    const interval = percentileInterval(histogramOf(Array.from({ length: 1000 }, (_, i) => i + 1)), 90);
    expect(interval).toEqual({
      percentile: 90,
      confidenceLevel: 0.99,
      valueNs: 900,
      lowerNs: 875,
      upperNs: 925,
      lowerRank: 875,
      upperRank: 925,
      relativeHalfWidth: 25 / 900,
    });
    const wide = percentileInterval(histogramOf(Array.from({ length: 1000 }, (_, i) => 1e6 + 1000 * i)), 50);
    // From 2^20 ns buckets are 1,024 ns wide: the lower bound drops to its bucket's floor, the upper rises to its top.
    const lowerValue = 1e6 + 1000 * (wide.lowerRank - 1);
    const upperValue = 1e6 + 1000 * (wide.upperRank! - 1);
    expect(lowerValue).toBeGreaterThan(2 ** 20);
    expect(wide.lowerNs).toBe(lowerValue - (lowerValue % 1024));
    expect(wide.upperNs).toBe(upperValue - (upperValue % 1024) + 1023);
  });

  it('leaves the upper bound open when too few values were recorded', () => {
    const interval = percentileInterval(histogramOf(Array.from({ length: 100 }, (_, i) => 1000 + i)), 99);
    expect(interval.upperNs).toBeNull();
    expect(interval.upperRank).toBeNull();
    expect(interval.relativeHalfWidth).toBeNull();
    expect(interval.lowerNs).toBe(1095);
  });

  it('covers the true quantile in at least 98.5% of 2,000 runs of 1,000 exponential latencies, without being needlessly wide', () => {
    const random = seededRandom(7);
    const meanNs = 2e6;
    const percentiles = [50, 90, 99] as const;
    const covered = new Map<number, number>(percentiles.map((p) => [p, 0]));
    const widths = new Map<number, number[]>(percentiles.map((p) => [p, []]));
    const runs = 2000;
    for (let run = 0; run < runs; run++) {
      const histogram = new LatencyHistogram();
      for (let i = 0; i < 1000; i++) histogram.recordNs(-meanNs * Math.log(1 - random.float()));
      for (const p of percentiles) {
        const interval = percentileInterval(histogram, p, 0.99);
        const truth = -meanNs * Math.log(1 - p / 100);
        if (interval.upperNs !== null && interval.lowerNs <= truth && truth <= interval.upperNs) covered.set(p, covered.get(p)! + 1);
        widths.get(p)!.push(interval.relativeHalfWidth ?? Number.POSITIVE_INFINITY);
      }
    }
    for (const p of percentiles) {
      const coverage = covered.get(p)! / runs;
      expect(coverage, `p${p}`).toBeGreaterThanOrEqual(0.985);
      // A 99% interval that never misses in 2,000 runs would be far too wide.
      expect(coverage, `p${p}`).toBeLessThan(0.999);
    }
    // Asymptotic upper half-width: F⁻¹(q + z·√(q(1−q)/n)) / F⁻¹(q) − 1, with F⁻¹(u) = −ln(1 − u) and z = 2.5758.
    for (const p of [50, 90]) {
      const q = p / 100;
      const expected = Math.log(1 - (q + 2.5758 * Math.sqrt((q * (1 - q)) / 1000))) / Math.log(1 - q) - 1;
      const sortedWidths = widths.get(p)!.sort((a, b) => a - b);
      const median = sortedWidths[runs / 2]!;
      // p50: expected 0.123, p90: 0.122; rank rounding, the estimate's own scatter and 0.1% buckets add a little.
      expect(median, `p${p}`).toBeGreaterThan(0.9 * expected);
      expect(median, `p${p}`).toBeLessThan(1.2 * expected);
    }
  });

  it('estimates the queries for a target precision from the 1/√n scaling', () => {
    expect(estimateCountForPrecision(1000, 0.1, 0.05)).toBe(4000);
    expect(estimateCountForPrecision(1000, 0.3, 0.1)).toBe(9000);
    expect(estimateCountForPrecision(2500, 0.02, 0.01)).toBe(10_000);
    expect(estimateCountForPrecision(1000, 0.1, 0.03)).toBe(11_112);
    expect(estimateCountForPrecision(1000, 0.05, 0.1)).toBe(250);
  });

  it('rejects percentiles outside (0, 100), confidence levels outside (0, 1) and bad precision arguments', () => {
    const h = histogramOf([1, 2, 3]);
    for (const p of [0, 100, -5, 150, Number.NaN]) expectInvalid(() => percentileInterval(h, p));
    for (const c of [0, 1, 1.5, Number.NaN]) expectInvalid(() => percentileInterval(h, 50, c));
    expectInvalid(() => percentileConfidenceRanks(-1, 50, 0.99));
    expectInvalid(() => estimateCountForPrecision(0, 0.1, 0.05));
    expectInvalid(() => estimateCountForPrecision(100, 0, 0.05));
    expectInvalid(() => estimateCountForPrecision(100, 0.1, -1));
    expect(() => percentileInterval(h, 120)).toThrow('percentile must be a number above 0 and below 100 (e.g. 99), got 120');
  });
});

describe('early stopping', () => {
  /** LoadGen's h by brute force: the largest h with P(Binomial(n, 1 − p/100) ≤ h) ≤ 1 − c, from the cdf directly. */
  function bruteForceAllowed(n: number, percentile: number, c: number): number | null {
    let h = -1;
    while (h + 1 < n && binomialCdf(h + 1, n, (100 - percentile) / 100) <= 1 - c) h++;
    return h < 0 ? null : h;
  }

  it('needs ceil(ln(1 − c) / ln q) queries before any estimate: 44 for p90 and 459 for p99 at 99%', () => {
    expect(Math.ceil(Math.log(0.01) / Math.log(0.9))).toBe(44);
    // LoadGen's SingleStream floors: an estimate exists from 64 queries on for p90, from 662 for p99.
    expect(earlyStoppingEstimate(twoLevels(63, 1000), 90)).toEqual({
      percentile: 90,
      confidenceLevel: 0.99,
      count: 63,
      allowedOverLatency: 0,
      discardedQueries: null,
      estimateNs: null,
      minimumCount: 64,
    });
    expect(earlyStoppingEstimate(twoLevels(64, 1000), 90)).toEqual({
      percentile: 90,
      confidenceLevel: 0.99,
      count: 64,
      allowedOverLatency: 1,
      discardedQueries: 0,
      estimateNs: 1000,
      minimumCount: 64,
    });
    expect(earlyStoppingEstimate(twoLevels(43, 1000), 90).allowedOverLatency).toBeNull();
    expect(earlyStoppingEstimate(twoLevels(661, 1000), 99)).toMatchObject({ allowedOverLatency: 0, estimateNs: null, minimumCount: 662 });
    expect(earlyStoppingEstimate(twoLevels(662, 1000), 99)).toMatchObject({ allowedOverLatency: 1, discardedQueries: 0, minimumCount: 662 });
  });

  it('discards the h − 1 slowest queries and reports the slowest one left, as LoadGen does', () => {
    const histogram = histogramOf(Array.from({ length: 1000 }, (_, i) => i + 1));
    for (const [p, c] of [[90, 0.99], [99, 0.99], [50, 0.95], [99.9, 0.9]] as const) {
      const h = bruteForceAllowed(1000, p, c);
      const estimate = earlyStoppingEstimate(histogram, p, c);
      expect(estimate.allowedOverLatency, `p${p}`).toBe(h);
      expect(estimate.estimateNs, `p${p}`).toBe(h === null || h < 1 ? null : 1000 - h + 1);
    }
    // 78 of 1,000 for p90: the estimate (923) is above the plain p90 (900), as a bound should be.
    expect(earlyStoppingEstimate(histogram, 90).estimateNs).toBe(923);
    // LoadGen's own summaries: 2,048 queries at p90 "would discard 172", 7,469 "would discard 685".
    expect(earlyStoppingEstimate(histogramOf(Array.from({ length: 2048 }, (_, i) => i + 1)), 90).discardedQueries).toBe(172);
    expect(earlyStoppingEstimate(histogramOf(Array.from({ length: 7469 }, (_, i) => i + 1)), 90).discardedQueries).toBe(685);
  });

  it('judges a target by the queries slower than it', () => {
    const same = twoLevels(1000, 5_000_000);
    expect(earlyStoppingTargetCheck(same, 90, 5_000_000)).toEqual({
      percentile: 90,
      targetNs: 5_000_000,
      confidenceLevel: 0.99,
      count: 1000,
      overLatencyCount: 0,
      allowedOverLatency: 78,
      passed: true,
      queriesNeeded: null,
    });
    // Just under the value every query is slower (the straddling bucket counts as slower), and no count can pass.
    expect(earlyStoppingTargetCheck(same, 90, 4_999_999)).toMatchObject({ overLatencyCount: 1000, passed: false, queriesNeeded: null });
    expect(earlyStoppingTargetCheck(same, 90, 4_000_000)).toMatchObject({ overLatencyCount: 1000, passed: false, queriesNeeded: null });

    const mixed = twoLevels(950, 1_000_000, 50, 10_000_000);
    expect(earlyStoppingTargetCheck(mixed, 90, 5_000_000)).toMatchObject({ overLatencyCount: 50, allowedOverLatency: 78, passed: true });
    // 5% slower is exactly 1 − q for p95: more queries cannot help.
    expect(earlyStoppingTargetCheck(mixed, 95, 5_000_000)).toMatchObject({ overLatencyCount: 50, passed: false, queriesNeeded: null });
  });

  it('gives the first total count that passes at the same slower fraction', () => {
    for (const [fast, slow, p, c] of [[960, 40, 95, 0.99], [497, 3, 99, 0.99], [185, 15, 90, 0.95], [707, 70, 90, 0.99]] as const) {
      const count = fast + slow;
      const check = earlyStoppingTargetCheck(twoLevels(fast, 1_000_000, slow, 10_000_000), p, 5_000_000, c);
      expect(check.passed).toBe(false);
      // Scan upward: passing is not monotone in the total, so the first pass must be found, not any boundary.
      const passesAt = (total: number): boolean => binomialCdf(Math.ceil((slow * total) / count), total, (100 - p) / 100) <= 1 - c;
      let first = count + 1;
      while (!passesAt(first)) first++;
      expect(check.queriesNeeded, `${slow}/${count} at p${p}`).toBe(first);
    }
    // With nothing slower, the minimum count is all that is missing.
    expect(earlyStoppingTargetCheck(twoLevels(20, 1000), 90, 2000).queriesNeeded).toBe(44);
    expect(earlyStoppingTargetCheck(new LatencyHistogram(), 99, 2000)).toMatchObject({ count: 0, passed: false, queriesNeeded: 459 });
  });

  it('rejects bad arguments', () => {
    const h = twoLevels(100, 1000);
    expectInvalid(() => earlyStoppingEstimate(h, 100));
    expectInvalid(() => earlyStoppingEstimate(h, 90, 1));
    expectInvalid(() => earlyStoppingTargetCheck(h, 90, 0));
    expectInvalid(() => earlyStoppingTargetCheck(h, 0, 1000));
    expectInvalid(() => earlyStoppingTargetCheck(h, 90, 1000, -0.5));
  });
});

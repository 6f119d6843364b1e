import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/stats/latency-histogram.js';
import { computeThroughput } from '../src/stats/throughput.js';
import { seededRandom } from '../src/core/random.js';

/** Nearest-rank percentile of a sorted list, the definition HDR histograms follow. */
function exactPercentile(sorted: readonly number[], percentile: number): number {
  // p × n first: (p / 100) × n picks up a rounding error that can move the rank by one.
  const rank = Math.max(1, Math.ceil((percentile * sorted.length) / 100));
  return sorted[rank - 1]!;
}

describe('LatencyHistogram', () => {
  const random = seededRandom(42);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random.float())) * Math.cos(2 * Math.PI * random.float());
  // Log-normal latencies around 5 ms with a long tail, in nanoseconds.
  const values = Array.from({ length: 20_000 }, () => Math.round(5e6 * Math.exp(0.6 * normal())));
  const sorted = [...values].sort((a, b) => a - b);
  const histogram = new LatencyHistogram();
  for (const v of values) histogram.recordNs(v);

  it('gives every percentile within 0.1% of an exact sort', () => {
    const summary = histogram.summarize([50, 90, 95, 99, 99.9]);
    for (const p of [50, 90, 95, 99, 99.9]) {
      const exact = exactPercentile(sorted, p);
      const reported = summary.percentilesNs[String(p)]!;
      expect(Math.abs(reported - exact) / exact).toBeLessThanOrEqual(0.001);
    }
  });

  it('gives min, max, mean and stdev of the values', () => {
    const summary = histogram.summarize();
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const stdev = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(summary.count).toBe(values.length);
    expect(Math.abs(summary.minNs - sorted[0]!) / sorted[0]!).toBeLessThanOrEqual(0.001);
    expect(Math.abs(summary.maxNs - sorted.at(-1)!) / sorted.at(-1)!).toBeLessThanOrEqual(0.001);
    expect(Math.abs(summary.meanNs - mean) / mean).toBeLessThanOrEqual(0.001);
    expect(Math.abs(summary.stdevNs - stdev) / stdev).toBeLessThanOrEqual(0.002);
  });

  it('keeps sub-millisecond resolution: 150 µs and 151 µs stay apart', () => {
    const h = new LatencyHistogram();
    h.recordNs(150_000);
    h.recordNs(151_000);
    expect(h.valueAtPercentileNs(50)).toBeLessThan(150_200);
    expect(h.valueAtPercentileNs(100)).toBeGreaterThan(150_900);
  });

  it('survives its compressed encoding and adds histograms exactly', () => {
    const decoded = LatencyHistogram.decode(histogram.encode());
    // The encoding keeps bucket counts; exact min and max become their buckets' bounds.
    expect(decoded.summarize().percentilesNs).toEqual(histogram.summarize().percentilesNs);
    expect(decoded.count).toBe(histogram.count);
    const twice = LatencyHistogram.decode(histogram.encode());
    twice.add(histogram);
    expect(twice.count).toBe(2 * values.length);
    expect(twice.valueAtPercentileNs(90)).toBe(histogram.valueAtPercentileNs(90));
  });

  it('summarises an empty histogram as zeros', () => {
    expect(new LatencyHistogram().summarize([50])).toEqual({ count: 0, minNs: 0, maxNs: 0, meanNs: 0, stdevNs: 0, percentilesNs: { '50': 0 } });
  });
});

describe('computeThroughput', () => {
  it('counts samples as requests × batch size over the elapsed time', () => {
    expect(computeThroughput(500, 4, 2e9)).toEqual({ requestsPerSecond: 250, samplesPerSecond: 1000 });
    expect(computeThroughput(0, 4, 0)).toEqual({ requestsPerSecond: 0, samplesPerSecond: 0 });
  });
});

describe('a decoded histogram', () => {
  it('takes values beyond the range it was written with, so runs can be added', () => {
    const short = new LatencyHistogram();
    short.recordNs(1_000);
    const long = new LatencyHistogram();
    long.recordNs(5e9);
    const sum = LatencyHistogram.decode(short.encode());
    sum.add(LatencyHistogram.decode(long.encode()));
    sum.recordNs(7e9);
    expect(sum.count).toBe(3);
    expect(sum.summarize().maxNs).toBeGreaterThanOrEqual(7e9);
    expect(sum.summarize().minNs).toBe(1_000);
  });
});

describe('exact extremes on a decoded histogram', () => {
  it('puts back the exact min and max a summary kept, and caps the percentiles at that max', () => {
    const h = new LatencyHistogram();
    for (const v of [1_234_567, 2_000_001, 3_456_789]) h.recordNs(v);
    const decoded = LatencyHistogram.decode(h.encode());
    // Decoding rounds the extremes out to bucket edges.
    expect(decoded.summarize().maxNs).toBeGreaterThan(3_456_789);
    const exact = decoded.withExactExtremes(1_234_567, 3_456_789);
    expect(exact.summarize()).toMatchObject({ count: 3, minNs: 1_234_567, maxNs: 3_456_789 });
    expect(exact.valueAtPercentileNs(100)).toBe(3_456_789);
    // A value from another bucket is not this histogram's extreme, and is left alone.
    expect(decoded.withExactExtremes(5, 9e9).summarize().maxNs).toBe(decoded.summarize().maxNs);
  });
});

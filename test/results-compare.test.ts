import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/stats/latency-histogram.js';
import { type BenchmarkResult } from '../src/results/benchmark-result.js';
import { seededRandom } from '../src/core/random.js';
import { MIN_COMPARED_WINDOWS, compareResults, minimumComparedCount, type ComparedFigure, type CompareOptions } from '../src/results/compare-results.js';
import { settingDifferences } from '../src/results/setting-differences.js';
import { histogramOf } from './helpers/histogram-of.js';
import { syntheticResult, workerFailures } from './helpers/synthetic-result.js';

/** `count` lognormal latencies around `medianMs`, scaled by `scale`: a known distribution, reproducible by seed. */
function lognormalNs(count: number, seed: number, scale = 1, medianMs = 2): number[] {
  return Array.from(seededRandom(seed).normals(count, 0.4), (z) => medianMs * 1e6 * scale * Math.exp(z));
}

/**
 * `windows` windows of `perWindow` lognormal latencies, each window slowed or sped as a whole by a factor drawn once
 * for it (spread `drift`): queries of one window move together, as on a busy machine, and are not independent.
 */
function driftingWindowsNs(windows: number, perWindow: number, seed: number, drift: number, scale = 1): number[][] {
  const random = seededRandom(seed);
  const factors = random.normals(windows, drift);
  return Array.from(factors, (z) => Array.from(random.normals(perWindow, 0.4), (q) => 2e6 * scale * Math.exp(z + q)));
}

const figure = (figures: readonly ComparedFigure[], name: string): ComparedFigure => figures.find((f) => f.figure === name)!;
const LATENCY_FIGURES = ['p50', 'p90', 'p95', 'p99', 'mean'];
const NOISES: readonly NonNullable<CompareOptions['noise']>[] = ['intervals', 'bootstrap'];

describe('compareResults', () => {
  const base = syntheticResult({ latenciesNs: lognormalNs(5000, 1), windowRates: [500, 510, 495, 505, 498, 502, 507, 493] });

  it.each(NOISES)('finds nothing beyond the noise between two samples of one distribution (%s)', (noise) => {
    const same = syntheticResult({ latenciesNs: lognormalNs(5000, 2), windowRates: [503, 497, 508, 492, 500, 506, 499, 501] });
    const comparison = compareResults(base, [same], { noise });
    expect(comparison.figures.map((f) => f.figure)).toEqual(['p50', 'p90', 'p95', 'p99', 'p99.9', 'mean', 'samples/s', 'queries/s', 'errors']);
    for (const f of comparison.figures) {
      expect(f.candidates[0]!.significant, f.figure).not.toBe(true);
      expect(f.candidates[0]!.regression, f.figure).toBe(false);
    }
    expect(comparison.failed).toBe(false);
    expect(comparison.warnings).toEqual([]);
  });

  it.each(NOISES)('finds a 1.2× slowdown of 5,000 values significant, as a regression (%s)', (noise) => {
    const slower = syntheticResult({ latenciesNs: lognormalNs(5000, 3, 1.2), windowRates: [400, 410, 395, 405, 398, 402, 407, 393] });
    const comparison = compareResults(base, [slower], { noise });
    for (const name of LATENCY_FIGURES) {
      const change = figure(comparison.figures, name).candidates[0]!;
      expect(change.significant, name).toBe(true);
      expect(change.regression, name).toBe(true);
      expect(change.relativeChange, name).toBeGreaterThan(0.12);
      expect(change.relativeChange, name).toBeLessThan(0.3);
    }
    // 5,000 values cannot bound p99.9 at 99% (that takes 5,296): not judged, rather than called noise.
    expect(figure(comparison.figures, 'p99.9').candidates[0]!.significant).toBeNull();
    // Throughput fell: worse, as lower throughput is.
    const rate = figure(comparison.figures, 'samples/s');
    expect(rate.better).toBe('higher');
    expect(rate.candidates[0]).toMatchObject({ significant: true, regression: true });
  });

  it.each(NOISES)('finds a 1.01× slowdown of 50 values within the noise (%s)', (noise) => {
    const few = syntheticResult({ latenciesNs: lognormalNs(50, 4) });
    const shifted = syntheticResult({ latenciesNs: lognormalNs(50, 4, 1.01) });
    const comparison = compareResults(few, [shifted], { noise });
    expect(figure(comparison.figures, 'p50').candidates[0]!.relativeChange).toBeCloseTo(0.01, 2);
    expect(figure(comparison.figures, 'p50').candidates[0]!.significant).toBe(false);
    for (const f of comparison.figures) expect(f.candidates[0]!.significant, f.figure).not.toBe(true);
  });

  it('reads values from the histograms, with the intervals the rule compared', () => {
    const histogram = LatencyHistogram.decode(base.measurement.histograms.latency);
    const comparison = compareResults(base, [base]);
    const p95 = figure(comparison.figures, 'p95');
    expect(p95.baseline).toBe(histogram.valueAtPercentileNs(95));
    const stored = base.measurement.latencyIntervals.find((i) => i.percentile === 95)!;
    expect(p95.baselineInterval).toEqual({ lower: stored.lowerNs, upper: stored.upperNs });
    expect(p95.test).toBe('overlap');
    expect(p95.candidates[0]).toMatchObject({ value: p95.baseline, relativeChange: 0, significant: false, regression: false });
  });

  it('calls a significant improvement better, not a regression, in either direction of each figure', () => {
    const faster = syntheticResult({ latenciesNs: lognormalNs(5000, 5, 0.8), windowRates: [600, 610, 595, 605, 598, 602, 607, 593] });
    const comparison = compareResults(base, [faster], { failOnRegression: 0 });
    for (const name of [...LATENCY_FIGURES, 'samples/s', 'queries/s']) {
      expect(figure(comparison.figures, name).candidates[0], name).toMatchObject({ significant: true, regression: false });
    }
    expect(figure(comparison.figures, 'samples/s').candidates[0]!.relativeChange).toBeCloseTo(0.2, 1);
    expect(comparison.failed).toBe(false);
  });

  it('fails on a regression only beyond the threshold', () => {
    const large = syntheticResult({ latenciesNs: lognormalNs(100_000, 6) });
    const slightlySlower = syntheticResult({ latenciesNs: lognormalNs(100_000, 7, 1.03) });
    const p50 = (threshold: number) => compareResults(large, [slightlySlower], { failOnRegression: threshold, labels: ['a.json', 'b.json'] });
    const lenient = p50(0.05);
    expect(figure(lenient.figures, 'p50').candidates[0]).toMatchObject({ significant: true, regression: true });
    expect(lenient.failures).toEqual([]);
    expect(lenient.failed).toBe(false);
    const strict = p50(0.01);
    expect(strict.failed).toBe(true);
    expect(strict.failures.map((f) => f.figure)).toContain('p50');
    expect(strict.failures.every((f) => f.candidate === 'b.json' && f.relativeChange! > 0.01)).toBe(true);
    // Without a threshold nothing fails, however large the regression.
    expect(compareResults(large, [slightlySlower]).failed).toBe(false);
  });

  it('judges error rates by an exact test, and a rise from none as beyond any threshold', () => {
    const failing = syntheticResult({ latenciesNs: lognormalNs(5000, 2), errors: workerFailures(40) });
    const errors = figure(compareResults(base, [failing], { failOnRegression: 0.5 }).figures, 'errors');
    expect(errors.test).toBe('exact-test');
    expect(errors.baseline).toBe(0);
    expect(errors.candidates[0]).toMatchObject({ value: 40 / 5040, relativeChange: null, significant: true, regression: true });
    expect(compareResults(base, [failing], { failOnRegression: 0.5 }).failures).toEqual([{ figure: 'errors', candidate: 'candidate 1', relativeChange: null }]);
    const one = syntheticResult({ latenciesNs: lognormalNs(5000, 2), errors: workerFailures(1) });
    const two = syntheticResult({ latenciesNs: lognormalNs(5000, 3), errors: workerFailures(2) });
    expect(figure(compareResults(one, [two]).figures, 'errors').candidates[0]).toMatchObject({ relativeChange: expect.closeTo(1, 2), significant: false, regression: false });
  });

  it('does not judge throughput from too few windows', () => {
    const short = syntheticResult({ latenciesNs: lognormalNs(5000, 2), windowRates: [200, 210] });
    for (const noise of NOISES) {
      expect(figure(compareResults(base, [short], { noise }).figures, 'samples/s').candidates[0]).toMatchObject({ significant: null, regression: false });
    }
  });

  it('takes the fewest windows, and values, from the confidence level: the count that bounds a median', () => {
    expect(MIN_COMPARED_WINDOWS).toBe(8);
    expect(minimumComparedCount(0.99)).toBe(8);
    expect(minimumComparedCount(0.95)).toBe(6);
    // Seven windows, a third slower: too few to judge at 99%, enough at 95%.
    const seven = syntheticResult({ latenciesNs: lognormalNs(5000, 2), windowRates: [340, 335, 330, 345, 338, 342, 333] });
    const eight = syntheticResult({ latenciesNs: lognormalNs(5000, 2), windowRates: [500, 510, 495, 505, 498, 502, 507, 493] });
    const at99 = compareResults(eight, [seven]);
    expect(at99.minimumCount).toBe(8);
    expect(figure(at99.figures, 'samples/s').candidates[0]).toMatchObject({ significant: null, regression: false, interval: null });
    expect(figure(compareResults(eight, [seven], { confidenceLevel: 0.95 }).figures, 'samples/s').candidates[0]).toMatchObject({ significant: true, regression: true });
    // Five values each: no figure is judged, the mean included.
    const five = compareResults(syntheticResult({ latenciesNs: lognormalNs(5, 2) }), [syntheticResult({ latenciesNs: lognormalNs(5, 3, 1.5) })]);
    for (const name of LATENCY_FIGURES) expect(figure(five.figures, name).candidates[0]!.significant, name).toBeNull();
  });

  it('lists figures not judged but worse than the limit, without failing on them', () => {
    const slower = syntheticResult({ latenciesNs: lognormalNs(5000, 3, 1.2), windowRates: [500, 510, 495, 505, 498, 502, 507] });
    const comparison = compareResults(base, [slower], { failOnRegression: 0.05, labels: ['a.json', 'b.json'] });
    expect(comparison.failed).toBe(true);
    expect(comparison.failures.map((f) => f.figure)).toEqual(['p50', 'p90', 'p95', 'p99', 'mean']);
    // p99.9 has too few values, samples/s too few windows; only p99.9 is worse, by about 20%.
    expect(comparison.unjudged).toEqual([{ figure: 'p99.9', candidate: 'b.json', relativeChange: expect.closeTo(0.2, 1) }]);
    expect(compareResults(base, [slower], { failOnRegression: 0.5 }).unjudged).toEqual([]);
    expect(compareResults(base, [slower]).unjudged).toEqual([]);
  });

  it.each(NOISES)('does not call two runs of one configuration different when their queries move together by window (%s)', (noise) => {
    const first = syntheticResult({ windowLatenciesNs: driftingWindowsNs(10, 500, 3, 0.1) });
    const second = syntheticResult({ windowLatenciesNs: driftingWindowsNs(10, 500, 1003, 0.1) });
    const comparison = compareResults(first, [second], { noise });
    for (const f of comparison.figures) expect(f.candidates[0]!.significant, f.figure).not.toBe(true);
    for (const name of ['p50', 'p90', 'p95', 'p99', 'p99.9']) expect(figure(comparison.figures, name).candidates[0]!.windowInterval, name).not.toBeNull();
    // The same queries without their windows are taken as independent, and their medians as different.
    const withoutWindows = (seed: number): BenchmarkResult => syntheticResult({ latenciesNs: driftingWindowsNs(10, 500, seed, 0.1).flat() });
    const pooled = compareResults(withoutWindows(3), [withoutWindows(1003)], { noise });
    expect(figure(pooled.figures, 'p50').candidates[0]).toMatchObject({ significant: true, windowInterval: null });
    expect(figure(pooled.figures, 'mean').candidates[0]!.significant).toBe(true);
  });

  it.each(NOISES)('still finds a 1.2× slowdown among drifting windows (%s)', (noise) => {
    const first = syntheticResult({ windowLatenciesNs: driftingWindowsNs(20, 250, 1, 0.05) });
    const slower = syntheticResult({ windowLatenciesNs: driftingWindowsNs(20, 250, 1001, 0.05, 1.2) });
    const comparison = compareResults(first, [slower], { noise });
    for (const name of ['p50', 'p90', 'p95', 'mean']) expect(figure(comparison.figures, name).candidates[0], name).toMatchObject({ significant: true, regression: true });
    const p50 = figure(comparison.figures, 'p50');
    expect(p50.candidates[0]!.windowInterval).not.toBeNull();
    expect(p50.baselineWindowInterval === null).toBe(noise === 'bootstrap');
  });

  it("caps percentiles at the result's exact maximum, which decoding rounds up to a bucket edge", () => {
    const flat = syntheticResult({ latenciesNs: Array.from({ length: 20 }, () => 1_000_500) });
    expect(LatencyHistogram.decode(flat.measurement.histograms.latency).valueAtPercentileNs(50)).toBeGreaterThan(1_000_500);
    const comparison = compareResults(flat, [flat]);
    for (const name of ['p50', 'p90', 'p99']) {
      const f = figure(comparison.figures, name);
      expect(f.baseline, name).toBe(1_000_500);
      expect(f.candidates[0]!.value, name).toBe(1_000_500);
      expect(f.baselineInterval!.upper ?? 0, name).toBeLessThanOrEqual(1_000_500);
    }
  });

  it('tells runs at different open-loop rates apart, a Server search (rateQps unset) included', () => {
    const open = (rateQps: number): BenchmarkResult => syntheticResult({ latenciesNs: lognormalNs(500, 2), settings: { scenario: 'open', rateQps } });
    const searched = (rateQps: number): BenchmarkResult => {
      const r = open(rateQps);
      return { ...r, settings: { ...r.settings, rateQps: undefined } } as BenchmarkResult;
    };
    const clause = { setting: 'measurement.offeredLoad.targetQps', kind: 'configuration', first: '100', second: '120' };
    expect(settingDifferences(searched(100), searched(120))).toEqual([clause]);
    expect(settingDifferences(open(100), open(120))).toEqual([clause]);
    expect(settingDifferences(searched(100), open(100))).toEqual([]);
  });

  it('gives the same bootstrap for the same seed and compares several candidates at once', () => {
    const candidates = [syntheticResult({ latenciesNs: lognormalNs(5000, 2) }), syntheticResult({ latenciesNs: lognormalNs(5000, 3, 1.2) })];
    const first = compareResults(base, candidates, { noise: 'bootstrap', seed: 7 });
    expect(compareResults(base, candidates, { noise: 'bootstrap', seed: 7 })).toEqual(first);
    expect(first.labels).toEqual(['baseline', 'candidate 1', 'candidate 2']);
    expect(figure(first.figures, 'p50').candidates.map((c) => c.significant)).toEqual([false, true]);
    expect(figure(first.figures, 'p50').test).toBe('difference');
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });

  it('warns of each differing setting with both values, and ignores settings that do not change what is measured', () => {
    const other = syntheticResult({ latenciesNs: lognormalNs(5000, 2), settings: { batchSize: 8, cacheDir: '/elsewhere', percentiles: [50, 99] } });
    const comparison = compareResults(base, [other], { labels: ['base.json', 'other.json'] });
    expect(comparison.warnings).toHaveLength(1);
    expect(comparison.warnings[0]!.differences).toEqual([{ setting: 'settings.batchSize', kind: 'configuration', first: '4', second: '8' }]);
    expect(comparison.warnings[0]!.message).toBe('other.json and base.json differ: settings.batchSize is 4 in base.json but 8 in other.json');
    const modelChanged = { ...base, model: { ...base.model, sha256: 'b'.repeat(64) } } as BenchmarkResult;
    expect(settingDifferences(base, modelChanged)).toEqual([{ setting: 'model.sha256', kind: 'configuration', first: 'a'.repeat(64), second: 'b'.repeat(64) }]);
  });

  it('refuses bad options with one line', () => {
    expect(() => compareResults(base, [])).toThrow(/at least one candidate/);
    expect(() => compareResults(base, [base], { confidenceLevel: 1.5 })).toThrow(/confidenceLevel must be a fraction/);
    expect(() => compareResults(base, [base], { labels: ['only one'] })).toThrow(/labels must name the baseline and each of the 1 candidates/);
    expect(() => compareResults(base, [base], { failOnRegression: -0.1 })).toThrow(/failOnRegression must be a fraction ≥ 0/);
  });
});

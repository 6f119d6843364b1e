import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/stats/latency-histogram.js';
import { earlyStoppingEstimate } from '../src/stats/early-stopping.js';
import { percentileInterval } from '../src/stats/percentile-confidence.js';
import { type BenchmarkResult } from '../src/results/benchmark-result.js';
import { seededRandom } from '../src/core/random.js';
import { mergeResults } from '../src/results/merge-results.js';
import { histogramOf } from './helpers/histogram-of.js';
import { syntheticResult } from './helpers/synthetic-result.js';

/** Values spread over three decades, so that every bucket size of the histogram is exercised. */
const values = Array.from(seededRandom(11).normals(3000, 1), (z) => 1e6 * Math.exp(z));
const parts = [values.slice(0, 500), values.slice(500, 1500), values.slice(1500)];

describe('mergeResults', () => {
  const results = parts.map((latenciesNs) => syntheticResult({ latenciesNs }));
  const merged = mergeResults(results, { files: ['a.json', 'b.json', 'c.json'] });

  it('gives the histogram of all values: percentiles, count, min, max and mean exactly', () => {
    const all = histogramOf(values);
    const percentiles = merged.settings.percentiles;
    expect(merged.measurement.latency).toEqual(all.summarize(percentiles));
    expect(merged.measurement.latency.count).toBe(3000);
    // The stored histogram is the one of all values, bucket for bucket (its encoding, like any, rounds the extremes to buckets).
    expect(LatencyHistogram.decode(merged.measurement.histograms.latency).summarize(percentiles)).toEqual(LatencyHistogram.decode(all.encode()).summarize(percentiles));
    expect(merged.measurement.compute).toEqual(histogramOf(values.map((v) => v / 2)).summarize(percentiles));
    // Intervals and early stopping come from the merged histogram, not from any one part.
    expect(merged.measurement.latencyIntervals).toEqual(percentiles.map((p) => percentileInterval(all, p, merged.measurement.confidenceLevel)));
    expect(merged.measurement.earlyStopping).toEqual(earlyStoppingEstimate(all, merged.settings.scenarioPercentile, merged.measurement.confidenceLevel));
  });

  it('sums the counts, keeps every copy, and judges the merged run again', () => {
    const m = merged.measurement;
    expect(m.completedQueries).toBe(3000);
    expect(m.completedRequests).toBe(3000);
    expect(m.issuedQueries).toBe(3000);
    expect(m.warmupQueries).toBe(30);
    expect(m.requestsPerCopy).toEqual([500, 1000, 1500]);
    expect(m.firstInference.latencyNs).toEqual([5e6, 5e6, 5e6]);
    expect(merged.backend.copies).toBe(3);
    expect(m.windows).toEqual([]);
    // 300 queries each are fewer than the minimum of 500; together they are plenty.
    const small = parts.map((p) => syntheticResult({ latenciesNs: p.slice(0, 300), settings: { minQueryCount: 500 } }));
    expect(small[0]!.verdict.reasons.map((r) => r.code)).toContain('TOO_FEW_QUERIES');
    expect(mergeResults(small).verdict.reasons.map((r) => r.code)).not.toContain('TOO_FEW_QUERIES');
  });

  it('marks the result as merged, with each source', () => {
    expect(merged.merged.sources.map((s) => s.file)).toEqual(['a.json', 'b.json', 'c.json']);
    expect(merged.merged.sources.map((s) => s.elapsedNs)).toEqual([10e9, 10e9, 10e9]);
    // Merging a merged result lists its runs one by one.
    const again = mergeResults([merged, syntheticResult({ latenciesNs: values.slice(0, 10) })], { files: ['abc.json', 'd.json'] });
    expect(again.merged.sources.map((s) => s.file)).toEqual(['a.json', 'b.json', 'c.json', 'd.json']);
    expect(again.measurement.latency.count).toBe(3010);
    expect(again.measurement.requestsPerCopy).toEqual([500, 1000, 1500, 10]);
  });

  it('sums errors by kind, keeping the first example of each', () => {
    const first = syntheticResult({ latenciesNs: parts[0]!, errors: { total: 3, timeouts: 1, byKind: { WORKER_FAILED: { count: 2, example: 'first' }, TIMEOUT: { count: 1, example: 'slow' } } } });
    const second = syntheticResult({ latenciesNs: parts[1]!, errors: { total: 3, timeouts: 0, byKind: { WORKER_FAILED: { count: 3, example: 'second' } } } });
    const { errors, issuedQueries } = mergeResults([first, second]).measurement;
    expect(errors).toEqual({ total: 6, timeouts: 1, byKind: { WORKER_FAILED: { count: 5, example: 'first' }, TIMEOUT: { count: 1, example: 'slow' } } });
    expect(issuedQueries).toBe(1506);
  });

  it('joins overlapping runs over their span, and keeps the sum of their rates', () => {
    const a = syntheticResult({ latenciesNs: parts[0]!, startedAt: '2026-01-01T00:00:00.000Z', elapsedNs: 10e9 });
    const b = syntheticResult({ latenciesNs: parts[1]!, startedAt: '2026-01-01T00:00:02.000Z', elapsedNs: 10e9 });
    const m = mergeResults([a, b]);
    expect(m.startedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(m.measurement.elapsedNs).toBe(12e9);
    expect(m.measurement.throughput.samplesPerSecond).toBeCloseTo((1500 * 4) / 12, 9);
    expect(m.merged.overlapping).toBe(true);
    expect(m.merged.aggregateSamplesPerSecond).toBeCloseTo((500 * 4) / 10 + (1000 * 4) / 10, 9);
  });

  it('leaves the gap out between runs one after another', () => {
    const a = syntheticResult({ latenciesNs: parts[0]!, startedAt: '2026-01-01T01:00:00.000Z', elapsedNs: 10e9 });
    const b = syntheticResult({ latenciesNs: parts[1]!, startedAt: '2026-01-01T00:00:00.000Z', elapsedNs: 5e9 });
    const m = mergeResults([a, b]);
    expect(m.startedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(m.measurement.elapsedNs).toBe(15e9);
    expect(m.measurement.throughput.queriesPerSecond).toBeCloseTo(1500 / 15, 9);
    expect(m.merged.overlapping).toBe(false);
    expect(m.merged.aggregateSamplesPerSecond).toBeNull();
  });

  it('sums the load open loops offered, and their send delays', () => {
    const open = { scenario: 'open' as const, rateQps: 100 };
    const a = syntheticResult({ latenciesNs: parts[0]!, settings: open, sendDelaysNs: [1e5, 2e6], lateQueries: 1, achievedQps: 99 });
    const b = syntheticResult({ latenciesNs: parts[1]!, settings: open, sendDelaysNs: [3e5], lateQueries: 2, achievedQps: 98 });
    const { offeredLoad } = mergeResults([a, b]).measurement;
    expect(offeredLoad).toMatchObject({ targetQps: 200, achievedQps: 197, lateQueries: 3 });
    expect(offeredLoad!.sendDelay).toMatchObject({ count: 3, minNs: 1e5, maxNs: 2e6 });
  });

  it("keeps a Server search's offered load: summed for runs measured together, the one rate for runs one after another", () => {
    /** A Server search's result: rateQps unset in its settings, the chosen rate in its offered load. */
    const searched = (latenciesNs: readonly number[], startedAt: string, rateQps = 100): BenchmarkResult => {
      const r = syntheticResult({ latenciesNs, startedAt, settings: { scenario: 'open', rateQps }, sendDelaysNs: [1e5], achievedQps: rateQps - 1 });
      return { ...r, settings: { ...r.settings, rateQps: undefined } } as BenchmarkResult;
    };
    const together = mergeResults([searched(parts[0]!, '2026-01-01T00:00:00.000Z'), searched(parts[1]!, '2026-01-01T00:00:00.000Z')]);
    expect(together.measurement.offeredLoad).toMatchObject({ targetQps: 200, achievedQps: 198 });
    const inTurn = mergeResults([searched(parts[0]!, '2026-01-01T00:00:00.000Z'), searched(parts[1]!, '2026-01-01T01:00:00.000Z')]);
    expect(inTurn.measurement.offeredLoad).toMatchObject({ targetQps: 100, achievedQps: 99 });
    // A merged result's own rate is its runs' together; each run's is what must agree.
    expect(mergeResults([together, searched(parts[2]!, '2026-01-01T02:00:00.000Z')]).merged.sources.map((s) => s.targetQps)).toEqual([100, 100, 100]);
    expect(() => mergeResults([searched(parts[0]!, '2026-01-01T00:00:00.000Z'), searched(parts[1]!, '2026-01-01T00:00:00.000Z', 120)], { files: ['a.json', 'b.json'] })).toThrow(
      'cannot merge runs at different open-loop rates: a.json ran at 100 queries/s but b.json at 120 queries/s; merge only runs of one rate',
    );
  });

  it('refuses a run given twice, alone or inside a merged result, naming the files', () => {
    const [a, b] = results;
    expect(() => mergeResults([a!, b!, a!], { files: ['a.json', 'b.json', 'again.json'] })).toThrow(
      'cannot merge a run with itself: the run started at 2026-01-01T00:00:00.000Z is in a.json and again in again.json; give each run once',
    );
    const ab = mergeResults([a!, b!], { files: ['a.json', 'b.json'] });
    expect(() => mergeResults([ab, b!], { files: ['ab.json', 'b-copy.json'] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('the run started at 2026-01-01T00:00:00.000Z is in b.json in ab.json and again in b-copy.json') }));
    // The same start alone is no duplicate: processes started together measure different queries.
    expect(mergeResults([a!, b!]).merged.sources).toHaveLength(2);
  });

  it("divides throughput by the copies and hosts at work together, not by every run's", () => {
    const run = (latenciesNs: readonly number[], startedAt: string, requestsPerCopy: number[]): BenchmarkResult =>
      syntheticResult({ latenciesNs, startedAt, requestsPerCopy, settings: { costPerHour: 2 } });
    // Two runs of two copies one after another: two copies, one host, at any time.
    const inTurn = mergeResults([run(parts[0]!, '2026-01-01T00:00:00.000Z', [250, 250]), run(parts[1]!, '2026-01-01T01:00:00.000Z', [500, 500])]);
    const sps = inTurn.measurement.throughput.samplesPerSecond;
    expect(sps).toBeCloseTo((1500 * 4) / 20, 9);
    expect(inTurn.efficiency).toMatchObject({ deviceKind: 'host', devices: 1, pricePerHour: 2 });
    expect(inTurn.efficiency.samplesPerSecondPerCopy).toBeCloseTo(sps / 2, 9);
    expect(inTurn.merged.concurrentRuns).toBe(1);
    // The same runs at once: four copies, and each run taken as its own host.
    const together = mergeResults([run(parts[0]!, '2026-01-01T00:00:00.000Z', [250, 250]), run(parts[1]!, '2026-01-01T00:00:00.000Z', [500, 500])]);
    expect(together.efficiency).toMatchObject({ devices: 2, pricePerHour: 4 });
    expect(together.efficiency.samplesPerSecondPerCopy).toBeCloseTo(together.measurement.throughput.samplesPerSecond / 4, 9);
    expect(together.efficiency.samplesPerSecondPerDevice).toBeCloseTo(together.measurement.throughput.samplesPerSecond / 2, 9);
    expect(together.efficiency.costPerMillionSamples).toBeCloseTo((4 / (together.measurement.throughput.samplesPerSecond * 3600)) * 1e6, 9);
    expect(together.merged.concurrentRuns).toBe(2);
  });

  it('adds a run of far longer latencies to one of short ones, keeping the exact extremes', () => {
    const short = syntheticResult({ latenciesNs: [1e3, 2e3, 3e3] });
    const long = syntheticResult({ latenciesNs: [5e9, 7e9] });
    const { latency } = mergeResults([short, long]).measurement;
    expect(latency).toMatchObject({ count: 5, minNs: 1e3, maxNs: 7e9 });
    expect(latency).toEqual(histogramOf([1e3, 2e3, 3e3, 5e9, 7e9]).summarize(short.settings.percentiles));
  });

  it.each([
    [{ batchSize: 8 }, 'settings.batchSize is 4 in a.json but 8 in b.json'],
    [{ sequenceLength: 64 }, 'settings.sequenceLength is 128 in a.json but 64 in b.json'],
    [{ scenario: 'offline' as const }, 'settings.scenario is closed in a.json but offline in b.json'],
  ])('refuses results of different configurations, naming the setting and the files (%o)', (settings, clause) => {
    const other = syntheticResult({ latenciesNs: parts[1]!, settings });
    expect(() => mergeResults([results[0]!, other], { files: ['a.json', 'b.json'] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(clause) }));
  });

  it('refuses another model, but merges runs of other machines', () => {
    const otherModel = { ...results[1]!, model: { ...results[1]!.model, sha256: 'b'.repeat(64) } } as BenchmarkResult;
    expect(() => mergeResults([results[0]!, otherModel])).toThrow(`cannot merge results of different configurations: model.sha256 is ${'a'.repeat(64)} in result 1 but ${'b'.repeat(64)} in result 2`);
    const otherMachine = syntheticResult({ latenciesNs: parts[1]!, cpuModel: 'Another CPU', settings: { cacheDir: '/elsewhere' } });
    expect(mergeResults([results[0]!, otherMachine]).merged.sources.map((s) => s.environment.cpuModel)).toEqual([results[0]!.environment.cpuModel, 'Another CPU']);
  });

  it('needs at least two results', () => {
    expect(() => mergeResults([results[0]!])).toThrow('merging needs at least two results, got 1');
  });
});

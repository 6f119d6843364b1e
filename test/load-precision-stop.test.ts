import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/core/random.js';
import { percentileInterval } from '../src/stats/percentile-confidence.js';
import { createLoadGenerator } from '../src/load/create-load-generator.js';
import { summarizeMeasurement } from '../src/results/measurement.js';
import { type LoadOptions } from '../src/options/load-settings.js';
import { type LoadResult } from '../src/load/load-generator.js';
import { type ModelCopy } from '../src/backends/backend.js';
import { FifoServerCopy, spinningCopy } from './helpers/simulated-copies.js';

const run = (options: LoadOptions, copies: readonly ModelCopy[]): Promise<LoadResult> => createLoadGenerator(options).run({ copies, inputCount: 10 });

describe('the precision stop rule', () => {
  // Service uniform over a range of twice its start: p50 needs about 300 queries for ±5% at 99% confidence, p75 about
  // 160, and a quarter of that for ±10%. A busy host adds a millisecond or more to a few in ten requests, which leaves
  // these percentiles inside the uniform body, where p90 would sit on its edge and take more than 10 s to pin down.
  const percentiles = [50, 75];
  /** Uniform from 2 to 4 ms, slept to the copy's own deadlines. */
  const uniformFifoCopy = (seed: number): FifoServerCopy => {
    const random = seededRandom(seed);
    return new FifoServerCopy({ serviceMs: () => 2 + 2 * random.float() });
  };
  const base: LoadOptions = { clients: 1, percentiles, windowMs: 100, minQueryCount: 100, minDurationMs: 100, warmupQueries: 0 };

  it('stops once every percentile is known to within the precision asked', async () => {
    const result = await run({ ...base, precision: 0.05, maxDurationMs: 10_000 }, [uniformFifoCopy(11)]);

    expect(result.stopReason).toBe('precision-met');
    expect(result.precisionMet).toBe(true);
    expect(result.completedQueries).toBeGreaterThan(200);
    for (const p of percentiles) {
      const interval = percentileInterval(result.latency, p, 0.99);
      expect(interval.relativeHalfWidth).not.toBeNull();
      expect(interval.relativeHalfWidth!).toBeLessThanOrEqual(0.05);
      expect(interval.lowerNs).toBeLessThanOrEqual(interval.valueNs);
      expect(interval.upperNs!).toBeGreaterThanOrEqual(interval.valueNs);
    }
    const precision = summarizeMeasurement(result, 1).precision!;
    expect(precision).toMatchObject({ target: 0.05, met: true, queriesNeeded: null });
  });

  it('judges the stop on every completed query, so the result never contradicts its stop reason', async () => {
    // Windows of 2 ms close at about every other end of a 2–4 ms request, before that request's query is recorded: a
    // stop judged at the window alone disagreed with the final count in about half of these runs. (Windows much shorter
    // than the fraction of a millisecond that closing one takes on a busy host would fall ever further behind, and the
    // run never stop; a spinning copy's median a busy host pushes onto the uniform's edge.) p50 alone, to ±10%, from a
    // low minimum count, so that the precision rule makes the stop, in a few seconds.
    for (let seed = 1; seed <= 10; seed++) {
      const options: LoadOptions = { ...base, percentiles: [50], windowMs: 2, minQueryCount: 20, minDurationMs: 1, precision: 0.1, maxDurationMs: 10_000 };
      const result = await run(options, [uniformFifoCopy(seed)]);

      expect(result.stopReason).toBe('precision-met');
      expect(result.precisionMet).toBe(true);
      expect(summarizeMeasurement(result, 1).precision!.met).toBe(true);
    }
  });

  it('reports the precision missed, and the queries it would take, when the maximum comes first', async () => {
    // Uniform from 200 to 400 µs, spun on the calling thread: 300 queries in a blink, whatever the host adds to them.
    const random = seededRandom(11);
    const result = await run({ ...base, precision: 0.001, maxQueryCount: 300 }, [spinningCopy(() => 200 + 200 * random.float())]);

    expect(result.stopReason).toBe('max-queries');
    expect(result.issuedQueries).toBe(300);
    expect(result.precisionMet).toBe(false);
    const precision = summarizeMeasurement(result, 1).precision!;
    expect(precision.met).toBe(false);
    expect(precision.widest.relativeHalfWidth).toBeGreaterThan(0.001);
    expect(precision.queriesNeeded).toBeGreaterThan(result.issuedQueries);
    // Width falls as 1/√n, so 0.1% from about 5% takes thousands of times as many.
    expect(precision.queriesNeeded).toBeGreaterThan(100_000);
  });
});

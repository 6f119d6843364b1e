import { describe, expect, it } from 'vitest';
import { createArrivalSchedule } from '../src/load/arrival-schedule.js';
import type { ArrivalSchedule } from '../src/load/arrival-schedule.js';
import { ksCritical, ksStatisticExponential } from './helpers/kolmogorov-smirnov.js';

const offsets = (schedule: ArrivalSchedule, count: number): number[] => Array.from({ length: count }, () => schedule.nextOffsetNs());

/** Gaps between consecutive arrivals, the first measured from the schedule's start, in seconds. */
function gapsSeconds(arrivalsNs: readonly number[]): number[] {
  return arrivalsNs.map((t, i) => (t - (i === 0 ? 0 : arrivalsNs[i - 1]!)) / 1e9);
}

/** Arrivals per full window of `windowNs`, from the schedule's start to the last full window. */
function countsPerWindow(arrivalsNs: readonly number[], windowNs: number): number[] {
  const counts = new Array<number>(Math.floor(arrivalsNs.at(-1)! / windowNs)).fill(0);
  for (const t of arrivalsNs) {
    const window = Math.floor(t / windowNs);
    if (window < counts.length) counts[window]! += 1;
  }
  return counts;
}

/** Sample variance over mean: 1 for Poisson counts, 0 for perfectly regular ones. */
function dispersionIndex(counts: readonly number[]): number {
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  const variance = counts.reduce((a, c) => a + (c - mean) ** 2, 0) / (counts.length - 1);
  return variance / mean;
}

/** Chi-square quantile by the Wilson–Hilferty approximation (accurate to well under 1% at 100+ degrees of freedom). */
function chiSquareQuantile(degrees: number, z: number): number {
  const a = 2 / (9 * degrees);
  return degrees * (1 - a + z * Math.sqrt(a)) ** 3;
}

describe('constant arrivals', () => {
  it('come exactly 1/rate apart, starting at 0', () => {
    expect(offsets(createArrivalSchedule({ process: 'constant', rateQps: 250 }), 5)).toEqual([0, 4e6, 8e6, 12e6, 16e6]);
  });

  it('do not drift when 1/rate has no exact binary form', () => {
    const schedule = createArrivalSchedule({ process: 'constant', rateQps: 3 });
    const arrivals = offsets(schedule, 3001);
    expect(arrivals[3]).toBe(1e9);
    expect(arrivals[3000]).toBe(1e12);
  });

  it('report their process and rate', () => {
    const schedule = createArrivalSchedule({ process: 'constant', rateQps: 12.5 });
    expect(schedule.process).toBe('constant');
    expect(schedule.rateQps).toBe(12.5);
  });
});

describe('Poisson arrivals', () => {
  const rate = 1000;
  const count = 20_000;
  const arrivals = offsets(createArrivalSchedule({ process: 'poisson', rateQps: rate, seed: 1 }), count);
  const gaps = gapsSeconds(arrivals);

  it('replay the same sequence for the same seed and differ for another', () => {
    const again = offsets(createArrivalSchedule({ process: 'poisson', rateQps: rate, seed: 1 }), 100);
    const other = offsets(createArrivalSchedule({ process: 'poisson', rateQps: rate, seed: 2 }), 100);
    expect(again).toEqual(arrivals.slice(0, 100));
    expect(other).not.toEqual(again);
    expect(other.filter((t, i) => t === again[i])).toEqual([]);
  });

  it('default to seed 1', () => {
    expect(offsets(createArrivalSchedule({ process: 'poisson', rateQps: rate }), 100)).toEqual(arrivals.slice(0, 100));
  });

  it('start after a first gap and always move forward', () => {
    expect(arrivals[0]).toBeGreaterThan(0);
    expect(gaps.every((g) => g > 0 && Number.isFinite(g))).toBe(true);
  });

  it('have exponential gaps: KS test passes at α = 0.01 against the true rate', () => {
    const d = ksStatisticExponential(gaps, rate);
    expect(d).toBeLessThan(ksCritical(count));
  });

  it('fail the same KS test against a rate 20% off, so the test can tell', () => {
    const d = ksStatisticExponential(gaps, 1200);
    expect(d).toBeGreaterThan(ksCritical(count));
    // Exp(1000) and Exp(1200) differ by 0.067 in CDF at most; D lands near that, not just past the line.
    expect(d).toBeGreaterThan(0.05);
  });

  it('have mean gap within 2% of 1/rate', () => {
    // The standard error of the mean of 20,000 exponential gaps is 1/(rate·√n), 0.7% of 1/rate: 2% is ~3σ.
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(Math.abs(mean * rate - 1)).toBeLessThan(0.02);
  });

  it('give counts per 100 ms window with variance ≈ mean (index of dispersion test)', () => {
    const counts = countsPerWindow(arrivals, 100e6);
    expect(counts.length).toBeGreaterThanOrEqual(190);
    // For Poisson counts, (windows − 1) × variance / mean follows χ² with windows − 1 degrees of freedom;
    // accept between its 0.5% and 99.5% quantiles (a two-sided test at α = 0.01): about 0.76 to 1.28 here.
    const degrees = counts.length - 1;
    const statistic = degrees * dispersionIndex(counts);
    expect(statistic).toBeGreaterThan(chiSquareQuantile(degrees, -2.5758));
    expect(statistic).toBeLessThan(chiSquareQuantile(degrees, 2.5758));
  });

  it('are told apart from constant arrivals by the same dispersion test', () => {
    const regular = offsets(createArrivalSchedule({ process: 'constant', rateQps: rate }), count);
    const counts = countsPerWindow(regular, 100e6);
    expect(dispersionIndex(counts)).toBe(0);
    expect((counts.length - 1) * dispersionIndex(counts)).toBeLessThan(chiSquareQuantile(counts.length - 1, -2.5758));
  });
});

describe('createArrivalSchedule options', () => {
  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('refuses rateQps %s with INVALID_OPTION naming it', (rateQps) => {
    expect(() => createArrivalSchedule({ process: 'poisson', rateQps })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(`got ${rateQps}`) }),
    );
  });

  it('refuses a seed that is not a 32-bit integer', () => {
    expect(() => createArrivalSchedule({ process: 'poisson', rateQps: 10, seed: 1.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: 'seed must be an integer from 0 to 4294967295, got 1.5' }),
    );
  });

  it('refuses an unknown process', () => {
    expect(() => createArrivalSchedule({ process: 'bursty' as 'poisson', rateQps: 10 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: "arrival process must be constant or poisson, got 'bursty'" }),
    );
  });
});

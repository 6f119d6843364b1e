import { describe, expect, it } from 'vitest';
import { binomialCdf, binomialQuantile } from '../src/stats/binomial.js';

/** ln k! for k = 0..max, by summing logarithms: independent of the code under test. */
function logFactorials(max: number): Float64Array {
  const table = new Float64Array(max + 1);
  for (let k = 1; k <= max; k++) table[k] = table[k - 1]! + Math.log(k);
  return table;
}

const LN_FACTORIAL = logFactorials(3000);

/** P(X = i) for X ~ Binomial(n, p). */
function pmf(i: number, n: number, p: number): number {
  return Math.exp(LN_FACTORIAL[n]! - LN_FACTORIAL[i]! - LN_FACTORIAL[n - i]! + i * Math.log(p) + (n - i) * Math.log1p(-p));
}

/** P(X ≤ k) for X ~ Binomial(n, p), summed term by term. */
function directCdf(k: number, n: number, p: number): number {
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += pmf(i, n, p);
  return sum;
}

/** P(X > k), summed term by term: keeps its relative accuracy where the cdf is within a hair of 1. */
function directSurvival(k: number, n: number, p: number): number {
  let sum = 0;
  for (let i = k + 1; i <= n; i++) sum += pmf(i, n, p);
  return sum;
}

/** Standard normal cdf through erfc (Numerical Recipes' erfcc, relative error < 1.2e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

function expectInvalid(fn: () => unknown): void {
  expect(fn).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
}

describe('binomialCdf', () => {
  it('matches direct summation for every k of moderate n', () => {
    for (const n of [1, 2, 7, 50, 400, 3000]) {
      for (const p of [0.001, 0.05, 0.3, 0.5, 0.77, 0.999]) {
        for (let k = 0; k < n; k += Math.max(1, Math.floor(n / 60))) {
          // Judge the smaller tail, so that values near 1 are judged by their complement.
          const lower = k < n * p;
          const expected = lower ? directCdf(k, n, p) : directSurvival(k, n, p);
          const actual = lower ? binomialCdf(k, n, p) : 1 - binomialCdf(k, n, p);
          // The absolute 1e-15 allows for 1 − cdf, which cannot resolve finer than a double near 1 does.
          expect(Math.abs(actual - expected), `k=${k} n=${n} p=${p}`).toBeLessThanOrEqual(1e-9 * expected + 1e-15);
        }
      }
    }
  });

  it('handles the edges: k < 0, k ≥ n, fractional k, p = 0 and p = 1, n = 0', () => {
    expect(binomialCdf(-1, 10, 0.5)).toBe(0);
    expect(binomialCdf(10, 10, 0.5)).toBe(1);
    expect(binomialCdf(25, 10, 0.5)).toBe(1);
    expect(binomialCdf(3.9, 10, 0.5)).toBe(binomialCdf(3, 10, 0.5));
    expect(binomialCdf(3, 10, 0.5)).toBeCloseTo(176 / 1024, 15);
    expect(binomialCdf(0, 10, 0)).toBe(1);
    expect(binomialCdf(9, 10, 1)).toBe(0);
    expect(binomialCdf(0, 0, 0.3)).toBe(1);
    expect(binomialCdf(0, 44, 0.1)).toBeCloseTo(0.9 ** 44, 16);
  });

  it('agrees with itself across the symmetry P(X ≤ k) + P(n − X ≤ n − k − 1) = 1, which uses the other branch', () => {
    for (const [n, p] of [[1_000_000, 0.3], [20_000, 0.01], [5_000_000, 0.999]] as const) {
      const mean = n * p;
      const sd = Math.sqrt(n * p * (1 - p));
      for (const z of [-4, -1.5, 0, 0.7, 3]) {
        const k = Math.floor(mean + z * sd);
        expect(binomialCdf(k, n, p) + binomialCdf(n - k - 1, n, 1 - p)).toBeCloseTo(1, 11);
      }
    }
  });

  it('follows the normal approximation for n = 1e7', () => {
    const n = 10_000_000;
    const p = 0.3;
    const mean = n * p;
    const sd = Math.sqrt(n * p * (1 - p));
    for (const z of [-3, -2, -1, 0, 1, 2, 3]) {
      const k = Math.round(mean + z * sd);
      // Continuity correction; the skewness error at this n is about 1e-4.
      expect(Math.abs(binomialCdf(k, n, p) - normalCdf((k + 0.5 - mean) / sd))).toBeLessThan(5e-4);
    }
  });

  it('follows the Poisson limit for n = 1e8, p = 1e-6 (mean 100)', () => {
    let term = Math.exp(-100);
    let poisson = term;
    for (let k = 1; k <= 130; k++) {
      term *= 100 / k;
      poisson += term;
      // The two laws themselves differ by up to 4e-5 relative, in the far tail (P ≈ 1e-30 at k = 10).
      if (k % 10 === 0) expect(Math.abs(binomialCdf(k, 100_000_000, 1e-6) - poisson) / poisson).toBeLessThan(1e-4);
    }
  });

  it('rejects arguments that are not a count and a probability', () => {
    expectInvalid(() => binomialCdf(1, -1, 0.5));
    expectInvalid(() => binomialCdf(1, 2.5, 0.5));
    expectInvalid(() => binomialCdf(1, 10, 1.5));
    expectInvalid(() => binomialCdf(1, 10, Number.NaN));
    expectInvalid(() => binomialCdf(Number.NaN, 10, 0.5));
  });
});

describe('binomialQuantile', () => {
  it('is the smallest k whose cdf reaches the probability', () => {
    for (const [n, p] of [[1, 0.5], [20, 0.1], [100, 0.5], [1000, 0.99], [3000, 0.02]] as const) {
      for (const probability of [0.001, 0.005, 0.025, 0.3, 0.5, 0.9, 0.975, 0.995]) {
        const k = binomialQuantile(probability, n, p);
        // Slack of 1e-12 for exact ties such as P(X ≤ 0) = 0.5 for n = 1, which rounding may put either side.
        expect(directCdf(k, n, p)).toBeGreaterThanOrEqual(probability - 1e-12);
        if (k > 0) expect(directCdf(k - 1, n, p)).toBeLessThan(probability + 1e-12);
      }
    }
  });

  it('gives the textbook ranks of a 95% interval for the median of 100 values', () => {
    // P(X ≤ 39) = 0.0176 < 0.025 ≤ P(X ≤ 40) = 0.0284 and P(X ≤ 59) = 0.9716 < 0.975 ≤ P(X ≤ 60) = 0.9824.
    expect(binomialQuantile(0.025, 100, 0.5)).toBe(40);
    expect(binomialQuantile(0.975, 100, 0.5)).toBe(60);
  });

  it('handles p = 0, p = 1 and probability 0', () => {
    expect(binomialQuantile(0.5, 10, 0)).toBe(0);
    expect(binomialQuantile(0.5, 10, 1)).toBe(10);
    expect(binomialQuantile(0, 10, 0.5)).toBe(0);
    expect(binomialQuantile(0.3, 0, 0.5)).toBe(0);
  });

  it('lands on the normal quantile for n = 1e7', () => {
    // How long it takes is a figure of npm run bench, not a bound a busy machine could break.
    const n = 10_000_000;
    const p = 0.1;
    const mean = n * p;
    const sd = Math.sqrt(n * p * (1 - p));
    const upper = binomialQuantile(0.995, n, p);
    const lower = binomialQuantile(0.005, n, p);
    // z(0.995) = 2.5758293; continuity and skewness move the integer quantile by at most a couple of units.
    expect(Math.abs(upper - (mean + 2.5758293 * sd))).toBeLessThan(3);
    expect(Math.abs(lower - (mean - 2.5758293 * sd))).toBeLessThan(3);
  });

  it('rejects a probability outside 0..1', () => {
    expectInvalid(() => binomialQuantile(1.2, 10, 0.5));
    expectInvalid(() => binomialQuantile(-0.1, 10, 0.5));
  });
});

/** Kolmogorov–Smirnov statistic of `sample` against the Exponential(rate) CDF 1 − e^(−rate·x). */
export function ksStatisticExponential(sample: readonly number[], rate: number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, i) => {
    const cdf = 1 - Math.exp(-rate * x);
    d = Math.max(d, (i + 1) / n - cdf, cdf - i / n);
  });
  return d;
}

/** Asymptotic KS critical value at α = 0.01. */
export const ksCritical = (n: number): number => 1.628 / Math.sqrt(n);

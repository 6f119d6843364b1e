import { binomialCdf } from './binomial.js';

/** Failures among the attempts of one sample. */
export interface FailureCount {
  /** Attempts that failed. */
  readonly failed: number;
  /** Attempts in all, at least 1. */
  readonly attempted: number;
}

/**
 * Two-sided p-value of the exact conditional test that two failure rates are equal, as Poisson rates: given k
 * failures in all, the candidate's share of them is Binomial(k, its share of the attempts) when the rates are
 * equal. 1 when neither failed. Both sides must have at least one attempt.
 */
export function poissonRatesPValue(baseline: FailureCount, candidate: FailureCount): number {
  const total = baseline.failed + candidate.failed;
  if (total === 0) return 1;
  const share = candidate.attempted / (baseline.attempted + candidate.attempted);
  const atMost = binomialCdf(candidate.failed, total, share);
  const atLeast = 1 - binomialCdf(candidate.failed - 1, total, share);
  return Math.min(1, 2 * Math.min(atMost, atLeast));
}

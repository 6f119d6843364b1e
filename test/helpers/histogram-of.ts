import { LatencyHistogram } from '../../src/stats/latency-histogram.js';

/** A histogram of exactly these values. */
export function histogramOf(valuesNs: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const v of valuesNs) histogram.recordNs(v);
  return histogram;
}

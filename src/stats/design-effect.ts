import type { LatencyHistogram } from './latency-histogram.js';

/** Percentiles either side of the median whose spread stands in for the density there: p40 to p60. */
const DENSITY_SPAN_PERCENT = 10;

/** One window of a run: its median latency and how many queries it held. */
export interface WindowMedian {
  /** The window's median latency. */
  readonly medianNs: number;
  /** Queries it completed, at least 1. */
  readonly queries: number;
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * How much the dependence of a run's queries inflates the variance of its latency estimates: the variance of its
 * windows' medians over the variance they would have were queries independent, 1 / (4 f² nᵢ) for a window of nᵢ
 * queries, with f, the density at the median, read off `latency`'s p40 to p60. At least 1 (dependence is not taken
 * to make an estimate more precise); 1 with fewer than `minimumWindows` windows or no spread at the median, when
 * queries are taken as independent.
 */
export function medianDesignEffect(windows: readonly WindowMedian[], latency: LatencyHistogram, minimumWindows: number): number {
  const spreadNs = latency.valueAtPercentileNs(50 + DENSITY_SPAN_PERCENT) - latency.valueAtPercentileNs(50 - DENSITY_SPAN_PERCENT);
  if (windows.length < minimumWindows || !(spreadNs > 0)) return 1;
  const inverseDensityNs = spreadNs / ((2 * DENSITY_SPAN_PERCENT) / 100);
  const independent = (inverseDensityNs ** 2 / 4) * mean(windows.map((w) => 1 / w.queries));
  const medians = windows.map((w) => w.medianNs);
  const centre = mean(medians);
  const observed = medians.reduce((a, m) => a + (m - centre) ** 2, 0) / (medians.length - 1);
  return Math.max(1, observed / independent);
}

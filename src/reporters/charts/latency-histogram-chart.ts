import type { TopLevelSpec } from 'vega-lite';
import type { LatencyHistogram } from '../../stats/latency-histogram.js';

/** Bins of the latency histogram chart. */
export const LATENCY_HISTOGRAM_BINS = 40;

/** One bar of the latency histogram. */
export interface LatencyBin {
  /** Lower edge (exclusive, but for the first bin). */
  readonly startMs: number;
  /** Upper edge (inclusive). */
  readonly endMs: number;
  /** Queries whose latency falls in the bin. */
  readonly count: number;
}

/**
 * Equal-width bins from the smallest to the largest latency, counted from the HDR histogram's buckets
 * with {@link LatencyHistogram.countAboveNs}: a bucket that straddles an edge falls wholly in the upper bin,
 * so the counts add up to the total. Empty for an empty histogram; one bin when every value is the same.
 */
export function latencyBins(latency: LatencyHistogram, binCount = LATENCY_HISTOGRAM_BINS): LatencyBin[] {
  if (latency.count === 0) return [];
  const { minNs, maxNs } = latency.summarize([]);
  const bins = maxNs > minNs ? binCount : 1;
  const edgesNs = Array.from({ length: bins + 1 }, (_, i) => minNs + ((maxNs - minNs) * i) / bins);
  const above = edgesNs.map((edgeNs, i) => (i === 0 ? latency.count : latency.countAboveNs(edgeNs)));
  return edgesNs.slice(1).map((endNs, i) => ({ startMs: edgesNs[i]! / 1e6, endMs: endNs / 1e6, count: above[i]! - above[i + 1]! }));
}

/** Bars of query counts over latency. */
export function latencyHistogramSpec(latency: LatencyHistogram): TopLevelSpec {
  return {
    width: 560,
    height: 200,
    data: { values: latencyBins(latency) },
    mark: { type: 'bar', color: '#4c78a8' },
    encoding: {
      // Binned here, not by Vega-Lite: bars span their own edges and stand on zero.
      x: { field: 'startMs', type: 'quantitative', bin: 'binned', title: 'latency (ms)', scale: { zero: false } },
      x2: { field: 'endMs' },
      y: { field: 'count', type: 'quantitative', title: 'queries' },
    },
  };
}

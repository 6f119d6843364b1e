import type { TopLevelSpec } from 'vega-lite';
import type { LatencyHistogram } from '../../stats/latency-histogram.js';

/** Points per tenfold step of 1/(1 − p/100): evenly spaced on the chart's log axis, so denser in p toward the tail. */
const POINTS_PER_DECADE = 10;
/** The curve ends at p99.99, where 1/(1 − p/100) is 10⁴. */
const DECADES = 4;

/** Percentiles the curve is drawn at, 0 to 99.99. */
export const PERCENTILE_CURVE_PERCENTILES: readonly number[] = Array.from({ length: DECADES * POINTS_PER_DECADE + 1 }, (_, i) => 100 - 100 / 10 ** (i / POINTS_PER_DECADE));

/** One run's latency distribution, named for the legend. */
export interface CurveSeries {
  /** Legend label of the run. */
  readonly label: string;
  /** The run's latency histogram. */
  readonly latency: LatencyHistogram;
}

/** A point of the percentile curve. */
export interface PercentilePoint {
  /** Label of the run it belongs to. */
  readonly series: string;
  /** The percentile, 0–100. */
  readonly percentile: number;
  /** 1/(1 − percentile/100): where the point sits on the log axis. */
  readonly tailFactor: number;
  /** Latency at the percentile. */
  readonly latencyMs: number;
}

/** The curve's points: each run's latency at every {@link PERCENTILE_CURVE_PERCENTILES} entry. */
export function percentileCurvePoints(series: readonly CurveSeries[]): PercentilePoint[] {
  return series.flatMap(({ label, latency }) =>
    PERCENTILE_CURVE_PERCENTILES.map((percentile) => ({
      series: label,
      percentile,
      tailFactor: 1 / (1 - percentile / 100),
      latencyMs: latency.valueAtPercentileNs(percentile) / 1e6,
    })),
  );
}

/** Latency against percentile on HdrHistogram's log axis, ticks labelled 50 to 99.99; one line per run. */
export function percentileCurveSpec(series: readonly CurveSeries[]): TopLevelSpec {
  return {
    width: 560,
    height: 260,
    data: { values: percentileCurvePoints(series) },
    mark: { type: 'line', interpolate: 'linear' },
    encoding: {
      x: {
        field: 'tailFactor',
        type: 'quantitative',
        title: 'percentile',
        scale: { type: 'log', domain: [1, 10 ** DECADES] },
        axis: { values: [2, 10, 100, 1000, 10_000], labelExpr: "format(100 - 100 / datum.value, '.4~f')" },
      },
      y: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms)' },
      color: { field: 'series', type: 'nominal', title: null, legend: series.length > 1 ? { orient: 'bottom', columns: 1 } : null },
      // A line's accessible label would otherwise read its first point's tail factor as the percentile.
      description: { field: 'series' },
    },
  };
}

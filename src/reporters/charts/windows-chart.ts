import type { TopLevelSpec } from 'vega-lite';
import type { ReportedWindow } from '../../results/measurement.js';

/** Throughput of one window. */
export interface WindowThroughput {
  /** Window end, from the start of measurement. */
  readonly endS: number;
  /** Completed samples per second in the window. */
  readonly samplesPerSecond: number;
}

/** One percentile's latency in one window. */
export interface WindowLatency {
  /** Window end, from the start of measurement. */
  readonly endS: number;
  /** The percentile as labelled, e.g. "p99". */
  readonly percentile: string;
  /** Query latency at that percentile in the window. */
  readonly latencyMs: number;
}

/** The windows worth charting: the whole ones, as a run's last, cut-short window holds too few queries to compare; all when none is whole. */
export function chartedWindows(windows: readonly ReportedWindow[]): readonly ReportedWindow[] {
  const whole = windows.filter((w) => !w.partial);
  return whole.length > 0 ? whole : windows;
}

/** Each window's samples per second. */
export function windowThroughput(windows: readonly ReportedWindow[]): WindowThroughput[] {
  return windows.map((w) => ({ endS: w.endNs / 1e9, samplesPerSecond: w.samplesPerSecond }));
}

/** Each window's latency at each reported percentile; windows where no query completed have none. */
export function windowLatencies(windows: readonly ReportedWindow[]): WindowLatency[] {
  return windows.flatMap((w) => Object.entries(w.latencyPercentilesNs).map(([p, ns]) => ({ endS: w.endNs / 1e9, percentile: `p${p}`, latencyMs: ns / 1e6 })));
}

/** Samples per second above, latency percentiles below, against the end of each window. */
export function windowsSpec(windows: readonly ReportedWindow[]): TopLevelSpec {
  const time = { field: 'endS', type: 'quantitative', title: 'time (s, window end)' } as const;
  const latencies = windowLatencies(windows);
  return {
    resolve: { scale: { x: 'shared' } },
    vconcat: [
      {
        width: 560,
        height: 140,
        data: { values: windowThroughput(windows) },
        mark: { type: 'line', point: true, color: '#4c78a8' },
        encoding: { x: { ...time, axis: { title: null } }, y: { field: 'samplesPerSecond', type: 'quantitative', title: 'samples/s' } },
      },
      {
        width: 560,
        height: 160,
        data: { values: latencies },
        mark: { type: 'line', point: true },
        encoding: {
          x: time,
          y: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms)' },
          // Keyed as written, so "p99.9" would sort before "p99" alphabetically: keep the reported order.
          color: { field: 'percentile', type: 'nominal', title: null, sort: [...new Set(latencies.map((l) => l.percentile))], legend: { orient: 'bottom', direction: 'horizontal' } },
        },
      },
    ],
  };
}

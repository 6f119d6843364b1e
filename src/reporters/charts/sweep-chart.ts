import type { TopLevelSpec } from 'vega-lite';

/** One configuration of a sweep, as the chart places it. */
export interface SweepPoint {
  /** Short label drawn beside the point, e.g. "#2". */
  readonly label: string;
  /** Longer description, for the page's table and the SVG's accessible text. */
  readonly description: string;
  /** Latency at the chart's percentile. */
  readonly latencyMs: number;
  /** Completed samples per second. */
  readonly samplesPerSecond: number;
  /** True for the best configuration. */
  readonly best: boolean;
  /** The kind of machine it ran on, in a fleet sweep: points are coloured by it. */
  readonly group?: string;
}

/** What the sweep chart shows. */
export interface SweepChartInput {
  /** One point per configuration. */
  readonly points: readonly SweepPoint[];
  /** The latency percentile on the x axis, e.g. 95. */
  readonly percentile: number;
  /** The latency limits at that percentile, each drawn as a rule; empty when none was given. */
  readonly limitsMs: readonly number[];
}

/**
 * Throughput against latency, one point per configuration; the best one filled, in another colour, and labelled
 * "best". Points with groups (a fleet's targets) are coloured by group instead, with a legend.
 */
export function sweepSpec({ points, percentile, limitsMs }: SweepChartInput): TopLevelSpec {
  const values = points.map((p) => ({ ...p, text: p.best ? `${p.label} best` : p.label, kind: p.best ? 'best' : 'other' }));
  const grouped = points.some((p) => p.group !== undefined);
  const color = grouped
    ? ({ field: 'group', type: 'nominal', title: 'target' } as const)
    : ({ field: 'kind', type: 'nominal', scale: { domain: ['best', 'other'], range: ['#e45756', '#4c78a8'] }, legend: null } as const);
  const x = { field: 'latencyMs', type: 'quantitative', title: `p${percentile} latency (ms)`, scale: { zero: false, nice: true } } as const;
  const y = { field: 'samplesPerSecond', type: 'quantitative', title: 'throughput (samples/s)', scale: { zero: false, nice: true } } as const;
  return {
    width: 560,
    height: 280,
    layer: [
      ...(limitsMs.length === 0
        ? []
        : [
            {
              data: { values: limitsMs.map((limitMs) => ({ limitMs })) },
              mark: { type: 'rule' as const, color: '#e45756', strokeDash: [4, 4] },
              encoding: { x: { field: 'limitMs', type: 'quantitative' as const } },
            },
          ]),
      {
        data: { values },
        layer: [
          {
            mark: { type: 'point', filled: true, opacity: 1, size: 90 },
            encoding: {
              x,
              y,
              color,
              description: { field: 'description' },
            },
          },
          { mark: { type: 'text', align: 'left', dx: 8, dy: -6, fontSize: 11 }, encoding: { x, y, text: { field: 'text' } } },
        ],
      },
    ],
  };
}

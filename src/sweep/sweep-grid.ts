/** One axis of a sweep: a run setting and the values it takes, in order. */
export interface SweepAxis {
  /** Name of the benchmark option it sets, e.g. `batchSize` or `sequenceLength`. */
  readonly setting: string;
  /** The values, in the order they run. */
  readonly values: readonly unknown[];
}

/** The settings of one configuration of a sweep: each axis's setting and its value there. */
export type SweepSettings = Readonly<Record<string, unknown>>;

/**
 * Every combination of the axes' values (their cartesian product), the first axis varying slowest:
 * with the batch size first, the configurations of one batch size run together and share its compile.
 */
export function sweepGrid(axes: readonly SweepAxis[]): SweepSettings[] {
  return axes.reduce<SweepSettings[]>(
    (grid, axis) => grid.flatMap((settings) => axis.values.map((value) => ({ ...settings, [axis.setting]: value }))),
    [{}],
  );
}

/** An axis value as lines, tables and file names show it: text as is, anything else as JSON. */
export function formatAxisValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A run's place in time, as a result records it. */
export interface TimedRun {
  /** When the run started, ISO 8601. */
  readonly startedAt: string;
  /** Its measured time. */
  readonly elapsedNs: number;
}

/** A run's measured time on the common clock of `joinTimes`, in nanoseconds. */
function spanOf(run: TimedRun): { start: number; end: number } {
  const start = Date.parse(run.startedAt) * 1e6;
  return { start, end: start + run.elapsedNs };
}

/**
 * Measured intervals of the runs on one clock, and the length of their union. A result records when its run
 * started (before the model, compile and warm-up), not when measuring began; taking each measurement to begin at its
 * startedAt assumes the runs took equally long to set up, which holds for one configuration with a warm compile
 * cache; the error is the difference of their set-up times.
 */
export function joinTimes(runs: readonly TimedRun[]): { elapsedNs: number; overlapping: boolean } {
  const spans = runs.map(spanOf).sort((a, b) => a.start - b.start);
  let elapsedNs = 0;
  let overlapping = false;
  let reach = -Infinity;
  for (const { start, end } of spans) {
    if (start < reach) overlapping = true;
    elapsedNs += Math.max(0, end - Math.max(start, reach));
    reach = Math.max(reach, end);
  }
  return { elapsedNs, overlapping };
}

/**
 * The largest sum of `value` over runs measuring at one time, on the clock of `joinTimes`: the copies, devices or
 * runs at work together. Runs that only touch (one ends as the next starts) do not overlap.
 */
export function peakConcurrent<R extends TimedRun>(runs: readonly R[], value: (run: R) => number): number {
  const events = runs
    .flatMap((r) => [
      { atNs: spanOf(r).start, change: value(r) },
      { atNs: spanOf(r).end, change: -value(r) },
    ])
    // At one instant, ends before starts.
    .sort((a, b) => a.atNs - b.atNs || a.change - b.change);
  let running = 0;
  let peak = Math.max(...runs.map(value));
  for (const { change } of events) {
    running += change;
    peak = Math.max(peak, running);
  }
  return peak;
}

/** A rate of each run, weighted by its measured time, over their union `elapsedNs`: the sum for runs measured together, the common rate for runs one after another. */
export function rateOverTime<R extends TimedRun>(runs: readonly R[], rate: (run: R) => number, elapsedNs: number): number {
  return elapsedNs > 0 ? runs.reduce((total, r) => total + rate(r) * r.elapsedNs, 0) / elapsedNs : runs.reduce((total, r) => total + rate(r), 0);
}

import { earlyStoppingMinimumCount, earlyStoppingTargetCheck } from '../stats/early-stopping.js';
import { ClosedLoopLoadGenerator } from './closed-loop.js';
import type { LoadResult, LoadRunHooks, LoadTarget } from './load-generator.js';
import type { LoadSettings } from '../options/load-settings.js';
import { OpenLoopLoadGenerator } from './open-loop.js';
import { abortedError } from '../core/abort.js';

/** One Server run of the search. */
export interface ServerSearchTrial {
  /** Target queries per second of the trial. */
  readonly rateQps: number;
  /** Queries issued per second. */
  readonly achievedQps: number | undefined;
  /** Queries completed. */
  readonly completedQueries: number;
  /** The scenario's percentile of query latency. */
  readonly percentileNs: number;
  /** Queries over the latency target. */
  readonly overLatencyCount: number;
  /** Requests that failed. */
  readonly failedRequests: number;
  /** Whether the latency target was met by the early-stopping rule, with no failures. */
  readonly passed: boolean;
}

/** How the highest passing Server rate was found. */
export interface ServerSearch {
  /** Throughput of a closed loop with two queries in flight per copy: the ceiling the search starts from. */
  readonly ceilingQps: number;
  /** Highest rate that passed; null when none did. */
  readonly bestQps: number | null;
  /** Every trial, in the order run. */
  readonly trials: readonly ServerSearchTrial[];
}

/** Options of {@link searchServerQps}. */
export interface ServerSearchOptions extends Pick<LoadRunHooks, 'signal' | 'onWindow' | 'onMeasurementStart'> {
  /** Server runs to make; default 6. */
  readonly trials?: number;
  /** Told of each trial as it ends. */
  readonly onTrial?: (trial: ServerSearchTrial) => void;
}

/** What a search found, with the load results to report. */
export interface ServerSearchOutcome {
  /** The search. */
  readonly search: ServerSearch;
  /** The best passing trial's result, else the last trial's. */
  readonly result: LoadResult;
}

/**
 * MLPerf's search for the highest Server rate whose latency percentile meets the target: the
 * ceiling is measured with a closed loop, then each trial (run for at least as many queries as
 * early stopping needs to bound the percentile) halves the interval between the highest
 * rate that passed and the lowest that failed. The copies stay loaded throughout.
 */
export async function searchServerQps(target: LoadTarget, settings: LoadSettings, options: ServerSearchOptions = {}): Promise<ServerSearchOutcome> {
  const { signal } = options;
  const probe = await new ClosedLoopLoadGenerator({ clients: 2 * target.copies.length, durationMs: Math.max(1000, settings.minDurationMs), seed: settings.seed }).run(target, { signal });
  // A search cut short has found no rate: cancelling it keeps nothing.
  if (probe.stopReason === 'interrupted') throw abortedError('the run');
  const ceilingQps = (probe.completedQueries * 1e9) / probe.elapsedNs;
  const trials: ServerSearchTrial[] = [];
  let best: LoadResult | undefined;
  let last: LoadResult | undefined;
  let passingQps = 0;
  let failingQps = ceilingQps;
  const count = options.trials ?? 6;
  // A trial too short to bound the percentile could never pass, whatever the rate.
  const minQueryCount = Math.max(settings.minQueryCount, earlyStoppingMinimumCount(settings.scenarioPercentile, settings.confidenceLevel));
  const maxQueryCount = settings.maxQueryCount === undefined ? undefined : Math.max(settings.maxQueryCount, minQueryCount);
  for (let i = 0; i < count; i++) {
    // The first trial tries the ceiling itself; a loose target may be met there.
    const rateQps = i === 0 ? ceilingQps : (passingQps + failingQps) / 2;
    // A maximum duration must leave the trial time to reach its minimum count at this rate.
    const maxDurationMs = settings.maxDurationMs === undefined ? undefined : Math.max(settings.maxDurationMs, (1.5 * minQueryCount * 1000) / rateQps);
    const trialResult = await new OpenLoopLoadGenerator({ ...settings, minQueryCount, maxQueryCount, maxDurationMs, scenario: 'server', rateQps }).run(target, options);
    if (trialResult.stopReason === 'interrupted') throw abortedError('the run');
    // Each trial's copies are long warm; the cold first inference is the probe's.
    const result = { ...trialResult, firstInference: probe.firstInference };
    const check = earlyStoppingTargetCheck(result.latency, settings.scenarioPercentile, settings.targetLatencyMs! * 1e6, settings.confidenceLevel);
    // Late sends do not fail a trial: latency counts from the schedule, so they can only make it look worse. Queries left
    // unserved do: their latencies are lower bounds, which even a loose target may let through.
    const passed = check.passed && result.errors.total === 0 && result.unfinishedQueries === 0;
    const trial: ServerSearchTrial = {
      rateQps,
      achievedQps: result.achievedQps,
      completedQueries: result.completedQueries,
      percentileNs: result.latency.count === 0 ? 0 : result.latency.valueAtPercentileNs(settings.scenarioPercentile),
      overLatencyCount: check.overLatencyCount,
      failedRequests: result.errors.total,
      passed,
    };
    trials.push(trial);
    options.onTrial?.(trial);
    last = result;
    if (passed) {
      best = result;
      passingQps = rateQps;
      if (i === 0) break;
    } else {
      failingQps = rateQps;
    }
  }
  return { search: { ceilingQps, bestQps: best === undefined ? null : passingQps, trials }, result: best ?? last! };
}

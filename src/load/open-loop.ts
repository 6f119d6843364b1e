import { monotonicNowNs } from '../core/clock.js';
import { InferbenchError } from '../core/errors.js';
import { createArrivalSchedule } from './arrival-schedule.js';
import type { LoadGenerator, LoadResult, LoadRunHooks, LoadTarget } from './load-generator.js';
import { resolveLoadSettings, type LoadOptions, type LoadSettings } from '../options/load-settings.js';
import type { QueryDriver } from './dispatch.js';
import { measureLoad } from './measure-load.js';
import { SCENARIOS } from '../options/scenarios.js';
import { waitUntil, YIELD_INTERVAL_NS } from './wait-until.js';

/**
 * Queries sent on a schedule, whatever the backend is doing: a query is never held back by earlier
 * ones, and its latency counts from when it was due (no coordinated omission).
 */
export async function issueOpenLoop(driver: QueryDriver, settings: LoadSettings): Promise<void> {
  const schedule = createArrivalSchedule({ process: settings.arrival ?? 'constant', rateQps: settings.rateQps!, seed: settings.seed });
  const inFlight = new Set<Promise<void>>();
  let lastYieldNs = monotonicNowNs();
  for (;;) {
    const dueNs = driver.startNs + schedule.nextOffsetNs();
    // Behind schedule, every query is already due and nothing waits: give the event loop a turn
    // now and then, so completions, windows and cancellation are still seen.
    if (monotonicNowNs() - lastYieldNs > YIELD_INTERVAL_NS) {
      await new Promise(setImmediate);
      lastYieldNs = monotonicNowNs();
    }
    // Stop before waiting for a query that would be past the end anyway.
    if (!driver.mayIssue(dueNs)) break;
    await waitUntil(dueNs, driver.signal);
    if (!driver.mayIssue(dueNs)) break;
    const query = driver.issue(dueNs);
    inFlight.add(query);
    void query.then(() => inFlight.delete(query));
  }
  // Far beyond capacity, the copies' queues would take longer than the run itself to empty.
  await driver.drain(inFlight);
}

/** MLPerf's Server scenario and the plain open loop: queries at a constant or Poisson rate. */
export class OpenLoopLoadGenerator implements LoadGenerator {
  readonly settings: LoadSettings;

  /** Takes the `open` (default) or `Server` scenario, with `rateQps`. */
  constructor(options: LoadOptions) {
    this.settings = resolveLoadSettings({ scenario: 'open', ...options });
    if (SCENARIOS[this.settings.scenario].loop !== 'open') {
      throw new InferbenchError('INVALID_OPTION', `the ${this.settings.scenario} scenario is not an open loop; use createLoadGenerator`);
    }
  }

  run(target: LoadTarget, hooks: LoadRunHooks = {}): Promise<LoadResult> {
    return measureLoad(target, this.settings, hooks, issueOpenLoop);
  }
}

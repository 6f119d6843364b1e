import { monotonicNowNs } from '../core/clock.js';
import { InferbenchError } from '../core/errors.js';
import type { LoadGenerator, LoadResult, LoadRunHooks, LoadTarget } from './load-generator.js';
import { resolveLoadSettings, type LoadOptions, type LoadSettings } from '../options/load-settings.js';
import type { QueryDriver } from './dispatch.js';
import { measureLoad } from './measure-load.js';
import { SCENARIOS } from '../options/scenarios.js';
import { YIELD_INTERVAL_NS } from './wait-until.js';

/** Clients that each issue their next query as soon as their last one settles. */
export async function issueClosedLoop(driver: QueryDriver, settings: LoadSettings): Promise<void> {
  let lastYieldNs = monotonicNowNs();
  const client = async (): Promise<void> => {
    while (driver.mayIssue()) {
      // A copy that answers synchronously (the in-process null backend) would starve timers and
      // signal handlers; give the event loop a turn now and then.
      const nowNs = monotonicNowNs();
      if (nowNs - lastYieldNs > YIELD_INTERVAL_NS) {
        await new Promise(setImmediate);
        lastYieldNs = monotonicNowNs();
        continue;
      }
      await driver.issue(nowNs);
    }
  };
  await Promise.all(Array.from({ length: settings.clients ?? 1 }, client));
}

/**
 * The workshop's load and MLPerf's SingleStream and MultiStream: N clients in a closed loop over M
 * model copies. Request `i` goes to copy `i % M` and runs a sample drawn from a seeded stream, so
 * the same seed replays the same requests.
 */
export class ClosedLoopLoadGenerator implements LoadGenerator {
  readonly settings: LoadSettings;

  /** Takes the `closed` (default), `SingleStream` or `MultiStream` scenario. */
  constructor(options: LoadOptions = {}) {
    this.settings = resolveLoadSettings(options);
    if (SCENARIOS[this.settings.scenario].loop !== 'closed') {
      throw new InferbenchError('INVALID_OPTION', `the ${this.settings.scenario} scenario is not a closed loop; use createLoadGenerator`);
    }
  }

  run(target: LoadTarget, hooks: LoadRunHooks = {}): Promise<LoadResult> {
    return measureLoad(target, this.settings, hooks, issueClosedLoop);
  }
}

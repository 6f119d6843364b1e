import { monotonicNowNs } from '../core/clock.js';
import { InferbenchError } from '../core/errors.js';
import type { LoadGenerator, LoadResult, LoadRunHooks, LoadTarget } from './load-generator.js';
import { resolveLoadSettings, type LoadOptions, type LoadSettings } from '../options/load-settings.js';
import { parseScenario } from '../options/scenarios.js';
import type { QueryDriver } from './dispatch.js';
import { measureLoad } from './measure-load.js';

/** Most queries in a wave after the first, so that instant copies cannot pile up millions of pending queries. */
const MAX_LATER_WAVE = 100_000;

/**
 * Every query issued at once, due at the start (MLPerf Offline). When the first wave ends before the
 * run may stop (minimum duration, stability), further waves follow, each sized to last about a window.
 * A maximum duration is checked between waves: the first wave, as in MLPerf, always runs whole.
 */
export async function issueOffline(driver: QueryDriver, settings: LoadSettings): Promise<void> {
  let wave = Math.max(1, driver.queriesShort);
  let dueNs = driver.startNs;
  while (driver.mayIssue()) {
    const queries: Promise<void>[] = [];
    while (queries.length < wave && driver.mayIssue()) queries.push(driver.issue(dueNs));
    await Promise.all(queries);
    const elapsedS = (monotonicNowNs() - driver.startNs) / 1e9;
    const windowS = (settings.windowMs ?? 1000) / 1000;
    // Later waves last about a window, and stay bounded however fast the copies answer.
    wave = Math.min(MAX_LATER_WAVE, Math.max(1, driver.queriesShort, Math.ceil((driver.completedQueries / elapsedS) * windowS)));
    dueNs = monotonicNowNs();
  }
}

/** MLPerf's Offline scenario: throughput with every query available at once. */
export class OfflineLoadGenerator implements LoadGenerator {
  readonly settings: LoadSettings;

  /** Takes the `Offline` scenario (the default here). */
  constructor(options: LoadOptions = {}) {
    if (options.scenario !== undefined && parseScenario(options.scenario) !== 'offline') {
      throw new InferbenchError('INVALID_OPTION', `the ${options.scenario} scenario is not offline; use createLoadGenerator`);
    }
    this.settings = resolveLoadSettings({ ...options, scenario: 'offline' });
  }

  run(target: LoadTarget, hooks: LoadRunHooks = {}): Promise<LoadResult> {
    return measureLoad(target, this.settings, hooks, issueOffline);
  }
}

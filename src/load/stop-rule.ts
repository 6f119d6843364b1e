import type { StopReason } from './load-generator.js';
import type { LoadSettings } from '../options/load-settings.js';

/** The settings the stop rule reads. */
export type StopRuleSettings = Pick<LoadSettings, 'minQueryCount' | 'maxQueryCount' | 'minDurationMs' | 'maxDurationMs' | 'untilStable' | 'precision'>;

/** The state of a measurement the stop rule judges, as it stands when the next query could be issued. */
export interface RunSnapshot {
  /** Time since measurement started, at the moment the next query would be issued (an open loop's due time). */
  readonly elapsedNs: number;
  /** Measured queries issued so far. */
  readonly issuedQueries: number;
  /** Whether the stability rule holds over the windows closed so far. */
  readonly stable: boolean;
  /**
   * Whether every asked percentile is known to the precision asked, judged on every query completed so far. Called
   * only with a precision target, and only when every other condition to stop holds, as the judgement is costly.
   */
  readonly precisionMet: () => boolean;
  /** True once a run listener threw: the run stops issuing and rejects with that error. */
  readonly listenerFailed: boolean;
}

/** Go on issuing, or stop and why. */
export type StopDecision = { readonly stop: false } | { readonly stop: true; readonly reason: StopReason };

const CONTINUE: StopDecision = { stop: false };
const stop = (reason: StopReason): StopDecision => ({ stop: true, reason });

/**
 * Whether a measurement stops issuing: at once at a maximum (query count, then duration); otherwise not before both
 * minimums are reached, and then only once stable and precise where those were asked. A maximum equal to its minimum
 * is an exact bound and names it (`query-count`, `duration`).
 */
export function decideStop(settings: StopRuleSettings, run: RunSnapshot): StopDecision {
  // The reason does not matter: the run rejects with the listener's error.
  if (run.listenerFailed) return stop('minimums-met');
  if (settings.maxQueryCount !== undefined && run.issuedQueries >= settings.maxQueryCount) {
    return stop(settings.maxQueryCount === settings.minQueryCount ? 'query-count' : 'max-queries');
  }
  if (settings.maxDurationMs !== undefined && run.elapsedNs >= settings.maxDurationMs * 1e6) {
    return stop(settings.maxDurationMs === settings.minDurationMs ? 'duration' : 'max-duration');
  }
  if (run.elapsedNs < settings.minDurationMs * 1e6 || run.issuedQueries < settings.minQueryCount) return CONTINUE;
  if (settings.untilStable && !run.stable) return CONTINUE;
  if (settings.precision !== undefined && !run.precisionMet()) return CONTINUE;
  return stop(settings.untilStable ? 'stable' : settings.precision !== undefined ? 'precision-met' : 'minimums-met');
}

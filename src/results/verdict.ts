import { MAX_LATE_FRACTION } from '../options/load-settings.js';
import { formatMs, formatRate } from '../core/format.js';
import type { BenchmarkSettings } from '../options/benchmark-options.js';
import type { Measurement } from './measurement.js';
import { optionLabel } from '../options/option-schema.js';

/** Why a run is not VALID. */
export type VerdictReasonCode =
  | 'INTERRUPTED'
  | 'TOO_FEW_QUERIES'
  | 'TOO_SHORT'
  | 'UNSTABLE'
  | 'LATE_SENDS'
  | 'OVERLOADED'
  | 'ERRORS'
  | 'TOO_FEW_FOR_PERCENTILE'
  | 'LATENCY_TARGET_MISSED'
  | 'PRECISION_NOT_MET';

/** One reason, and what to change. */
export interface VerdictReason {
  /** Stable code that programs may switch on. */
  readonly code: VerdictReasonCode;
  /** What is wrong, with the figures. */
  readonly message: string;
  /** What to change to fix it. */
  readonly advice: string;
}

/** MLPerf-style verdict on a run: VALID, or INVALID with every reason. */
export interface Verdict {
  /** True when no reason below applies. */
  readonly valid: boolean;
  /** Every reason the run is INVALID; empty when VALID. */
  readonly reasons: readonly VerdictReason[];
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;

/** Judges a measurement against the settings it ran under. */
export function judgeMeasurement(m: Measurement, settings: BenchmarkSettings): Verdict {
  const reasons: VerdictReason[] = [];
  const add = (code: VerdictReasonCode, message: string, advice: string): void => void reasons.push({ code, message, advice });
  const p = settings.scenarioPercentile;

  if (m.stopReason === 'interrupted') {
    add('INTERRUPTED', `interrupted after ${(m.elapsedNs / 1e9).toFixed(2)} s of measuring; the ${m.completedQueries} queries completed until then are kept`, 'run it again to the end');
  }

  if (m.completedQueries < settings.minQueryCount) {
    add('TOO_FEW_QUERIES', `${m.completedQueries} queries completed, fewer than the minimum ${settings.minQueryCount}`, `raise ${optionLabel('maxDurationMs')} or lower ${optionLabel('minQueryCount')}`);
  }
  // Every other stop reason comes at or after the minimum duration; only a query bound can cut it short.
  if ((m.stopReason === 'max-queries' || m.stopReason === 'query-count') && m.elapsedNs < settings.minDurationMs * 1e6) {
    add('TOO_SHORT', `measured for ${(m.elapsedNs / 1e9).toFixed(2)} s, less than the minimum ${(settings.minDurationMs / 1000).toFixed(2)} s`, `raise ${optionLabel('maxQueryCount')} or lower ${optionLabel('minDurationMs')}`);
  }
  if (!m.stability.stable) {
    add('UNSTABLE', m.stability.reason ?? 'the windows were not stable', `measure longer with ${optionLabel('untilStable')} or a longer ${optionLabel('minDurationMs')}, use longer windows that hold more queries (e.g. ${optionLabel('windowMs')} 5s), or allow more variation with ${optionLabel('stabilityMaxRatio')}`);
  }
  if (m.offeredLoad !== null && m.offeredLoad.lateQueries > MAX_LATE_FRACTION * m.issuedQueries) {
    const o = m.offeredLoad;
    add(
      'LATE_SENDS',
      `${o.lateQueries} of ${m.issuedQueries} queries were sent more than ${o.lateSendThresholdMs} ms late (up to ${formatMs(o.sendDelay.maxNs)}); the load generator could not keep the schedule`,
      `leave the load generator a core (a lower ${optionLabel('intraOpThreadsPerCopy')}), lower ${optionLabel('rateQps')}, or spread the load over several processes`,
    );
  }
  // MLPerf LoadGen's INVALID for a Server run whose system falls behind its arrivals.
  if (m.offeredLoad !== null && m.offeredLoad.unfinishedQueries > 0) {
    const o = m.offeredLoad;
    const servedQps = formatRate(m.throughput.queriesPerSecond);
    add(
      'OVERLOADED',
      `${o.unfinishedQueries} of ${m.issuedQueries} queries were still waiting for a copy when the run stopped waiting for them: the offered ${formatRate(o.targetQps)} q/s is more than the copies served (${servedQps} q/s), and the latency figures, which count those queries at their wait until then, are lower bounds`,
      `lower ${optionLabel('rateQps')} below ${servedQps} q/s, or add ${optionLabel('copies')}`,
    );
  }
  if (m.errors.total > 0) {
    const kinds = Object.entries(m.errors.byKind).map(([kind, e]) => `${e.count} ${kind}`).join(', ');
    add('ERRORS', `${m.errors.total} requests failed (${kinds})`, 'fix the failing requests; the latency figures leave them out');
  }
  // Offline latencies grow with the queue by design; it is judged on throughput alone.
  if (m.earlyStopping.estimateNs === null && m.scenario !== 'offline') {
    add(
      'TOO_FEW_FOR_PERCENTILE',
      `${m.earlyStopping.count} queries cannot bound p${p} at ${percent(m.confidenceLevel)} confidence; at least ${m.earlyStopping.minimumCount} are needed`,
      `raise ${optionLabel('minQueryCount')} to ${m.earlyStopping.minimumCount} or more`,
    );
  }
  const target = m.latencyTarget;
  if (target !== null && !target.passed) {
    add(
      'LATENCY_TARGET_MISSED',
      `${target.overLatencyCount} of ${target.count} queries took longer than the ${formatMs(target.targetNs)} target, more than p${p} allows at ${percent(m.confidenceLevel)} confidence (at most ${target.allowedOverLatency ?? 0})`,
      target.queriesNeeded === null ? `lower ${optionLabel('rateQps')}, or add copies` : `lower ${optionLabel('rateQps')}, or set ${optionLabel('minQueryCount')} to about ${target.queriesNeeded} if the tail is close to the target`,
    );
  }
  const precision = m.precision;
  if (precision !== null && !precision.met) {
    const width = precision.widest.relativeHalfWidth;
    add(
      'PRECISION_NOT_MET',
      `p${precision.widest.percentile} is known to ${width === null ? 'no bound yet' : `±${percent(width)}`}, not the ±${percent(precision.target)} asked`,
      precision.queriesNeeded === null
        ? `run more queries: raise ${optionLabel('maxQueryCount')} or ${optionLabel('maxDurationMs')}`
        : `run about ${precision.queriesNeeded - m.completedQueries} more queries, ${precision.queriesNeeded} in all: raise ${optionLabel('maxQueryCount')} or ${optionLabel('maxDurationMs')}`,
    );
  }
  return { valid: reasons.length === 0, reasons };
}

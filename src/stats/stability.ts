import { InferbenchError } from '../core/errors.js';
import { requireInteger } from '../core/validate.js';

/** What one measurement window produced, as {@link checkStability} judges it. */
export interface WindowFigures {
  /** Samples (or requests) completed per second over the window. */
  readonly throughputPerSecond: number;
  /** Latency of the window at the stability percentile; absent for windows whose latency is not judged. */
  readonly latencyNs?: number;
}

/** Options of the stability rule: perf_analyzer's "last N windows within X% of each other". */
export interface StabilityOptions {
  /** Most recent windows judged together; an integer ≥ 2. Default 3. */
  readonly windowCount?: number;
  /** Largest allowed max/min ratio of a figure over those windows; finite and > 1. Default 1.1 (10%). */
  readonly maxRatio?: number;
  /** Whether latency must be stable too, not only throughput. Default true. */
  readonly judgeLatency?: boolean;
}

/** {@link StabilityOptions} with every default applied. */
export interface StabilitySettings {
  /** Most recent windows judged together. */
  readonly windowCount: number;
  /** Largest allowed max/min ratio of a figure over those windows. */
  readonly maxRatio: number;
  /** Whether latency must be stable too. */
  readonly judgeLatency: boolean;
}

/** The verdict on a run's latest windows; every field is JSON-safe. */
export interface StabilityCheck {
  /** True when every judged figure stayed within the allowed ratio. */
  readonly stable: boolean;
  /** Windows the verdict rests on: the last `windowCount`, or all there are when fewer. */
  readonly windowsJudged: number;
  /** Largest over smallest throughput of the judged windows; null when too few windows or one completed nothing. */
  readonly throughputRatio: number | null;
  /** Largest over smallest latency of the judged windows; null when latency is not judged or cannot be. */
  readonly latencyRatio: number | null;
  /** Why the run is not stable, as a short sentence for reports; null when stable. */
  readonly reason: string | null;
}

/** Windows judged unless told otherwise; perf_analyzer's default. */
export const DEFAULT_STABILITY_WINDOWS = 3;
/** Allowed max/min ratio unless told otherwise: perf_analyzer's 10% stability percentage. */
export const DEFAULT_STABILITY_MAX_RATIO = 1.1;

/** Resolves and validates stability options. */
export function resolveStabilitySettings(options: StabilityOptions = {}): StabilitySettings {
  const maxRatio = options.maxRatio ?? DEFAULT_STABILITY_MAX_RATIO;
  if (!(Number.isFinite(maxRatio) && maxRatio > 1)) {
    throw new InferbenchError('INVALID_OPTION', `maxRatio must be a finite number > 1 (1.1 allows 10% variation), got ${maxRatio}`);
  }
  return {
    windowCount: requireInteger('windowCount', options.windowCount ?? DEFAULT_STABILITY_WINDOWS, 2),
    maxRatio,
    judgeLatency: options.judgeLatency ?? true,
  };
}

/** Variation a ratio stands for, to one decimal: 1.234 varied "23.4%", 1.1 "10%". */
const percent = (ratio: number): string => `${Number(((ratio - 1) * 100).toFixed(1))}%`;

/**
 * Judges the last `settings.windowCount` windows: stable when, for throughput and (if judged) latency,
 * the largest value is at most `maxRatio` times the smallest.
 */
export function checkStability(windows: readonly WindowFigures[], settings: StabilitySettings): StabilityCheck {
  const { windowCount, maxRatio, judgeLatency } = settings;
  if (windows.length < windowCount) {
    const reason = `only ${windows.length} of the ${windowCount} windows needed to judge stability have completed`;
    return { stable: false, windowsJudged: windows.length, throughputRatio: null, latencyRatio: null, reason };
  }
  const judged = windows.slice(-windowCount);
  const last = `the last ${windowCount} windows`;
  const limit = `(limit ${percent(maxRatio)})`;
  const throughputRatio = ratioOf(judged.map((w) => w.throughputPerSecond));
  const latencyRatio = judgeLatency ? ratioOf(judged.map((w) => w.latencyNs)) : null;

  let reason: string | null = null;
  if (throughputRatio === null) {
    // max/min would be Infinity, which JSON cannot hold: report null and say why.
    reason = `a window among ${last} completed nothing, so throughput is not steady`;
  } else if (throughputRatio > maxRatio) {
    reason = `throughput varied ${percent(throughputRatio)} over ${last} ${limit}`;
  } else if (judgeLatency && latencyRatio === null) {
    reason = `a window among ${last} has no latency to judge; give latencyNs for each window or set judgeLatency to false`;
  } else if (latencyRatio !== null && latencyRatio > maxRatio) {
    reason = `latency varied ${percent(latencyRatio)} over ${last} ${limit}`;
  }
  return { stable: reason === null, windowsJudged: judged.length, throughputRatio, latencyRatio, reason };
}

/** max/min of positive finite values; null when one is missing, zero or not finite, as JSON has no Infinity. */
function ratioOf(values: readonly (number | undefined)[]): number | null {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v) && v > 0);
  if (present.length < values.length) return null;
  return Math.max(...present) / Math.min(...present);
}

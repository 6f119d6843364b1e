import { InferbenchError } from '../core/errors.js';
import { seededRandom } from '../core/random.js';
import { MAX_SEED, requireInteger } from '../core/validate.js';
import type { ArrivalProcess } from '../options/scenarios.js';


/** Options of {@link createArrivalSchedule}. */
export interface ArrivalScheduleOptions {
  /** How arrivals are spaced. */
  readonly process: ArrivalProcess;
  /** Mean arrivals per second; a positive finite number. */
  readonly rateQps: number;
  /** Seed of the Poisson gaps; the same seed gives the same arrivals. Default 1. Unused by `constant`. */
  readonly seed?: number;
}

/** The arrival times of an open-loop load, drawn one at a time. */
export interface ArrivalSchedule {
  /** How arrivals are spaced. */
  readonly process: ArrivalProcess;
  /** Mean arrivals per second. */
  readonly rateQps: number;
  /**
   * Scheduled time of the next arrival, in nanoseconds from the start of the schedule; cumulative, so it
   * never decreases. The first is 0 for `constant` and one exponential gap for `poisson`.
   */
  nextOffsetNs(): number;
}

const PROCESSES: readonly ArrivalProcess[] = ['constant', 'poisson'];

/** A schedule of arrivals at `rateQps` per second, spaced as `process` says. */
export function createArrivalSchedule(options: ArrivalScheduleOptions): ArrivalSchedule {
  const { process, rateQps } = options;
  if (!PROCESSES.includes(process)) {
    throw new InferbenchError('INVALID_OPTION', `arrival process must be ${PROCESSES.join(' or ')}, got '${String(process)}'`);
  }
  if (!(Number.isFinite(rateQps) && rateQps > 0)) {
    throw new InferbenchError('INVALID_OPTION', `rateQps must be a positive finite number of arrivals per second, got ${rateQps}; pass e.g. rateQps: 100`);
  }
  const seed = requireInteger('seed', options.seed ?? 1, 0, MAX_SEED);
  const meanGapNs = 1e9 / rateQps;

  if (process === 'constant') {
    let index = 0;
    // Computed from the index rather than summed, so rounding errors do not pile up over long runs.
    return { process, rateQps, nextOffsetNs: () => (index++ * 1e9) / rateQps };
  }

  const random = seededRandom(seed);
  let offsetNs = 0;
  return {
    process,
    rateQps,
    nextOffsetNs() {
      // Inverse-CDF draw of an exponential gap; 1 - float() lies in (0, 1], so the logarithm is finite.
      offsetNs += -Math.log(1 - random.float()) * meanGapNs;
      return offsetNs;
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { monotonicNowNs } from '../../src/core/clock.js';
import { InferbenchError } from '../../src/core/errors.js';
import { waitUntil } from '../../src/load/wait-until.js';
import { type InferenceTiming, type ModelCopy } from '../../src/backends/backend.js';
import { type RequestRecord } from '../../src/load/load-generator.js';
import { type LatencyHistogram } from '../../src/stats/latency-histogram.js';
import { seededRandom, type SeededRandom } from '../../src/core/random.js';

// Simulated model copies whose timing is known in advance, so tests can compare what the load
// generator measured with the truth. Calls are numbered from 0 in arrival order, every call counted:
// the load generator's first, cold inference of a copy is its call 0.

/** Options of {@link KnownComputeCopy}. */
export interface KnownComputeOptions {
  /** Position of the copy; default 0. */
  readonly index?: number;
  /** Seed of the compute-time stream; the same seed hands out the same times. */
  readonly seed: number;
  /** Median of the log-normal compute time. */
  readonly medianNs: number;
  /** Standard deviation of the compute time's natural logarithm (0.5 spans about 0.2× to 5× the median). */
  readonly logSigma: number;
}

/**
 * A copy that answers at once but reports a compute time drawn from a seeded log-normal distribution:
 * the exact distribution a compute histogram should reproduce is the list it handed out.
 */
export class KnownComputeCopy implements ModelCopy {
  /** Position of the copy. */
  readonly index: number;
  /** Every compute time reported, in call order, in whole nanoseconds (at least 1, as histograms record them). */
  readonly computeNsHandedOut: number[] = [];
  readonly #random: SeededRandom;
  readonly #medianNs: number;
  readonly #logSigma: number;

  constructor(options: KnownComputeOptions) {
    this.index = options.index ?? 0;
    this.#random = seededRandom(options.seed);
    this.#medianNs = options.medianNs;
    this.#logSigma = options.logSigma;
  }

  /** Reports the next compute time without spending it. */
  infer(): Promise<InferenceTiming> {
    const computeNs = Math.max(1, Math.round(this.#medianNs * Math.exp(this.#random.normals(1, this.#logSigma)[0]!)));
    this.computeNsHandedOut.push(computeNs);
    return Promise.resolve({ computeStartNs: monotonicNowNs(), computeNs });
  }
}

/** Options of {@link FifoServerCopy}. */
export interface FifoServerOptions {
  /** Position of the copy; default 0. */
  readonly index?: number;
  /**
   * Service time of each call in milliseconds, or a function giving it from the call number and the call's simulated
   * compute start (a monotonic time), for copies whose speed changes over a run.
   */
  readonly serviceMs: number | ((call: number, computeStartNs: number) => number);
  /** One call that takes far longer: its number and its service time in milliseconds. */
  readonly stall?: { readonly call: number; readonly serviceMs: number };
}

/** One call a {@link FifoServerCopy} served, as monotonic clock readings. */
export interface ServedCall {
  /** When the load generator called the copy. */
  readonly calledNs: number;
  /** When the simulated service began: the call, or the previous call's finish if later. */
  readonly computeStartNs: number;
  /** When the simulated service ended: the deadline the copy answers at. */
  readonly finishNs: number;
  /** When the copy answered: its finish, plus however late the event loop let it see it; undefined until then. */
  answeredNs: number | undefined;
}

/**
 * A single-server FIFO queue: each call starts when it arrives or when the previous one finishes,
 * whichever is later, and completes at its simulated finish time. Its capacity is exactly
 * 1 / service time, however late the event loop runs, because finish times chain in simulated time;
 * a test can judge what was measured against these finish times, which no busy host can move.
 */
export class FifoServerCopy implements ModelCopy {
  /** Position of the copy. */
  readonly index: number;
  /** Every call, in call order. */
  readonly served: ServedCall[] = [];
  readonly #serviceMs: (call: number, computeStartNs: number) => number;
  readonly #stall: FifoServerOptions['stall'];
  #busyUntilNs = 0;

  constructor(options: FifoServerOptions) {
    const { serviceMs } = options;
    this.index = options.index ?? 0;
    this.#serviceMs = typeof serviceMs === 'number' ? () => serviceMs : serviceMs;
    this.#stall = options.stall;
  }

  /** Calls received so far. */
  get calls(): number {
    return this.served.length;
  }

  /** Queues the call; resolves at its finish time with the simulated compute start and service time. */
  async infer(): Promise<InferenceTiming> {
    const call = this.served.length;
    const calledNs = monotonicNowNs();
    const computeStartNs = Math.max(calledNs, this.#busyUntilNs);
    const computeNs = Math.round((call === this.#stall?.call ? this.#stall.serviceMs : this.#serviceMs(call, computeStartNs)) * 1e6);
    const served: ServedCall = { calledNs, computeStartNs, finishNs: computeStartNs + computeNs, answeredNs: undefined };
    this.served.push(served);
    this.#busyUntilNs = served.finishNs;
    // Timers alone fire up to a millisecond off; waitUntil spins the last stretch, so completions are seen on time.
    await waitUntil(served.finishNs);
    served.answeredNs = monotonicNowNs();
    return { computeStartNs, computeNs };
  }
}

/** When the copy that served `record` finished it by its own clock: for a {@link FifoServerCopy}, its deadline. */
export const finishNs = (record: RequestRecord): number => record.computeStartNs + record.computeNs;

/** The copy's part of a request's latency: from its send to the copy's finish, queueing in the copy included. */
export const copyLatencyNs = (record: RequestRecord): number => finishNs(record) - record.sentNs;

/** What a simulated copy does on a call: answer after this many milliseconds, fail with this error, or never answer. */
export type Answer = number | Error | 'never';

/** A model copy on a timer, as one on another thread looks to the load generator; records when each call arrived. */
export interface SleepingCopy extends ModelCopy {
  /** Monotonic time of each call, the cold first inference included. */
  readonly callsNs: number[];
}

/** A copy whose call `n` (0 is the cold first inference) does what `answer(n)` says. */
export function sleepingCopy(index: number, answer: (call: number) => Answer): SleepingCopy {
  const callsNs: number[] = [];
  return {
    index,
    callsNs,
    async infer() {
      const a = answer(callsNs.length);
      const computeStartNs = monotonicNowNs();
      callsNs.push(computeStartNs);
      if (a === 'never') return new Promise<never>(() => {});
      await sleep(a instanceof Error ? 1 : a);
      if (a instanceof Error) throw a;
      return { computeStartNs, computeNs: monotonicNowNs() - computeStartNs };
    },
  };
}

/**
 * A copy that computes on the calling thread for `serviceUs()` microseconds: latencies follow a known distribution to
 * the microsecond, on a quiet host; a busy one preempts some spins, and adds what it takes to their latencies.
 */
export function spinningCopy(serviceUs: () => number): ModelCopy {
  return {
    index: 0,
    async infer() {
      const computeStartNs = monotonicNowNs();
      const untilNs = computeStartNs + serviceUs() * 1e3;
      while (monotonicNowNs() < untilNs);
      return { computeStartNs, computeNs: monotonicNowNs() - computeStartNs };
    },
  };
}

/** Options of {@link FlakyCopy}. */
export interface FlakyOptions {
  /** Position of the copy; default 0. */
  readonly index?: number;
  /** Calls that reject with a WORKER_FAILED error. */
  readonly failCalls?: readonly number[];
  /** Calls that never settle, to be cut by a request timeout. */
  readonly hangCalls?: readonly number[];
}

/** A copy that answers at once (1 ns of compute), except for the calls chosen to fail or to hang. */
export class FlakyCopy implements ModelCopy {
  /** Position of the copy. */
  readonly index: number;
  /** Calls received so far. */
  calls = 0;
  readonly #failCalls: ReadonlySet<number>;
  readonly #hangCalls: ReadonlySet<number>;

  constructor(options: FlakyOptions = {}) {
    this.index = options.index ?? 0;
    this.#failCalls = new Set(options.failCalls);
    this.#hangCalls = new Set(options.hangCalls);
  }

  /** Answers, fails or hangs, as the call's number decides. */
  infer(): Promise<InferenceTiming> {
    const call = this.calls++;
    if (this.#failCalls.has(call)) return Promise.reject(new InferbenchError('WORKER_FAILED', `call ${call} failed on purpose`));
    if (this.#hangCalls.has(call)) return new Promise<never>(() => {});
    return Promise.resolve({ computeStartNs: monotonicNowNs(), computeNs: 1 });
  }
}

/** Counts the calls in flight at once across every copy it wraps. */
export class InFlightTracker {
  /** Calls started and not yet settled. */
  inFlight = 0;
  /** For each call, in start order: the calls in flight just after it started, itself included. */
  readonly inFlightAtCall: number[] = [];
  /** For each call, in start order: the index of the copy it went to. */
  readonly copyOfCall: number[] = [];

  /** `copy`, with each call counted while it is in flight. */
  track(copy: ModelCopy): ModelCopy {
    return {
      index: copy.index,
      infer: (inputIndex) => {
        this.inFlight++;
        this.inFlightAtCall.push(this.inFlight);
        this.copyOfCall.push(copy.index);
        return copy.infer(inputIndex).finally(() => this.inFlight--);
      },
    };
  }

  /** Most calls in flight at once while calls `fromCall` (included) to `toCall` (excluded) started; concurrency only rises at a start. */
  maxInFlight(fromCall = 0, toCall = this.inFlightAtCall.length): number {
    return Math.max(0, ...this.inFlightAtCall.slice(fromCall, toCall));
  }
}

/** Exact nearest-rank percentile of `values`: the smallest value with at least `percentile`% of them at or below it. */
export function nearestRank(values: readonly number[], percentile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  // The epsilon keeps float error in p × n from skipping a whole rank, as HDR's own rounding does.
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length - 1e-9));
  return sorted[rank - 1]!;
}

/** Asserts that `histogram` holds as many values as `values` and that each percentile is within its 3-digit precision (0.1%, +1 ns of rounding) of the exact one. */
export function expectPercentilesMatch(histogram: LatencyHistogram, values: readonly number[], percentiles: readonly number[]): void {
  expect(histogram.count).toBe(values.length);
  for (const p of percentiles) {
    const exact = nearestRank(values, p);
    const reported = histogram.valueAtPercentileNs(p);
    expect(Math.abs(reported - exact), `p${p}: reported ${reported} ns, exact ${exact} ns`).toBeLessThanOrEqual(exact * 0.001 + 1);
  }
}

import { monotonicNowNs } from '../clock.js';
import { InferbenchError } from '../errors.js';
import { seededRandom } from '../random.js';
import { MAX_SEED, requireInteger } from '../validate.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import type { LoadGenerator, LoadResult, LoadTarget, RequestRecord } from './load-generator.js';

/** Options of {@link ClosedLoopLoadGenerator}. Give `requestCount` or `durationMs`, not both. */
export interface ClosedLoopOptions {
  /** Concurrent clients; each issues its next request when its last one completes. Default 1. */
  readonly clients?: number;
  /** Measured requests to issue in all. Default {@link DEFAULT_REQUEST_COUNT} when no duration is given. */
  readonly requestCount?: number;
  /** Stop issuing after this long; requests in flight still complete and count. */
  readonly durationMs?: number;
  /** Requests run first, at the same concurrency and round-robin over the copies, and not recorded. Default {@link defaultWarmupRequests}. */
  readonly warmupRequests?: number;
  /** Seed of the random choice of sample per request. Default 1. */
  readonly seed?: number;
  /** Stops issuing; the run then rejects with code ABORTED once requests in flight are done. */
  readonly signal?: AbortSignal;
  /** Called once warm-up is done, just before the first measured request. */
  readonly onMeasurementStart?: () => void;
  /** Called after each measured request completes (progress bars, traces). */
  readonly onRequestComplete?: (record: RequestRecord) => void;
}

/** {@link ClosedLoopOptions} with every default applied. */
export interface ClosedLoopSettings {
  /** Concurrent clients. */
  readonly clients: number;
  /** Measured requests, when the run is bounded by count. */
  readonly requestCount: number | undefined;
  /** Duration, when the run is bounded by time. */
  readonly durationMs: number | undefined;
  /** Unrecorded warm-up requests; undefined means {@link defaultWarmupRequests} of the copies run. */
  readonly warmupRequests: number | undefined;
  /** Seed of the sample choice. */
  readonly seed: number;
}

/** Measured requests when neither a count nor a duration is given. */
export const DEFAULT_REQUEST_COUNT = 500;

/** Warm-up that reaches every copy at least twice, and at least 10 requests. */
export function defaultWarmupRequests(copies: number): number {
  return Math.max(10, 2 * copies);
}

/** Longest stretch of requests without letting the event loop run other work. */
const YIELD_INTERVAL_NS = 10e6;

/** Resolves and validates closed-loop options. */
export function resolveClosedLoopSettings(options: ClosedLoopOptions): ClosedLoopSettings {
  if (options.requestCount !== undefined && options.durationMs !== undefined) {
    throw new InferbenchError('INVALID_OPTION', 'give either requestCount or durationMs, not both');
  }
  const durationMs = options.durationMs;
  if (durationMs !== undefined && !(Number.isFinite(durationMs) && durationMs > 0)) {
    throw new InferbenchError('INVALID_OPTION', `durationMs must be a positive number, got ${durationMs}`);
  }
  return {
    clients: requireInteger('clients', options.clients ?? 1, 1),
    requestCount: durationMs === undefined ? requireInteger('requestCount', options.requestCount ?? DEFAULT_REQUEST_COUNT, 1) : undefined,
    durationMs,
    warmupRequests: options.warmupRequests === undefined ? undefined : requireInteger('warmupRequests', options.warmupRequests, 0),
    seed: requireInteger('seed', options.seed ?? 1, 0, MAX_SEED),
  };
}

/**
 * The workshop's load: N clients in a closed loop over M model copies. Request `i` goes to copy
 * `i % M` and runs a sample drawn from a seeded stream, so the same seed replays the same requests.
 */
export class ClosedLoopLoadGenerator implements LoadGenerator {
  /** The settings in force, every default applied. */
  readonly settings: ClosedLoopSettings;
  readonly #signal: AbortSignal | undefined;
  readonly #onMeasurementStart: (() => void) | undefined;
  readonly #onRequestComplete: ((record: RequestRecord) => void) | undefined;

  constructor(options: ClosedLoopOptions = {}) {
    this.settings = resolveClosedLoopSettings(options);
    this.#signal = options.signal;
    this.#onMeasurementStart = options.onMeasurementStart;
    this.#onRequestComplete = options.onRequestComplete;
  }

  async run(target: LoadTarget): Promise<LoadResult> {
    requireInteger('sampleCount', target.sampleCount, 1);
    if (target.copies.length === 0) throw new InferbenchError('INVALID_OPTION', 'the load generator needs at least one model copy');
    const warmupRequests = this.settings.warmupRequests ?? defaultWarmupRequests(target.copies.length);
    await this.#drive(target, warmupRequests, undefined, (i) => i % target.sampleCount, undefined);
    this.#onMeasurementStart?.();

    const latency = new LatencyHistogram();
    const compute = new LatencyHistogram();
    const requestsPerCopy: number[] = target.copies.map(() => 0);
    const random = seededRandom(this.settings.seed);
    const startNs = monotonicNowNs();
    const deadlineNs = this.settings.durationMs === undefined ? undefined : startNs + this.settings.durationMs * 1e6;
    let lastEndNs = startNs;
    const completed = await this.#drive(
      target,
      this.settings.requestCount,
      deadlineNs,
      () => random.int(0, target.sampleCount - 1),
      (record) => {
        latency.recordNs(record.endNs - record.startNs);
        compute.recordNs(record.computeNs);
        requestsPerCopy[record.copyIndex] = (requestsPerCopy[record.copyIndex] ?? 0) + 1;
        lastEndNs = Math.max(lastEndNs, record.endNs);
        this.#onRequestComplete?.(record);
      },
    );
    return { latency, compute, completedRequests: completed, warmupRequests, elapsedNs: lastEndNs - startNs, requestsPerCopy };
  }

  /** Runs clients until `count` requests were issued or the deadline passed; returns how many completed. */
  async #drive(
    target: LoadTarget,
    count: number | undefined,
    deadlineNs: number | undefined,
    chooseSample: (requestIndex: number) => number,
    onComplete: ((record: RequestRecord) => void) | undefined,
  ): Promise<number> {
    const signal = this.#signal;
    let issued = 0;
    let completed = 0;
    let failure: unknown;
    const mayIssue = (): boolean =>
      failure === undefined &&
      !signal?.aborted &&
      (count === undefined || issued < count) &&
      (deadlineNs === undefined || monotonicNowNs() < deadlineNs);
    let lastYieldNs = monotonicNowNs();
    const client = async (): Promise<void> => {
      while (mayIssue()) {
        // A copy that answers synchronously (the in-process null backend) would starve timers and
        // signal handlers; give the event loop a turn now and then.
        if (monotonicNowNs() - lastYieldNs > YIELD_INTERVAL_NS) {
          await new Promise(setImmediate);
          lastYieldNs = monotonicNowNs();
          continue;
        }
        const requestIndex = issued++;
        const copy = target.copies[requestIndex % target.copies.length]!;
        const sampleIndex = chooseSample(requestIndex);
        const startNs = monotonicNowNs();
        try {
          const timing = await copy.infer(sampleIndex);
          completed++;
          onComplete?.({ requestIndex, copyIndex: copy.index, sampleIndex, startNs, endNs: monotonicNowNs(), ...timing });
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: this.settings.clients }, client));
    if (failure !== undefined) throw failure;
    if (signal?.aborted) throw new InferbenchError('ABORTED', 'the run was cancelled before it finished');
    return completed;
  }
}

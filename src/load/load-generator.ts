import type { ModelCopy } from '../backends/backend.js';
import type { LatencyHistogram } from '../stats/latency-histogram.js';
import type { StabilityCheck } from '../stats/stability.js';
import type { LoadSettings } from '../options/load-settings.js';

/** What a load generator drives: loaded model copies and the size of their preloaded input set. */
export interface LoadTarget {
  /** The model copies; measured request `i` goes to copy `i % copies.length`. */
  readonly copies: readonly ModelCopy[];
  /** Number of preloaded inputs each copy holds; requests name one by index. */
  readonly inputCount: number;
}

/** One completed request (one inference of one batch), as monotonic clock readings. */
export interface RequestRecord {
  /** 0-based position among measured requests, in issue order. */
  readonly requestIndex: number;
  /** Query it belongs to (MultiStream queries hold several requests; otherwise one each). */
  readonly queryIndex: number;
  /** Copy that served it. */
  readonly copyIndex: number;
  /** Sample it ran. */
  readonly inputIndex: number;
  /** When its query was due: the schedule's time in an open loop, the send time in a closed one. */
  readonly scheduledNs: number;
  /** When it was handed to the copy. */
  readonly sentNs: number;
  /** When the copy began computing it. */
  readonly computeStartNs: number;
  /** Time the copy spent computing it. */
  readonly computeNs: number;
  /** When its completion was seen. */
  readonly endNs: number;
}

/** Failed requests of one kind. */
export interface ErrorKindCount {
  /** Requests that failed this way. */
  readonly count: number;
  /** The first failure's message, one line. */
  readonly example: string;
}

/** Requests that failed or timed out during measurement; none of them is in a latency histogram. */
export interface ErrorCounts {
  /** Failed requests in all, timeouts included. */
  readonly total: number;
  /** Requests that passed the per-request timeout (kind `TIMEOUT`). */
  readonly timeouts: number;
  /** Counts by kind: an inferbench error code, `TIMEOUT`, or the error's class name. */
  readonly byKind: Readonly<Record<string, ErrorKindCount>>;
}

/** Figures of one measurement window (time series, stability). */
export interface MeasurementWindow {
  /** 0-based window number. */
  readonly index: number;
  /** Window start, from the start of measurement. */
  readonly startNs: number;
  /** Window end, from the start of measurement. */
  readonly endNs: number;
  /** True for the last window, cut short by the end of the run. */
  readonly partial: boolean;
  /** Queries completed in the window. */
  readonly completedQueries: number;
  /** Requests completed in the window. */
  readonly completedRequests: number;
  /** Requests that failed in the window. */
  readonly failedRequests: number;
  /** Completed queries per second. */
  readonly queriesPerSecond: number;
  /** Completed requests per second (× batch size for samples per second). */
  readonly requestsPerSecond: number;
  /** Query latency at each reported percentile, keyed as written ("50", "99.9"); empty when none completed. */
  readonly latencyPercentilesNs: Readonly<Record<string, number>>;
  /** Query latency at the stability percentile; undefined when none completed. */
  readonly stabilityLatencyNs: number | undefined;
}

/** The figures of a run so far, sent with each window. */
export interface RunningFigures {
  /** Time since measurement started. */
  readonly elapsedNs: number;
  /** Queries issued so far. */
  readonly issuedQueries: number;
  /** Queries completed so far. */
  readonly completedQueries: number;
  /** Requests failed so far. */
  readonly failedRequests: number;
  /** Completed queries per second since the start. */
  readonly queriesPerSecond: number;
  /** Query latency so far at each reported percentile. */
  readonly latencyPercentilesNs: Readonly<Record<string, number>>;
  /** The stability rule applied to the windows so far. */
  readonly stability: StabilityCheck;
  /** True once every asked percentile is known to the precision asked; undefined without a precision target. */
  readonly precisionMet: boolean | undefined;
}

/** Callbacks and cancellation for one run of a load generator. */
export interface LoadRunHooks {
  /**
   * Stops issuing. While measuring, the run then resolves with what completed, `stopReason` `interrupted`, once
   * requests in flight are done or their grace has passed; before measuring, it rejects with code ABORTED.
   */
  readonly signal?: AbortSignal;
  /** Called once warm-up is done, just before the first measured query. */
  readonly onMeasurementStart?: () => void;
  /** Called after each measured request completes. */
  readonly onRequestComplete?: (record: RequestRecord) => void;
  /** Called as each measurement window closes. */
  readonly onWindow?: (window: MeasurementWindow, running: RunningFigures) => void;
}

/**
 * Why measuring stopped; `interrupted` when the run's signal aborted it, the queries completed until then kept;
 * `copies-failed` when every model copy's process had died or its worker was frozen (nothing answered for twice the
 * request timeout while requests waited).
 */
export type StopReason = 'minimums-met' | 'stable' | 'precision-met' | 'max-duration' | 'max-queries' | 'query-count' | 'duration' | 'interrupted' | 'copies-failed';

/** The first inference of each copy, cold, before warm-up. */
export interface FirstInference {
  /** Issue to completion, by copy index. */
  readonly latencyNs: readonly number[];
  /** Compute time inside the copy, by copy index. */
  readonly computeNs: readonly number[];
}

/** What a measured run produced. */
export interface LoadResult {
  /** The settings in force. */
  readonly settings: LoadSettings;
  /**
   * Query latency, from the time each query was due to its last request's completion: queueing and late sends
   * included. An unfinished query counts at its wait until the run stopped waiting for it, a lower bound.
   */
  readonly latency: LatencyHistogram;
  /** Per request: from being handed to a copy until the copy began computing it (waiting for a free copy, messaging). */
  readonly queue: LatencyHistogram;
  /** Per request: compute time inside the copy. */
  readonly compute: LatencyHistogram;
  /** Per query in an open loop: how late it was sent after its scheduled time. Empty in a closed loop. */
  readonly sendDelay: LatencyHistogram;
  /** Measured queries issued. */
  readonly issuedQueries: number;
  /** Measured queries whose every request completed. */
  readonly completedQueries: number;
  /** Measured requests that completed. */
  readonly completedRequests: number;
  /** Measured requests that failed or timed out. */
  readonly errors: ErrorCounts;
  /** Open loop: queries sent later than the late-send threshold after their scheduled time. */
  readonly lateQueries: number;
  /**
   * Open loop: queries still waiting for their copies when the run stopped waiting for them, a grace after issuing
   * stopped; the copies could not serve the offered rate. 0 in other loops.
   */
  readonly unfinishedQueries: number;
  /** Open loop: queries issued per second, from the first send to the last; undefined in a closed loop. */
  readonly achievedQps: number | undefined;
  /** Warm-up queries run before measuring, not recorded. */
  readonly warmupQueries: number;
  /** Each copy's first, cold inference. */
  readonly firstInference: FirstInference;
  /** When measurement started, on the monotonic clock of {@link RequestRecord}'s times: the zero of `elapsedNs` and the windows. */
  readonly startNs: number;
  /**
   * From the start of measurement until issuing stopped or the last request settled (completed, failed or timed
   * out), whichever was later.
   */
  readonly elapsedNs: number;
  /** Completed measured requests per copy, by copy index. */
  readonly requestsPerCopy: readonly number[];
  /** The measurement windows, in order. */
  readonly windows: readonly MeasurementWindow[];
  /** The stability rule applied to the last windows. */
  readonly stability: StabilityCheck;
  /**
   * True when every asked percentile was known to the precision asked, judged on every completed
   * query; undefined without a precision target. Queries still in flight when a precision stop
   * was taken are counted too, so with several clients this can, rarely, be false after that stop.
   */
  readonly precisionMet: boolean | undefined;
  /** Why issuing stopped. */
  readonly stopReason: StopReason;
}

/** Drives model copies with queries and measures them. */
export interface LoadGenerator {
  /** The settings in force, every default applied. */
  readonly settings: LoadSettings;
  /**
   * Measures each copy's first inference, warms up, then runs the measured queries. A failure during
   * warm-up rejects; during measurement failures are counted, and the run rejects only if none completed.
   */
  run(target: LoadTarget, hooks?: LoadRunHooks): Promise<LoadResult>;
}

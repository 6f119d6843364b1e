import type { ModelCopy } from '../backends/backend.js';
import type { LatencyHistogram } from '../stats/latency-histogram.js';

/** What a load generator drives: loaded model copies and the size of their preloaded input set. */
export interface LoadTarget {
  /** The model copies; request `i` goes to copy `i % copies.length`. */
  readonly copies: readonly ModelCopy[];
  /** Number of preloaded samples each copy holds; requests name one by index. */
  readonly sampleCount: number;
}

/** One completed request, as clock readings on the load generator's thread and the copy's. */
export interface RequestRecord {
  /** 0-based position among measured requests, in issue order. */
  readonly requestIndex: number;
  /** Copy that served it. */
  readonly copyIndex: number;
  /** Sample it ran. */
  readonly sampleIndex: number;
  /** Monotonic time when the request was issued. */
  readonly startNs: number;
  /** Monotonic time when its completion was seen. */
  readonly endNs: number;
  /** Monotonic time when the copy began computing it. */
  readonly computeStartNs: number;
  /** Time the copy spent computing it. */
  readonly computeNs: number;
}

/** What a measured run produced. */
export interface LoadResult {
  /** End-to-end latency of each measured request: issue to completion, queueing included. */
  readonly latency: LatencyHistogram;
  /** Time each measured request spent computing inside its copy. */
  readonly compute: LatencyHistogram;
  /** Measured requests that completed. */
  readonly completedRequests: number;
  /** Warm-up requests run before measuring, not recorded. */
  readonly warmupRequests: number;
  /** From the first measured issue to the last completion. */
  readonly elapsedNs: number;
  /** Completed measured requests per copy, by copy index. */
  readonly requestsPerCopy: readonly number[];
}

/** Drives model copies with requests and measures them. */
export interface LoadGenerator {
  /** Runs warm-up, then the measured requests; rejects with the first request's failure. */
  run(target: LoadTarget): Promise<LoadResult>;
}

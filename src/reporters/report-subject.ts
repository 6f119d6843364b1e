import type { BenchmarkResult } from '../results/benchmark-result.js';

/** What a report shows: one run, or the runs of a sweep with the best one marked. */
export interface ReportSubject {
  /** The runs, in order (one for `inferbench run`). */
  readonly results: readonly BenchmarkResult[];
  /** Index into `results` of the best configuration: highest throughput within the latency limit. */
  readonly bestIndex?: number;
  /** The latency limit the best one was chosen under, as written (e.g. "p95<50ms"). */
  readonly slo?: string;
}

/** Report formats, as `--report` names them. */
export type ReportFormat = 'console' | 'json' | 'csv' | 'md' | 'html';

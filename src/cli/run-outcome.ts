import type { BenchmarkResult } from '../results/benchmark-result.js';

/** Exit status of a run whose thresholds (or, with --require-valid, verdict) failed: k6's. */
export const CHECKS_FAILED_EXIT_CODE = 99;

/** Exit status of a command that Ctrl-C interrupted: the shell's 128 + SIGINT. */
export const INTERRUPTED_EXIT_CODE = 130;

/** How a finished run ends the process: its exit status and the one line that explains a failure. */
export interface RunOutcome {
  /** 0, 1 when requests failed, {@link CHECKS_FAILED_EXIT_CODE}, or {@link INTERRUPTED_EXIT_CODE}. */
  readonly exitCode: number;
  /** The line for stderr, when the status is not 0. */
  readonly message: string | undefined;
}

/**
 * Failed requests come first: a run that could not measure what was asked is a failed run, unless
 * a threshold on errors or error_rate says how many failures are acceptable.
 */
export function runOutcome(result: BenchmarkResult, requireValid: boolean): RunOutcome {
  const { errors, completedRequests, completedQueries, stopReason } = result.measurement;
  if (stopReason === 'interrupted') {
    return { exitCode: INTERRUPTED_EXIT_CODE, message: `interrupted while measuring; the ${completedQueries} queries completed until then are kept in the result` };
  }
  const thresholdsJudgeErrors = result.thresholds.some((t) => t.metric === 'errors' || t.metric === 'error_rate');
  if (errors.total > 0 && !thresholdsJudgeErrors) {
    const [kind, first] = Object.entries(errors.byKind)[0]!;
    return { exitCode: 1, message: `${errors.total} of ${errors.total + completedRequests} requests failed; first ${kind}: ${first.example}` };
  }
  const failed = result.thresholds.filter((t) => !t.passed);
  if (failed.length > 0) {
    return { exitCode: CHECKS_FAILED_EXIT_CODE, message: `threshold${failed.length > 1 ? 's' : ''} failed: ${failed.map((t) => t.expression).join(', ')}` };
  }
  if (requireValid && !result.verdict.valid) {
    return { exitCode: CHECKS_FAILED_EXIT_CODE, message: `the run is INVALID: ${result.verdict.reasons.map((r) => r.message).join('; ')}` };
  }
  return { exitCode: 0, message: undefined };
}

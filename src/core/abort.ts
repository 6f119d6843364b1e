import { InferbenchError } from './errors.js';

/** The error of work cancelled through its AbortSignal: "`what` was cancelled before it finished". */
export function abortedError(what: string, cause?: unknown): InferbenchError {
  return new InferbenchError('ABORTED', `${what} was cancelled before it finished`, cause === undefined ? {} : { cause });
}

/**
 * Runs `work`, and once `signal` has aborted turns whatever it rejects with into ABORTED (`what` names the work): the
 * signal's raw reason (the DOMException that `throwIfAborted`, `fetch` and `timers/promises` throw), or a failure the
 * cancellation caused downstream. The one conversion, at each entry point that takes a signal, so that no step below
 * has to word its own and a caller (the CLI: one line, exit 130) only ever sees ABORTED.
 */
export async function rejectingAsAborted<T>(signal: AbortSignal | undefined, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (signal?.aborted && !(error instanceof InferbenchError && error.code === 'ABORTED')) throw abortedError(what, error);
    throw error;
  }
}

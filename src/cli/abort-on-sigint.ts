/**
 * Runs `work` with a signal that SIGINT aborts, so that Ctrl-C stops a command through its API's
 * cancellation (copies closed, helper processes ended, exit 130) rather than killing the process mid-way.
 * A second Ctrl-C is raised again for its default action, ending the process at once (and the helpers
 * with it: see startChild).
 */
export async function abortOnSigint<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSigint = (): void => {
    if (!abort.signal.aborted) {
      abort.abort();
      return;
    }
    process.off('SIGINT', onSigint);
    process.kill(process.pid, 'SIGINT');
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(abort.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

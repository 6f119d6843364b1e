/**
 * Runs `work` with a signal that SIGINT aborts, so that Ctrl-C stops a command through its API's
 * cancellation (copies closed, exit 130) rather than killing the process mid-way.
 */
export async function abortOnSigint<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(abort.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

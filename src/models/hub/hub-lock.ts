import { basename, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InferbenchError } from '../../core/errors.js';
import { makeFolders } from '../../core/fs-utils.js';
import { hubRepoCacheDir } from './hub-cache.js';
import { type HubFileTarget, hubAbortedError } from './hub-http.js';

/**
 * A lock not refreshed for this long is taken over: its holder died or is frozen. A live holder refreshes
 * it every half of this, so the wait for a lock lasts as long as the holder's download makes progress.
 */
const STALE_LOCK_MS = 10_000;
/** How often a waiting process tries the lock again. */
const LOCK_POLL_MS = 200;

/**
 * The lock of one blob, beside huggingface_hub's in `<cache>/.locks/<repo folder>/`. Its name differs from
 * Python's `<etag>.lock`: Python holds an flock on a file, this is a directory (an atomic mkdir, portable
 * without native code), and neither tool may trip over the other's. The two tools therefore do not exclude
 * each other; a blob is still verified whole before it is renamed into place, so neither stores a corrupt one.
 */
export function hubBlobLockPath(cacheDir: string, repoId: string, etag: string): string {
  return join(cacheDir, '.locks', basename(hubRepoCacheDir(cacheDir, repoId)), `${etag}.inferbench.lock`);
}

/**
 * Runs `work` while holding the lock at `lockPath`, so that two processes (or two calls in one) never
 * write one blob at once. `work` gets a signal that also fires if the lock is lost to another process
 * (this one stalled past {@link STALE_LOCK_MS}); it must then stop writing.
 */
export async function withHubBlobLock<T>(lockPath: string, target: HubFileTarget, signal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { lock } = await import('proper-lockfile');
  await makeFolders(dirname(lockPath));
  const lost = new AbortController();
  const onCompromised = (): void => lost.abort(new InferbenchError(
    'DOWNLOAD_FAILED',
    `another process took over the download of ${target.path} of ${target.repoId}: this one did not refresh the lock ${lockPath} for ${STALE_LOCK_MS / 1000} s (was it suspended?); run again`,
  ));
  let release: (() => Promise<void>) | undefined;
  while (release === undefined) {
    try {
      release = await lock(lockPath, { realpath: false, lockfilePath: lockPath, stale: STALE_LOCK_MS, onCompromised });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      await delay(LOCK_POLL_MS, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) throw hubAbortedError(target);
    }
  }
  try {
    return await work(signal ? AbortSignal.any([signal, lost.signal]) : lost.signal);
  } finally {
    // A lock already lost cannot be released; there is nothing left to undo.
    await release().catch(() => undefined);
  }
}

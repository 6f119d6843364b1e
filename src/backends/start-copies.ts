import { InferbenchError } from '../core/errors.js';
import type { ModelCopy } from './backend.js';

/** A model copy that owns a thread or a process, and so must be closed. */
export interface ClosableModelCopy extends ModelCopy {
  /** Stops the copy and frees what it holds. */
  close(): Promise<void>;
}

/** Copies started together, and the means to stop them all. */
export interface StartedCopies<Copy extends ClosableModelCopy> {
  /** The copies, in index order. */
  readonly copies: Copy[];
  /** Closes every copy. */
  close(): Promise<void>;
}

/**
 * Starts `count` copies in parallel. If any fails to start, or `signal` aborts meanwhile, the ones
 * that did start are closed before the error is thrown, so no thread or process outlives a failed load.
 */
export async function startCopies<Copy extends ClosableModelCopy>(
  count: number,
  start: (index: number) => Promise<Copy>,
  signal?: AbortSignal,
): Promise<StartedCopies<Copy>> {
  const started = await Promise.allSettled(Array.from({ length: count }, (_, index) => start(index)));
  const copies = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const close = async (): Promise<void> => {
    await Promise.all(copies.map((c) => c.close()));
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed || signal?.aborted) {
    await close();
    throw failed ? failed.reason : new InferbenchError('ABORTED', 'loading model copies was cancelled');
  }
  return { copies, close };
}

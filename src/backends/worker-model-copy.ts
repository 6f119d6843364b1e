import { Tinypool } from 'tinypool';
import { InferbenchError, firstLine } from '../core/errors.js';
import { monotonicNowNs } from '../core/clock.js';
import type { WorkerFile } from '../core/worker-file.js';
import { startCopies } from './start-copies.js';
import type { BackendLoadRequest, InferenceTiming, LoadedModel, ModelCopy } from './backend.js';
import type { LoadTask } from './worker-protocol.js';

/**
 * How long closing a copy waits for the computation in progress. A thread cannot be stopped while ONNX Runtime
 * computes in it: terminating it then aborts the whole process natively, losing the run.
 */
export const CLOSE_WAIT_MS = 60_000;

/**
 * A model copy that lives in its own worker thread (a one-thread tinypool), because
 * onnxruntime-node's `session.run` blocks the thread that calls it. Requests beyond the one in
 * progress wait in the pool's queue, which is the copy's queue.
 */
export class WorkerModelCopy implements ModelCopy {
  readonly index: number;
  readonly #pool: Tinypool;
  readonly #stop = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  /** Requests handed to the pool and not yet settled: a timed-out one may still be computing. */
  readonly #pending = new Set<Promise<unknown>>();

  private constructor(index: number, pool: Tinypool) {
    this.index = index;
    this.#pool = pool;
  }

  /** Starts a thread running `worker` and loads the model and inputs into it. */
  static async start(index: number, worker: WorkerFile, load: Omit<LoadTask, 'stop'>): Promise<WorkerModelCopy> {
    const pool = new Tinypool({
      filename: worker.filename,
      argv: [...worker.argv],
      minThreads: 1,
      maxThreads: 1,
      isolateWorkers: false,
      // One request waits inside the worker while another computes (workers run them in order).
      concurrentTasksPerWorker: 2,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    const copy = new WorkerModelCopy(index, pool);
    try {
      await pool.run({ ...load, stop: copy.#stop } satisfies LoadTask);
    } catch (error) {
      await copy.close();
      throw copy.#failure('could not load the model', error);
    }
    return copy;
  }

  async infer(inputIndex: number): Promise<InferenceTiming> {
    const request = this.#pool.run({ kind: 'run', inputIndex }) as Promise<InferenceTiming>;
    this.#pending.add(request);
    try {
      return await request;
    } catch (error) {
      throw this.#failure(`failed on sample ${inputIndex}`, error);
    } finally {
      this.#pending.delete(request);
    }
  }

  /**
   * Stops the copy: requests not yet started are refused, the one computing (a timed-out or cancelled request's,
   * perhaps) is waited for, up to {@link CLOSE_WAIT_MS}, and then the thread is terminated.
   */
  async close(): Promise<void> {
    Atomics.store(this.#stop, 0, 1);
    if (this.#pending.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled([...this.#pending]).then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_WAIT_MS))),
      ]);
      clearTimeout(timer);
      if (!finished) {
        throw new InferbenchError(
          'WORKER_FAILED',
          `model copy ${this.index} was still computing ${CLOSE_WAIT_MS / 1000} s after it was asked to close, and its thread cannot be stopped mid-computation; use a smaller batch size or input so that one inference takes less`,
        );
      }
    }
    await this.#pool.destroy();
  }

  #failure(what: string, error: unknown): InferbenchError {
    return new InferbenchError('WORKER_FAILED', `model copy ${this.index} ${what}: ${firstLine(error)}`, { cause: error });
  }
}

/**
 * Starts one worker per copy in parallel and loads the model and inputs into each; if any fails,
 * the others are closed before the error is thrown.
 */
export async function loadWorkerCopies(
  request: BackendLoadRequest,
  worker: WorkerFile,
  intraOpThreads: number,
  effectiveSettings: LoadedModel['effectiveSettings'],
  providersForCopy: (copyIndex: number) => LoadTask['executionProviders'] = () => ['cpu'],
): Promise<LoadedModel> {
  const startNs = monotonicNowNs();
  const load = (index: number): Omit<LoadTask, 'stop'> => ({
    kind: 'load',
    modelPath: request.artifact.path,
    executionProviders: providersForCopy(index),
    intraOpThreads,
    feeds: request.inputs.feeds,
  });
  const { copies, close } = await startCopies(request.copies, (index) => WorkerModelCopy.start(index, worker, load(index)), request.signal);
  return { copies, loadNs: monotonicNowNs() - startNs, effectiveSettings, close };
}

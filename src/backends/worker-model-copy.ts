import { Tinypool } from 'tinypool';
import { InferbenchError, firstLine } from '../core/errors.js';
import { monotonicNowNs } from '../core/clock.js';
import type { WorkerFile } from '../core/worker-file.js';
import { startCopies } from './start-copies.js';
import type { BackendLoadRequest, InferenceTiming, LoadedModel, ModelCopy } from './backend.js';
import type { LoadTask } from './worker-protocol.js';

/**
 * A model copy that lives in its own worker thread (a one-thread tinypool), because
 * onnxruntime-node's `session.run` blocks the thread that calls it. Requests beyond the one in
 * progress wait in the pool's queue, which is the copy's queue.
 */
export class WorkerModelCopy implements ModelCopy {
  readonly index: number;
  readonly #pool: Tinypool;

  private constructor(index: number, pool: Tinypool) {
    this.index = index;
    this.#pool = pool;
  }

  /** Starts a thread running `worker` and loads the model and inputs into it. */
  static async start(index: number, worker: WorkerFile, load: LoadTask): Promise<WorkerModelCopy> {
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
      await pool.run(load);
    } catch (error) {
      await copy.close();
      throw copy.#failure('could not load the model', error);
    }
    return copy;
  }

  async infer(inputIndex: number): Promise<InferenceTiming> {
    try {
      return (await this.#pool.run({ kind: 'run', inputIndex })) as InferenceTiming;
    } catch (error) {
      throw this.#failure(`failed on sample ${inputIndex}`, error);
    }
  }

  /** Terminates the worker thread; pending requests are rejected. */
  async close(): Promise<void> {
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
  const load = (index: number): LoadTask => ({
    kind: 'load',
    modelPath: request.artifact.path,
    executionProviders: providersForCopy(index),
    intraOpThreads,
    feeds: request.inputs.feeds,
  });
  const { copies, close } = await startCopies(request.copies, (index) => WorkerModelCopy.start(index, worker, load(index)), request.signal);
  return { copies, loadNs: monotonicNowNs() - startNs, effectiveSettings, close };
}

import { Tinypool } from 'tinypool';
import { InferbenchError, firstLine } from '../errors.js';
import { monotonicNowNs } from '../clock.js';
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

  /** Starts the worker at `workerUrl` and loads the model and inputs into it. */
  static async start(index: number, workerUrl: URL, load: LoadTask): Promise<WorkerModelCopy> {
    const pool = new Tinypool({
      filename: workerUrl.href,
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

  async infer(sampleIndex: number): Promise<InferenceTiming> {
    try {
      return (await this.#pool.run({ kind: 'run', sampleIndex })) as InferenceTiming;
    } catch (error) {
      throw this.#failure(`failed on sample ${sampleIndex}`, error);
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
  workerUrl: URL,
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
    samples: request.inputs.samples,
  });
  const { copies, close } = await startCopies(request.copies, (index) => WorkerModelCopy.start(index, workerUrl, load(index)), request.signal);
  return { copies, loadNs: monotonicNowNs() - startNs, effectiveSettings, close };
}

import { monotonicNowNs } from '../../core/clock.js';
import type { Backend, BackendLoadRequest, InferenceTiming, LoadedModel, ModelCopy } from '../../backends/backend.js';
import { requireArtifactFits } from '../../backends/check-artifact.js';
import { loadWorkerCopies } from '../../backends/worker-model-copy.js';
import { workerFile } from '../../core/worker-file.js';

/** Options of {@link NullBackend}. */
export interface NullBackendOptions {
  /** Put each copy in a worker thread, as real backends do, to measure the thread hop too; default false. */
  readonly inWorkerThreads?: boolean;
}

const WORKER_URL = workerFile('null-worker', import.meta.url);

/** A copy that answers at once on the calling thread. */
class InProcessNullCopy implements ModelCopy {
  constructor(readonly index: number) {}

  infer(): Promise<InferenceTiming> {
    return Promise.resolve({ computeStartNs: monotonicNowNs(), computeNs: 0 });
  }
}

/**
 * A backend whose model does nothing, for measuring the harness itself (MLPerf LoadGen's null SUT):
 * the request rate it sustains is the ceiling of any measurement.
 */
export class NullBackend implements Backend {
  readonly name: string;
  readonly #inWorkerThreads: boolean;

  constructor(options: NullBackendOptions = {}) {
    this.#inWorkerThreads = options.inWorkerThreads ?? false;
    this.name = this.#inWorkerThreads ? 'null-worker' : 'null';
  }

  /** Checks the artifact against the inputs, as every backend does, though it never runs the model. */
  async load(request: BackendLoadRequest): Promise<LoadedModel> {
    requireArtifactFits(request.artifact, request.inputs);
    if (this.#inWorkerThreads) return loadWorkerCopies(request, WORKER_URL, 1, { inWorkerThreads: true });
    return {
      copies: Array.from({ length: request.copies }, (_, i) => new InProcessNullCopy(i)),
      loadNs: 0,
      effectiveSettings: { inWorkerThreads: false },
      close: async () => {},
    };
  }
}

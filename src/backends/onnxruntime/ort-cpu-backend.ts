import { availableParallelism } from 'node:os';
import { requireInteger } from '../../validate.js';
import type { Backend, BackendLoadRequest, LoadedModel } from '../backend.js';
import { loadWorkerCopies } from '../worker-model-copy.js';

/** Options of {@link OrtCpuBackend}; all optional. */
export interface OrtCpuBackendOptions {
  /** Intra-op threads per copy's session; default: the machine's cores divided by the copies, at least 1. */
  readonly intraOpThreadsPerCopy?: number;
}

const WORKER_URL = new URL('./ort-worker.js', import.meta.url);

/** ONNX Runtime on the CPU, one worker thread and one session per model copy. */
export class OrtCpuBackend implements Backend {
  readonly name = 'onnxruntime-cpu';
  readonly #intraOpThreadsPerCopy: number | undefined;

  constructor(options: OrtCpuBackendOptions = {}) {
    const threads = options.intraOpThreadsPerCopy;
    this.#intraOpThreadsPerCopy = threads === undefined ? undefined : requireInteger('intraOpThreadsPerCopy', threads, 1);
  }

  load(request: BackendLoadRequest): Promise<LoadedModel> {
    const threads = this.#intraOpThreadsPerCopy ?? Math.max(1, Math.floor(availableParallelism() / request.copies));
    return loadWorkerCopies(request, WORKER_URL, threads, { executionProvider: 'cpu', intraOpThreadsPerCopy: threads });
  }
}

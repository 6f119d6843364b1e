import { availableParallelism } from 'node:os';
import { InferbenchError } from '../../errors.js';
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
    if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
      throw new InferbenchError('INVALID_OPTION', `intraOpThreadsPerCopy must be a positive integer, got ${threads}; omit it to divide the cores among the copies`);
    }
    this.#intraOpThreadsPerCopy = threads;
  }

  load(request: BackendLoadRequest): Promise<LoadedModel> {
    const threads = this.#intraOpThreadsPerCopy ?? Math.max(1, Math.floor(availableParallelism() / request.copies));
    return loadWorkerCopies(request, WORKER_URL, threads, { executionProvider: 'cpu', intraOpThreadsPerCopy: threads });
  }
}

import { availableParallelism } from 'node:os';
import { requireInteger } from '../../core/validate.js';
import type { Backend, BackendLoadRequest, LoadedModel } from '../../backends/backend.js';
import { requireArtifactFits } from '../../backends/check-artifact.js';
import { loadWorkerCopies } from '../../backends/worker-model-copy.js';
import { dirname, join } from 'node:path';
import { gpuForCopy, ortProvidersFor, resolveGpuDeviceIds, tensorrtEnv, type OrtDevice } from './ort-device.js';
import { workerFile } from '../../core/worker-file.js';

/** Options of {@link OrtBackend}; all optional. */
export interface OrtBackendOptions {
  /** `cpu` (default), or an NVIDIA GPU through the `cuda` or `tensorrt` provider. */
  readonly device?: OrtDevice;
  /** GPUs to place copies on (copy i on `deviceIds[i % n]`); default every GPU nvidia-smi lists. */
  readonly deviceIds?: readonly number[];
  /** TensorRT only: build FP16 engines; default false. */
  readonly tensorrtFp16?: boolean;
  /** Intra-op threads per copy's session; default on the CPU: the cores divided by the copies, at least 1; on a GPU: 1. */
  readonly intraOpThreadsPerCopy?: number;
}

const WORKER_URL = workerFile('ort-worker', import.meta.url);

/**
 * ONNX Runtime, one worker thread and one session per model copy, on the CPU or spread over the
 * machine's NVIDIA GPUs. GPU runs check before loading that a GPU and onnxruntime-node's provider
 * library are present.
 */
export class OrtBackend implements Backend {
  readonly name: string;
  readonly #device: OrtDevice;
  readonly #deviceIds: readonly number[] | undefined;
  readonly #intraOpThreadsPerCopy: number | undefined;
  readonly #tensorrtFp16: boolean;

  constructor(options: OrtBackendOptions = {}) {
    this.#device = options.device ?? 'cpu';
    this.name = `onnxruntime-${this.#device}`;
    this.#tensorrtFp16 = options.tensorrtFp16 ?? false;
    this.#deviceIds = options.deviceIds?.map((id, i) => requireInteger(`deviceIds[${i}]`, id, 0));
    const threads = options.intraOpThreadsPerCopy;
    this.#intraOpThreadsPerCopy = threads === undefined ? undefined : requireInteger('intraOpThreadsPerCopy', threads, 1);
  }

  async load(request: BackendLoadRequest): Promise<LoadedModel> {
    const device = this.#device;
    requireArtifactFits(request.artifact, request.inputs, { backend: this.name, format: 'onnx', device });
    if (device === 'cpu') {
      const threads = this.#intraOpThreadsPerCopy ?? Math.max(1, Math.floor(availableParallelism() / request.copies));
      return loadWorkerCopies(request, WORKER_URL, threads, { executionProvider: 'cpu', intraOpThreadsPerCopy: threads });
    }
    const gpus = await resolveGpuDeviceIds(device, this.#deviceIds);
    if (device === 'tensorrt') {
      // Read by the provider's native code from the process environment, which worker threads share.
      Object.assign(process.env, tensorrtEnv({ fp16: this.#tensorrtFp16, engineCacheDir: join(dirname(request.artifact.path), 'tensorrt-engines') }));
    }
    // The GPU computes; CPU threads only feed it, so one each leaves the cores to the other copies.
    const threads = this.#intraOpThreadsPerCopy ?? 1;
    return loadWorkerCopies(
      request,
      WORKER_URL,
      threads,
      { executionProvider: device, gpus: gpus.join(','), intraOpThreadsPerCopy: threads },
      (copy) => ortProvidersFor(device, gpuForCopy(copy, gpus)),
    );
  }
}

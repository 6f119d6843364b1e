import { availableParallelism } from 'node:os';
import { monotonicNowNs } from '../../core/clock.js';
import { InferbenchError } from '../../core/errors.js';
import { requireInteger, requirePositive } from '../../core/validate.js';
import type { Backend, BackendLoadRequest, LoadedModel } from '../../backends/backend.js';
import { requireArtifactFits } from '../../backends/check-artifact.js';
import { findPython } from './find-python.js';
import { PythonModelCopy } from './python-model-copy.js';
import type { PythonDevice, PythonModelFormat } from './python-protocol.js';
import { startCopies } from '../../backends/start-copies.js';
import { gpuForCopy } from '../onnxruntime/ort-device.js';

/** Which Neuron PyTorch package traced the model: they place copies on NeuronCores differently. */
export type NeuronRuntime = 'torch-neuronx' | 'torch-neuron';

/** Options of {@link PythonBackend}; all optional. */
export interface PythonBackendOptions {
  /** Where copies run; default 'cpu'. */
  readonly device?: PythonDevice;
  /** Model file format; default 'torchscript'. 'null' loads nothing, to measure the protocol alone. */
  readonly format?: PythonModelFormat;
  /** float16 autocast around each forward call; cuda only (Neuron casts at compile time). Default false. */
  readonly halfPrecision?: boolean;
  /** Interpreter to use instead of INFERBENCH_PYTHON, `python3` or `/usr/bin/python3`. */
  readonly pythonPath?: string;
  /** torch threads per copy; default on cpu the machine's cores divided by the copies, else 1. */
  readonly intraOpThreadsPerCopy?: number;
  /** An inference without an answer after this long fails its copy, whose process is killed; default 60 s. Loading has its own limit of 10 minutes. */
  readonly requestTimeoutMs?: number;
  /** Neuron package of the model; default 'torch-neuronx' (Inf2, Trn1). */
  readonly neuronRuntime?: NeuronRuntime;
  /** NeuronCores each copy uses; default 1. */
  readonly neuronCoresPerCopy?: number;
  /** NeuronCores on the machine, to reject more copies than fit; default unchecked. */
  readonly neuronCoreCount?: number;
  /** GPUs to spread cuda copies over (copy i sees only `deviceIds[i % n]`, through CUDA_VISIBLE_DEVICES); default the process's own view. */
  readonly deviceIds?: readonly number[];
}

/** The environment that pins cuda copy `copyIndex` to one GPU: it then sees that GPU as cuda:0. */
export function cudaPlacementEnv(copyIndex: number, deviceIds: readonly number[]): Record<string, string> {
  return { CUDA_VISIBLE_DEVICES: String(gpuForCopy(copyIndex, deviceIds)) };
}

/** What decides where copy `copyIndex` runs on Neuron hardware. */
export interface NeuronPlacement {
  /** Package that traced the model. */
  readonly runtime: NeuronRuntime;
  /** Position of the copy. */
  readonly copyIndex: number;
  /** Number of copies. */
  readonly copies: number;
  /** NeuronCores per copy. */
  readonly coresPerCopy: number;
  /** NeuronCores on the machine, when known. */
  readonly coreCount: number | undefined;
}

/**
 * Environment of copy `copyIndex`'s process. torch-neuronx: NEURON_RT_VISIBLE_CORES, the copy's own
 * cores ("2", or "4-7" for 4 per copy), so copies never share one. torch-neuron (Inf1): each process
 * claims a group of free cores of NEURONCORE_GROUP_SIZES, so every copy asks for one group.
 */
export function neuronPlacementEnv(placement: NeuronPlacement): Record<string, string> {
  const { runtime, copyIndex, copies, coresPerCopy, coreCount } = placement;
  requireInteger('neuronCoresPerCopy', coresPerCopy, 1);
  requireInteger('copyIndex', copyIndex, 0, copies - 1);
  if (coreCount !== undefined && copies * coresPerCopy > coreCount) {
    throw new InferbenchError(
      'INVALID_OPTION',
      `${copies} copies × ${coresPerCopy} NeuronCores need ${copies * coresPerCopy} cores, but the machine has ${coreCount}; lower --copies or the cores per copy`,
    );
  }
  if (runtime === 'torch-neuron') return { NEURONCORE_GROUP_SIZES: String(coresPerCopy) };
  const first = copyIndex * coresPerCopy;
  const last = first + coresPerCopy - 1;
  return { NEURON_RT_VISIBLE_CORES: first === last ? String(first) : `${first}-${last}` };
}

/** PyTorch models (TorchScript files) on cpu, cuda or Neuron, one Python process per copy. */
export class PythonBackend implements Backend {
  /** "pytorch-cpu", "pytorch-cuda", "pytorch-neuron", or "python-null". */
  readonly name: string;
  readonly #device: PythonDevice;
  readonly #format: PythonModelFormat;
  readonly #halfPrecision: boolean;
  readonly #options: PythonBackendOptions;

  constructor(options: PythonBackendOptions = {}) {
    this.#device = options.device ?? 'cpu';
    this.#format = options.format ?? 'torchscript';
    this.#halfPrecision = options.halfPrecision ?? false;
    if (this.#halfPrecision && this.#device !== 'cuda') {
      throw new InferbenchError('INVALID_OPTION', `halfPrecision needs device cuda, got ${this.#device}; for Neuron, cast when compiling the model`);
    }
    if (options.intraOpThreadsPerCopy !== undefined) requireInteger('intraOpThreadsPerCopy', options.intraOpThreadsPerCopy, 1);
    if (options.requestTimeoutMs !== undefined) requirePositive('requestTimeoutMs', options.requestTimeoutMs);
    if (options.neuronCoresPerCopy !== undefined) requireInteger('neuronCoresPerCopy', options.neuronCoresPerCopy, 1);
    if (options.neuronCoreCount !== undefined) requireInteger('neuronCoreCount', options.neuronCoreCount, 1);
    this.#options = options;
    this.name = this.#format === 'null' ? 'python-null' : `pytorch-${this.#device}`;
  }

  /** Checks the artifact against the inputs, finds the interpreter, then starts one worker process per copy in parallel; if any fails, the others are closed. */
  async load(request: BackendLoadRequest): Promise<LoadedModel> {
    const startNs = monotonicNowNs();
    const format = this.#format;
    // The null format loads no model, so only the inputs are checked against the artifact.
    requireArtifactFits(request.artifact, request.inputs, format === 'null' ? undefined : { backend: this.name, format, device: this.#device });
    const python = await findPython({ requireTorch: this.#format !== 'null', pythonPath: this.#options.pythonPath, signal: request.signal });
    const threads = this.#options.intraOpThreadsPerCopy ?? (this.#device === 'cpu' ? Math.max(1, Math.floor(availableParallelism() / request.copies)) : 1);
    const gpus = this.#options.deviceIds;
    const envOf = (copyIndex: number): Record<string, string> | undefined =>
      this.#device === 'neuron'
        ? neuronPlacementEnv({
            runtime: this.#options.neuronRuntime ?? 'torch-neuronx',
            copyIndex,
            copies: request.copies,
            coresPerCopy: this.#options.neuronCoresPerCopy ?? 1,
            coreCount: this.#options.neuronCoreCount,
          })
        : this.#device === 'cuda' && gpus?.length
          ? cudaPlacementEnv(copyIndex, gpus)
          : undefined;
    const { copies, close } = await startCopies(
      request.copies,
      (index) =>
        PythonModelCopy.start({
          index,
          pythonPath: python.path,
          load: { path: request.artifact.path, format: this.#format, device: this.#device, halfPrecision: this.#halfPrecision, intraOpThreads: threads },
          feeds: request.inputs.feeds,
          env: envOf(index),
          requestTimeoutMs: this.#options.requestTimeoutMs,
          signal: request.signal,
        }),
      request.signal,
    );
    const settings: Record<string, string | number | boolean> = {
      device: this.#device,
      format: this.#format,
      halfPrecision: this.#halfPrecision,
      intraOpThreadsPerCopy: threads,
      python: python.path,
    };
    if (python.torchVersion !== undefined) settings.torchVersion = python.torchVersion;
    if (this.#device === 'neuron') settings.neuronCoresPerCopy = this.#options.neuronCoresPerCopy ?? 1;
    return { copies, loadNs: monotonicNowNs() - startNs, effectiveSettings: settings, close };
  }
}

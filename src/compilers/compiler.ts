import { InferbenchError } from '../core/errors.js';
import type { NamedTensors } from '../tensors/tensor.js';
import type { ResolvedModel } from '../models/model-source.js';

/** What to compile: one model for the shapes of one input feed. */
export interface CompileRequest {
  /** The model to specialise. */
  readonly model: ResolvedModel;
  /** One feed with the target shapes (batch size first); compilers also run it to check the result. */
  readonly input: NamedTensors;
  /** Batch size when the model declares no inputs (a PyTorch `module:function` source): the sample is then empty, and the compiler makes its own inputs. */
  readonly batchSize?: number;
  /** Directory that holds compiled artifacts, keyed so that a repeat compile is a cache hit. */
  readonly cacheDir: string;
  /** Cancels a long compile. */
  readonly signal?: AbortSignal;
}

/** A model specialised for one set of input shapes, ready for a backend to load. */
export interface CompiledArtifact {
  /** Path of the compiled model file. */
  readonly path: string;
  /** The model it was compiled from. */
  readonly model: ResolvedModel;
  /** Compiler that made it, e.g. "onnxruntime". */
  readonly compiler: string;
  /** Hex digest of everything that determines the artifact; also its cache directory name. */
  readonly cacheKey: string;
  /** True when the artifact came from the cache rather than a fresh compile. */
  readonly cacheHit: boolean;
  /** Wall time of the compile; for a cache hit, of the original compile. */
  readonly compileNs: number;
  /** Value given to each symbolic dimension, e.g. { batch_size: 4, sequence_length: 128 }. */
  readonly dimensions: Readonly<Record<string, number>>;
  /** Largest absolute difference between the original and the compiled model's outputs on the sample. */
  readonly maxAbsDifference: number;
  /** File format; absent when the compiler does not say, and then unchecked. */
  readonly format?: ArtifactFormat;
  /** Device the artifact only runs on (a traced TorchScript or Neuron model); absent when it runs anywhere. */
  readonly device?: string;
  /** Batch size the artifact's shapes are fixed to; absent when unknown. */
  readonly batchSize?: number;
}

/** File formats of compiled artifacts. */
export type ArtifactFormat = 'onnx' | 'torchscript';

/** What a backend runs, to check an artifact against. */
export interface ArtifactTarget {
  /** Backend name, for the message. */
  readonly backend: string;
  /** Format the backend loads. */
  readonly format: ArtifactFormat;
  /** Device the backend runs on. */
  readonly device: string;
  /** Batch size of the input set. */
  readonly batchSize: number;
}

/**
 * Throws an INVALID_OPTION error when `artifact` cannot run on `target`: another format, a model traced
 * for another device, or shapes fixed to another batch size would otherwise fail deep inside a worker.
 */
export function requireArtifactFits(artifact: CompiledArtifact, target: ArtifactTarget): void {
  const problem =
    artifact.format !== undefined && artifact.format !== target.format
      ? `is ${artifact.format}, but ${target.backend} loads ${target.format}`
      : artifact.device !== undefined && artifact.device !== target.device
        ? `was compiled for device ${artifact.device}, but ${target.backend} runs on ${target.device}`
        : artifact.batchSize !== undefined && artifact.batchSize !== target.batchSize
          ? `was compiled for batch size ${artifact.batchSize}, but the inputs have batch size ${target.batchSize}`
          : undefined;
  if (problem !== undefined) {
    throw new InferbenchError('INVALID_OPTION', `artifact ${artifact.path} ${problem}; compile it again for this device and batch size`);
  }
}

/** Turns a model into an artifact specialised for one batch size (and sequence length). */
export interface Compiler {
  /** Short name used in reports and cache keys. */
  readonly name: string;
  /** Compiles, or returns the cached artifact for the same model, shapes, options and runtime version. */
  compile(request: CompileRequest): Promise<CompiledArtifact>;
}

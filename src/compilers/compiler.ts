import type { NamedTensors } from '../tensors/tensor.js';
import type { ResolvedModel } from '../models/model-source.js';

/** What to compile: one model for one batch size, with one input feed of the target shapes. */
export interface CompileRequest {
  /** The model to specialise. */
  readonly model: ResolvedModel;
  /** One feed with the target shapes, each tensor `[batchSize, ...]`; compilers also run it to check the result. Empty for a model that declares no inputs (a PyTorch `module:function` source), whose compiler makes its own. */
  readonly input: NamedTensors;
  /** Batch size to compile for, recorded in the artifact; a feed whose first dimension differs is refused. */
  readonly batchSize: number;
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
  /** Largest absolute difference between the original and the compiled model's outputs on the input feed. */
  readonly maxAbsDifference: number;
  /** File format; absent when the compiler does not say, and then unchecked. */
  readonly format?: ArtifactFormat;
  /** Device the artifact only runs on (a traced TorchScript or Neuron model); absent when it runs anywhere. */
  readonly device?: string;
  /** Batch size the artifact was compiled for; backends refuse inputs of another. */
  readonly batchSize: number;
}

/** File formats of compiled artifacts. */
export type ArtifactFormat = 'onnx' | 'torchscript';

/** Turns a model into an artifact specialised for one batch size (and sequence length). */
export interface Compiler {
  /** Short name used in reports and cache keys. */
  readonly name: string;
  /** Compiles, or returns the cached artifact for the same model, shapes, options and runtime version. */
  compile(request: CompileRequest): Promise<CompiledArtifact>;
}

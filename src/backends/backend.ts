import type { CompiledArtifact } from '../compilers/compiler.js';
import type { InputSet } from '../inputs/input-set.js';

/**
 * How long a request may go unanswered once its copy can start on it, unless told otherwise: k6's default request
 * timeout. Every wait on a worker's answer is bounded, so that a frozen worker ends a run instead of holding it for ever.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Timing of one inference, measured where the model runs. */
export interface InferenceTiming {
  /** Monotonic clock reading when compute began (same clock as the load generator's). */
  readonly computeStartNs: number;
  /** Time spent computing, without messaging or queueing. */
  readonly computeNs: number;
}

/**
 * One loaded copy of a model, in a worker thread or another process. The load generator only sees
 * this: it names a preloaded input by index and awaits completion.
 */
export interface ModelCopy {
  /** Position of this copy, 0-based; request `i` goes to copy `i % copies`. */
  readonly index: number;
  /** Runs preloaded input `inputIndex`; rejects if the model fails. Calls may overlap; a copy queues them. */
  infer(inputIndex: number): Promise<InferenceTiming>;
  /**
   * True once the copy can never answer again (its process died). When every copy is gone the load generator stops
   * issuing, rather than fail requests as fast as it can; a copy that cannot tell leaves it undefined.
   */
  readonly gone?: boolean;
}

/** Model copies ready to serve, and the means to release them. */
export interface LoadedModel {
  /** The copies, in index order. */
  readonly copies: readonly ModelCopy[];
  /** Wall time from the start of loading until every copy was ready. */
  readonly loadNs: number;
  /** Settings the backend actually used, for reports (e.g. threads per copy). */
  readonly effectiveSettings: Readonly<Record<string, string | number | boolean>>;
  /** Stops every copy and frees its memory; safe to call more than once. */
  close(): Promise<void>;
}

/** What a backend needs to load copies of a model. */
export interface BackendLoadRequest {
  /** The compiled model. */
  readonly artifact: CompiledArtifact;
  /** Inputs each copy receives once, before timing starts. */
  readonly inputs: InputSet;
  /** Number of model copies. */
  readonly copies: number;
  /** Cancels loading; copies already started are closed. */
  readonly signal?: AbortSignal;
}

/** Runs compiled models: ONNX Runtime on the CPU, CUDA or TensorRT; PyTorch models in a Python worker on the CPU, CUDA or Neuron. */
export interface Backend {
  /** Short name used in reports, e.g. "onnxruntime-cpu". */
  readonly name: string;
  /** Loads `copies` copies of the model, each with the whole input set; an artifact that does not fit the inputs is refused before any copy starts (`requireArtifactFits`). */
  load(request: BackendLoadRequest): Promise<LoadedModel>;
}

import { InferbenchError } from '../core/errors.js';
import { rejectingAsAborted } from '../core/abort.js';
import { requireInteger } from '../core/validate.js';
import { DEFAULT_MODEL } from '../models/resolve-model-source.js';
import type { BenchmarkOptions } from './run-benchmark-options.js';
import { setUpRun, type RunSetupOptions } from './set-up-run.js';
import { prepareArtifact } from './prepare-artifact.js';
import type { TorchCompiledArtifact } from '../runtimes/torch/torch-compiler.js';

/** Options of {@link compileModel}: a benchmark's model, device and input settings, and the batch sizes. */
export interface CompileModelOptions extends Pick<BenchmarkOptions, 'model' | 'device' | 'deviceIds' | 'neuronRuntime' | 'artifactFormat' | 'sequenceLength' | 'imageSize' | 'tokenizer' | 'inputNames' | 'dimensions' | 'cacheDir' | 'seed' | 'signal' | 'env'>, Pick<RunSetupOptions, 'onDownloadProgress'> {
  /** Batch sizes to compile for, one artifact each (the workshop's experiments: 2, 4, 8). */
  readonly batchSizes: readonly number[];
}

/** One compiled artifact of {@link compileModel}. */
export interface CompiledBatchSize {
  /** The batch size it is specialised for. */
  readonly batchSize: number;
  /** Path of the artifact. */
  readonly artifactPath: string;
  /** True when it came from the cache. */
  readonly cacheHit: boolean;
  /** Duration of the (original) compile, in nanoseconds. */
  readonly compileNs: number;
  /** Value of each symbolic dimension. */
  readonly dimensions: Readonly<Record<string, number>>;
  /** Largest absolute difference between the original and the compiled model's outputs. */
  readonly maxAbsDifference: number;
  /** The original model's first output values on the example input, where the compiler reports them (PyTorch sources), as the workshop prints them. */
  readonly originalOutputHead?: readonly number[];
}

/**
 * Compiles a model once per batch size, as the workshop's compile step does before its batch-size
 * experiments; each artifact lands in the cache where `runBenchmark` finds it again.
 */
export function compileModel(options: CompileModelOptions): Promise<CompiledBatchSize[]> {
  const { model = DEFAULT_MODEL, batchSizes } = options;
  const what = `compiling ${typeof model === 'object' ? model.id : model} for ${batchSizes.length === 1 ? 'batch' : 'batch sizes'} ${batchSizes.join(', ')}`;
  return rejectingAsAborted(options.signal, what, () => compileEach(options));
}

async function compileEach(options: CompileModelOptions): Promise<CompiledBatchSize[]> {
  const { batchSizes, signal, ...setup } = options;
  if (batchSizes.length === 0) throw new InferbenchError('INVALID_OPTION', 'give at least one batch size, e.g. --batch-size-list 2,4,8');
  batchSizes.forEach((size, i) => requireInteger(`batch size ${i + 1}`, size, 1));
  const { settings: base, source, compiler, cacheDir } = await setUpRun(setup);
  const resolved = await source.resolve({ cacheDir, signal });
  const compiled: CompiledBatchSize[] = [];
  for (const batchSize of batchSizes) {
    const { artifact } = await prepareArtifact(resolved, { ...base, batchSize, inputCount: 1 }, compiler, cacheDir, signal ? { signal } : {});
    compiled.push({
      batchSize,
      artifactPath: artifact.path,
      cacheHit: artifact.cacheHit,
      compileNs: artifact.compileNs,
      dimensions: artifact.dimensions,
      maxAbsDifference: artifact.maxAbsDifference,
      ...('firstOutputValues' in artifact ? { originalOutputHead: (artifact as TorchCompiledArtifact).firstOutputValues } : {}),
    });
  }
  return compiled;
}

import type { Backend } from '../backends/backend.js';
import type { Compiler } from '../compilers/compiler.js';
import type { HubDownloadProgress } from '../models/hub/hub-blob-download.js';
import { defaultCacheDir } from '../models/cache-dir.js';
import type { ModelSource } from '../models/model-source.js';
import { resolveModelSource } from '../models/resolve-model-source.js';
import { isTorchModelSpec } from '../models/torch-model-source.js';
import { resolveBenchmarkSettings, type BenchmarkSettings } from '../options/benchmark-options.js';
import type { BenchmarkOptions } from './run-benchmark-options.js';
import { chooseCompiler, chooseRuntime } from './choose-runtime.js';

/** What a run or a compile starts from, whatever it does next. */
export interface RunSetup {
  /** Settings with every default applied. */
  readonly settings: BenchmarkSettings;
  /** The model source named or given. */
  readonly source: ModelSource;
  /** The compiler, the one given or the one the model and device call for. */
  readonly compiler: Compiler;
  /** The backend, the one given or the one the model and device call for. */
  readonly backend: Backend;
  /** Cache of generated and compiled models. */
  readonly cacheDir: string;
}

/** Inputs of {@link setUpRun}: settings, and the pieces of the pipeline it picks when they are missing. */
export interface RunSetupOptions extends Omit<BenchmarkOptions, 'loadGenerator' | 'stats' | 'signal'> {
  /** Receives progress of Hugging Face Hub downloads. */
  readonly onDownloadProgress?: (progress: HubDownloadProgress) => void;
}

/**
 * Validates the settings, resolves the model spec to a source and picks the compiler and backend
 * (checking the device first), so that `runBenchmark` and `compileModel` start alike.
 */
export async function setUpRun(options: RunSetupOptions): Promise<RunSetup> {
  const { model, compiler, backend, onDownloadProgress, env = process.env, ...rest } = options;
  const settings = resolveBenchmarkSettings({ ...rest, model: typeof model === 'object' ? model.id : model });
  const source =
    typeof model === 'object'
      ? model
      : resolveModelSource(settings.model, {
          env,
          ...(onDownloadProgress ? { onDownloadProgress } : {}),
          ...(settings.imageSize ? { imageSize: settings.imageSize } : {}),
          ...(settings.tokenizer ? { tokenizer: settings.tokenizer } : {}),
        });
  const torchSource = isTorchModelSpec(source.id);
  // A caller's own backend has chosen the device: only the compiler is still to pick, and nothing is probed.
  const runtime = backend ? { backend, compiler: compiler ?? chooseCompiler(settings, torchSource) } : await chooseRuntime(settings, torchSource);
  return {
    settings,
    source,
    compiler: compiler ?? runtime.compiler,
    backend: runtime.backend,
    cacheDir: settings.cacheDir ?? defaultCacheDir(env),
  };
}

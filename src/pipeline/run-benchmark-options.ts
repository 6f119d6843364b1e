import type { Backend } from '../backends/backend.js';
import type { Compiler } from '../compilers/compiler.js';
import type { LoadGenerator } from '../load/load-generator.js';
import type { ModelSource } from '../models/model-source.js';
import type { BenchmarkSettingsInput } from '../options/benchmark-options.js';
import type { Stats } from '../stats/stats.js';

/**
 * Everything `runBenchmark` takes: settings, and the pieces of the pipeline. Any of the five modules —
 * model source, compiler, backend, load generator, statistics — may be the caller's own; defaults
 * fill only what is missing.
 */
export interface BenchmarkOptions extends Omit<BenchmarkSettingsInput, 'model'> {
  /** A model name or path (`synthetic:bert`, `model.onnx`) or any {@link ModelSource}. */
  model?: string | ModelSource;
  /** Compiler; default the one the model and device call for. */
  compiler?: Compiler;
  /** Backend; default the one the model and device call for (ONNX Runtime on the CPU). */
  backend?: Backend;
  /** Drives the copies instead of the scenario's own load generator; the settings still bound and judge the run. */
  loadGenerator?: LoadGenerator;
  /** Computes the reported figures; default `defaultStats` (order statistics). */
  stats?: Stats;
  /**
   * Cancels the run; copies are closed. Cancelled while measuring, the run resolves with what completed until then,
   * `measurement.stopReason` `interrupted` (a Server search rejects instead); before, it rejects with code ABORTED.
   */
  signal?: AbortSignal;
  /**
   * The environment the run reads where no option says otherwise: the Hugging Face variables (`HF_ENDPOINT`,
   * `HF_TOKEN`, `HF_HUB_OFFLINE`, `HF_HUB_CACHE`…) and the cache's (`INFERBENCH_CACHE_DIR`, `XDG_CACHE_HOME`);
   * default `process.env`. The CLI passes its own, so that a host program can run it with another.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

import { createLoadGenerator } from '../load/create-load-generator.js';
import { InferbenchError } from '../core/errors.js';
import { rejectingAsAborted } from '../core/abort.js';
import type { LoadGenerator, LoadResult, LoadRunHooks, LoadTarget } from '../load/load-generator.js';
import { defaultStats } from '../stats/stats.js';
import type { LoadSettings } from '../options/load-settings.js';
import { searchServerQps, type ServerSearch } from '../load/server-qps-search.js';
import { evaluateThresholds, parseThresholds } from '../stats/thresholds.js';
import type { BenchmarkPhase, BenchmarkSettings } from '../options/benchmark-options.js';
import type { BenchmarkOptions } from './run-benchmark-options.js';
import { BenchmarkRun, type EmitRunEvent } from './benchmark-run.js';
import { RESULT_SCHEMA_VERSION, type BenchmarkResult } from '../results/benchmark-result.js';
import { computeEfficiency } from '../results/efficiency.js';
import { summarizeMeasurement } from '../results/measurement.js';
import { prepareArtifact } from './prepare-artifact.js';
import { describeRunEnvironment } from '../results/run-environment.js';
import { setUpRun } from './set-up-run.js';
import { thresholdMetricsOf } from '../results/threshold-metrics.js';
import { judgeMeasurement } from '../results/verdict.js';

/**
 * The workshop benchmark as one call: resolve the model, build inputs, compile for the batch size,
 * load the copies, warm up, run the scenario, summarise and judge. Each step is a public module that
 * a caller may replace or use alone; copies are always closed, on failure too.
 *
 * Returns at once a {@link BenchmarkRun}: await it for the result, or listen to its events.
 */
export function runBenchmark(options: BenchmarkOptions = {}): BenchmarkRun {
  return new BenchmarkRun((emit) => rejectingAsAborted(options.signal, 'the run', () => benchmark(options, emit)));
}

async function benchmark(options: BenchmarkOptions, emit: EmitRunEvent): Promise<BenchmarkResult> {
  const { signal, loadGenerator, stats = defaultStats, ...setup } = options;
  const { settings, source, compiler, backend: runner, cacheDir } = await setUpRun({ ...setup, onDownloadProgress: (p) => emit('download', p) });
  const startedAt = new Date().toISOString();
  // Described while the model is prepared, and awaited before warm-up so that it never runs during measurement.
  const environment = describeRunEnvironment(signal);
  environment.catch(() => {});
  const phase = (name: BenchmarkPhase): void => emit('phase', name, settings);

  phase('model');
  const resolved = await source.resolve({ cacheDir, signal });
  const { artifact, inputs } = await prepareArtifact(resolved, settings, compiler, cacheDir, { signal, onPhase: phase });
  phase('load');
  const loaded = await runner.load({ artifact, inputs, copies: settings.copies, signal });
  try {
    const environmentNow = await environment;
    phase('warmup');
    const target: LoadTarget = { copies: loaded.copies, inputCount: inputs.feeds.length };
    const hooks: LoadRunHooks = {
      signal,
      onMeasurementStart: () => {
        phase('measure');
        emit('start', settings);
      },
      onWindow: (window, running) => emit('tick', window, running),
    };
    const { load, serverSearch } = await measure(target, settings, hooks, emit, loadGenerator);
    const measurement = summarizeMeasurement(load, inputs.batchSize, stats);
    return {
      schemaVersion: RESULT_SCHEMA_VERSION,
      startedAt,
      settings,
      model: {
        name: resolved.name,
        path: resolved.path,
        sha256: resolved.sha256,
        synthetic: resolved.synthetic,
        task: resolved.task,
        inputs: resolved.inputs,
        outputs: resolved.outputs,
      },
      inputs: { description: inputs.description, batchSize: inputs.batchSize, inputCount: inputs.feeds.length },
      compile: {
        compiler: artifact.compiler,
        artifactPath: artifact.path,
        cacheHit: artifact.cacheHit,
        compileNs: artifact.compileNs,
        dimensions: artifact.dimensions,
        maxAbsDifference: artifact.maxAbsDifference,
      },
      backend: { name: runner.name, copies: loaded.copies.length, loadNs: loaded.loadNs, effectiveSettings: loaded.effectiveSettings },
      measurement,
      efficiency: computeEfficiency(settings, measurement.throughput.samplesPerSecond, loaded.copies.length, loaded.effectiveSettings),
      verdict: judgeMeasurement(measurement, settings),
      thresholds: evaluateThresholds(parseThresholds(settings.thresholds), thresholdMetricsOf(load.latency, measurement)),
      serverSearch,
      environment: environmentNow,
    };
  } finally {
    await loaded.close();
  }
}

/** One run of the scenario, or a Server search of several. */
async function measure(
  target: LoadTarget,
  settings: BenchmarkSettings,
  hooks: LoadRunHooks,
  emit: EmitRunEvent,
  loadGenerator: LoadGenerator | undefined,
): Promise<{ load: LoadResult; serverSearch: ServerSearch | null }> {
  if (!settings.searchQps) return { load: await (loadGenerator ?? createLoadGenerator(settings)).run(target, hooks), serverSearch: null };
  if (loadGenerator) throw new InferbenchError('INVALID_OPTION', 'searchQps runs its own Server trials; drop searchQps or the loadGenerator');
  const load: LoadSettings = settings;
  const { search, result } = await searchServerQps(target, load, { ...hooks, trials: settings.searchTrials, onTrial: (t) => emit('trial', t) });
  return { load: result, serverSearch: search };
}

import { collectEnvironment } from '../hardware/environment.js';
import { ClosedLoopLoadGenerator } from '../load/closed-loop.js';
import { computeThroughput } from '../stats/throughput.js';
import type { BenchmarkOptions, BenchmarkPhase } from './benchmark-options.js';
import { setUpRun } from './set-up-run.js';
import { RESULT_SCHEMA_VERSION, type BenchmarkResult } from './benchmark-result.js';
import { prepareArtifact } from './prepare-artifact.js';

/**
 * The workshop benchmark as one call: resolve the model, build inputs, compile for the batch size,
 * load the copies, warm up, drive the clients, summarise. Each step is a public module that a
 * caller may replace or use alone; copies are always closed, on failure too.
 */
export async function runBenchmark(options: BenchmarkOptions = {}): Promise<BenchmarkResult> {
  const { signal, onPhase, onRequestComplete, ...setup } = options;
  const { settings, source, compiler, backend: runner, cacheDir } = await setUpRun(setup);
  const startedAt = new Date().toISOString();
  const phase = (name: BenchmarkPhase): void => onPhase?.(name, settings);

  phase('model');
  const resolved = await source.resolve({ cacheDir, signal });
  const { artifact, inputs } = await prepareArtifact(resolved, settings, compiler, cacheDir, { signal, onPhase: phase });
  phase('load');
  const loaded = await runner.load({ artifact, inputs, copies: settings.copies, signal });
  try {
    const generator = new ClosedLoopLoadGenerator({
      clients: settings.clients,
      requestCount: settings.requestCount,
      durationMs: settings.durationMs,
      warmupRequests: settings.warmupRequests,
      seed: settings.seed,
      signal,
      onMeasurementStart: () => phase('measure'),
      onRequestComplete,
    });
    phase('warmup');
    const result = await generator.run({ copies: loaded.copies, sampleCount: inputs.samples.length });
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
      inputs: { description: inputs.description, batchSize: inputs.batchSize, sampleCount: inputs.samples.length },
      compile: {
        compiler: artifact.compiler,
        artifactPath: artifact.path,
        cacheHit: artifact.cacheHit,
        compileNs: artifact.compileNs,
        dimensions: artifact.dimensions,
        maxAbsDifference: artifact.maxAbsDifference,
      },
      backend: { name: runner.name, copies: loaded.copies.length, loadNs: loaded.loadNs, effectiveSettings: loaded.effectiveSettings },
      measurement: {
        completedRequests: result.completedRequests,
        warmupRequests: result.warmupRequests,
        elapsedNs: result.elapsedNs,
        throughput: computeThroughput(result.completedRequests, inputs.batchSize, result.elapsedNs),
        latency: result.latency.summarize(),
        compute: result.compute.summarize(),
        requestsPerCopy: result.requestsPerCopy,
        histograms: { latency: result.latency.encode(), compute: result.compute.encode() },
      },
      environment: collectEnvironment(),
    };
  } finally {
    await loaded.close();
  }
}

/**
 * The benchmark pipeline composed by hand from inferbench's five modules, instead of `runBenchmark`:
 *
 *   ModelSource → (inputs) → Compiler → Backend → LoadGenerator → Stats
 *
 * A small synthetic BERT (random weights) is generated into a temporary cache directory, compiled
 * for batch 4 × sequence 128, loaded as 2 copies, and driven by 2 closed-loop clients for 200
 * requests. The script checks its own result and exits with status 1 when it is wrong.
 *
 * Run (after npm run build; or from source with node --conditions=inferbench-source --import tsx):
 *   npm run build && npx tsx examples/custom-pipeline.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyntheticBertSource, buildTextInputSet, createBertUncasedTokenizer, generateSentences } from 'inferbench/models';
import { OrtCompiler } from 'inferbench/compilers';
import { OrtBackend } from 'inferbench/backends';
import { ClosedLoopLoadGenerator } from 'inferbench/load';
import { computeThroughput, type LatencySummary } from 'inferbench/stats';

const BATCH_SIZE = 4;
const SEQUENCE_LENGTH = 128;
const COPIES = 2;
const CLIENTS = 2;
const REQUESTS = 200;
const SEED = 1;

/** A percentile of a summary in milliseconds, e.g. "3.21 ms". */
const ms = (summary: LatencySummary, percentile: number): string =>
  `${((summary.percentilesNs[String(percentile)] ?? Number.NaN) / 1e6).toFixed(2)} ms`;

const cacheDir = await mkdtemp(join(tmpdir(), 'inferbench-example-'));
const problems: string[] = [];
try {
  // 1. ModelSource: generate the model file (cached under cacheDir/models) and read its inputs.
  const source = new SyntheticBertSource({ layers: 1, hiddenSize: 64, heads: 2, intermediateSize: 128 });
  const model = await source.resolve({ cacheDir });

  // Inputs: tokenized sentences, preloaded into every copy; requests name a sample by index.
  const inputs = buildTextInputSet({
    texts: generateSentences(10, SEED),
    tokenizer: createBertUncasedTokenizer(),
    batchSize: BATCH_SIZE,
    sequenceLength: SEQUENCE_LENGTH,
    batchMode: 'repeat',
    inputCount: 10,
    inputNames: { inputIds: 'input_ids', attentionMask: 'attention_mask', tokenTypeIds: 'token_type_ids' },
  });

  // 2. Compiler: fix the symbolic dimensions to the sample's shapes and optimise (cached under cacheDir/compiled).
  const artifact = await new OrtCompiler().compile({ model, input: inputs.feeds[0]!, batchSize: inputs.batchSize, cacheDir });

  // 3. Backend: one worker thread and one ONNX Runtime session per copy.
  const loaded = await new OrtBackend().load({ artifact, inputs, copies: COPIES });
  try {
    // 4. LoadGenerator: closed loop; request i goes to copy i % COPIES.
    const generator = new ClosedLoopLoadGenerator({ clients: CLIENTS, queryCount: REQUESTS, warmupQueries: 4, seed: SEED });
    const result = await generator.run({ copies: loaded.copies, inputCount: inputs.feeds.length });

    // 5. Stats: HDR histograms in nanoseconds, summarised; throughput over the measured interval.
    const latency = result.latency.summarize([50, 90, 95]);
    const compute = result.compute.summarize([50, 90, 95]);
    const throughput = computeThroughput(result.completedRequests, inputs.batchSize, result.elapsedNs);

    console.log(`model      ${model.name}`);
    console.log(`compiled   ${JSON.stringify(artifact.dimensions)} in ${(artifact.compileNs / 1e6).toFixed(0)} ms, max |Δ| ${artifact.maxAbsDifference.toExponential(2)}`);
    console.log(`latency    p50 ${ms(latency, 50)} · p90 ${ms(latency, 90)} · p95 ${ms(latency, 95)}`);
    console.log(`compute    p50 ${ms(compute, 50)} · p90 ${ms(compute, 90)} · p95 ${ms(compute, 95)}`);
    console.log(`throughput ${throughput.requestsPerSecond.toFixed(1)} requests/s · ${throughput.samplesPerSecond.toFixed(1)} samples/s`);
    console.log(`per copy   ${JSON.stringify(result.requestsPerCopy)}`);

    // Self-check: the test suite runs this file and relies on its exit status.
    if (result.completedRequests !== REQUESTS) problems.push(`completedRequests is ${result.completedRequests}, expected ${REQUESTS}`);
    if (JSON.stringify(result.requestsPerCopy) !== JSON.stringify([REQUESTS / COPIES, REQUESTS / COPIES])) {
      problems.push(`requestsPerCopy is ${JSON.stringify(result.requestsPerCopy)}, expected [${REQUESTS / COPIES},${REQUESTS / COPIES}]`);
    }
    if (latency.count !== REQUESTS || compute.count !== REQUESTS) problems.push(`histograms hold ${latency.count} and ${compute.count} values, expected ${REQUESTS}`);
    if (!(latency.percentilesNs['50']! > 0 && throughput.requestsPerSecond > 0)) problems.push('latency or throughput is not positive');
    if (artifact.dimensions['batch_size'] !== BATCH_SIZE || artifact.dimensions['sequence_length'] !== SEQUENCE_LENGTH) {
      problems.push(`compiled dimensions are ${JSON.stringify(artifact.dimensions)}`);
    }
    if (!(artifact.maxAbsDifference < 1e-3)) problems.push(`compiled model differs from the original by ${artifact.maxAbsDifference}`);
  } finally {
    await loaded.close();
  }
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`custom-pipeline: ${problem}`);
  process.exitCode = 1;
}

// Benchmarks the harness itself (npm run bench). Prints figures; asserts nothing.
//  1. Throughput through inferbench (one copy) against a bare session.run loop in one worker thread,
//     on the same compiled model and inputs.
//  2. The request rate the load generator sustains with a backend that does nothing.
//  3. How precisely the open loop keeps a 10,000 queries/s schedule with a backend that does nothing.
//  4. Resident memory over 10 million requests through a backend that does nothing.
//  5. The Python worker protocol's round trip.
//  6. What importing each entry point costs: time and resident memory, in fresh processes.
//  7. What a percentile's confidence interval costs over 10 million recorded latencies.
//  8. The fault catalogue (test/fault-catalogue.test.ts, from source): its hostile cases tried, clean and failed, by family.
//  9. The default run on a Hub-format BERT built from its weights, served from a loopback hub, against the synthetic
//     BERT of the same shape (scripts/bench-weights.ts).
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { execa } from 'execa';
import { ClosedLoopLoadGenerator, OpenLoopLoadGenerator } from '../dist/entry/load.js';
import { NullBackend, OrtBackend, PythonBackend } from '../dist/entry/backends.js';
import { OrtCompiler } from '../dist/entry/compilers.js';
import { SyntheticBertSource, buildTextInputSet, createBertUncasedTokenizer, generateSentences } from '../dist/entry/models.js';
import { LatencyHistogram, percentileInterval } from '../dist/entry/stats.js';

const ROUNDS = 5;
const DURATION_MS = 4000;
const SEED = 1;
const cores = availableParallelism();
const cacheDir = mkdtempSync(join(tmpdir(), 'inferbench-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function bare(artifact, inputs) {
  const worker = new Worker(new URL('./bench-bare-worker.js', import.meta.url), {
    workerData: { modelPath: artifact.path, feeds: inputs.feeds, intraOpThreads: cores, warmupRuns: 10, durationMs: DURATION_MS, seed: SEED },
  });
  const { runs, elapsedNs } = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  return (runs * 1e9) / elapsedNs;
}

async function harness(backend, artifact, inputs, clients) {
  const loaded = await backend.load({ artifact, inputs, copies: 1 });
  try {
    const generator = new ClosedLoopLoadGenerator({ clients, durationMs: DURATION_MS, warmupQueries: 10, seed: SEED });
    const result = await generator.run({ copies: loaded.copies, inputCount: inputs.feeds.length });
    return (result.completedRequests * 1e9) / result.elapsedNs;
  } finally {
    await loaded.close();
  }
}

try {
  const model = await new SyntheticBertSource().resolve({ cacheDir });
  const inputs = buildTextInputSet({
    texts: generateSentences(10, 1),
    tokenizer: createBertUncasedTokenizer(),
    batchSize: 4,
    sequenceLength: 128,
    batchMode: 'repeat',
    inputCount: 10,
    inputNames: { inputIds: 'input_ids', attentionMask: 'attention_mask', tokenTypeIds: 'token_type_ids' },
  });
  const artifact = await new OrtCompiler().compile({ model, input: inputs.feeds[0], batchSize: inputs.batchSize, cacheDir });
  const backend = new OrtBackend({ intraOpThreadsPerCopy: cores });
  console.log(`model: ${model.name}, batch 4 × sequence 128, 1 copy, ${cores} intra-op threads, ${ROUNDS} alternating rounds of ${DURATION_MS / 1000} s`);

  const rates = { bare: [], clients1: [], clients2: [] };
  for (let round = 0; round < ROUNDS; round++) {
    rates.bare.push(await bare(artifact, inputs));
    rates.clients2.push(await harness(backend, artifact, inputs, 2));
    rates.clients1.push(await harness(backend, artifact, inputs, 1));
  }
  const show = (rs) => `${median(rs).toFixed(1)}/s median (rounds ${rs.map((r) => r.toFixed(1)).join(', ')})`;
  // Each round's ratio compares runs a few seconds apart, so slow drift of the machine cancels out.
  const ratio = (rs) => median(rs.map((r, i) => r / rates.bare[i])).toFixed(3);
  console.log(`bare session.run loop: ${show(rates.bare)}`);
  console.log(`inferbench, 2 clients: ${show(rates.clients2)}`);
  console.log(`inferbench, 1 client:  ${show(rates.clients1)}`);
  console.log(`harness/bare throughput ratio: ${ratio(rates.clients2)}`);
  console.log(`harness/bare throughput ratio, 1 client: ${ratio(rates.clients1)}`);

  // The harness alone: no model, one empty input, and an artifact that records only the batch size.
  const nullInputs = { feeds: [{}], batchSize: 1, description: 'none' };
  const nullArtifact = { path: '', batchSize: 1 };
  for (const inWorkerThreads of [false, true]) {
    for (const clients of [1, 8]) {
      const loaded = await new NullBackend({ inWorkerThreads }).load({ artifact: nullArtifact, inputs: nullInputs, copies: 1 });
      try {
        const result = await new ClosedLoopLoadGenerator({ clients, durationMs: 2000, warmupQueries: 100 }).run({ copies: loaded.copies, inputCount: 1 });
        const rate = (result.completedRequests * 1e9) / result.elapsedNs;
        const p50Us = result.latency.valueAtPercentileNs(50) / 1e3;
        console.log(`null backend ${inWorkerThreads ? 'in a worker thread' : 'in-process'}, ${clients} client${clients === 1 ? '' : 's'}: ${Math.round(rate).toLocaleString('en-US')} requests/s, p50 ${p50Us.toFixed(1)} µs`);
      } finally {
        await loaded.close();
      }
    }
  }

  // The open loop's timing: each query's send delay is how late it left after its scheduled time.
  {
    const loaded = await new NullBackend().load({ artifact: nullArtifact, inputs: nullInputs, copies: 1 });
    try {
      const result = await new OpenLoopLoadGenerator({ rateQps: 10_000, durationMs: 5000, warmupQueries: 10_000 }).run({ copies: loaded.copies, inputCount: 1 });
      const us = (percentile) => (result.sendDelay.valueAtPercentileNs(percentile) / 1e3).toFixed(1);
      console.log(
        `open loop at 10,000 queries/s, null backend: send delay median ${us(50)} µs, p99 ${us(99)} µs, max ${(result.sendDelay.summarize().maxNs / 1e3).toFixed(0)} µs; ` +
          `${result.lateQueries} of ${result.issuedQueries} sent over 1 ms late; achieved ${Math.round(result.achievedQps).toLocaleString('en-US')} queries/s`,
      );
    } finally {
      await loaded.close();
    }
  }

  // Memory must not grow with the request count; measured in a fresh process. V8 doubles its young generation (16 to
  // 32 MiB) at a moment of its choosing under a high allocation rate, or not at all: bounded, not growth, so the
  // process starts with the young generation at that size, and the figure counts what the run itself keeps.
  const memory = await execa('node', ['--min-semi-space-size=16', fileURLToPath(new URL('./bench-memory.js', import.meta.url))]);
  console.log(memory.stdout);

  // The Python worker's own cost: a model that does nothing, one process, one client, so each
  // request is one round trip over the length-prefixed protocol on stdin/stdout.
  const python = await new PythonBackend({ format: 'null' }).load({ artifact: nullArtifact, inputs: nullInputs, copies: 1 });
  try {
    const result = await new ClosedLoopLoadGenerator({ clients: 1, durationMs: 3000, warmupQueries: 20_000 }).run({ copies: python.copies, inputCount: 1 });
    const rate = (result.completedRequests * 1e9) / result.elapsedNs;
    console.log(`python worker protocol, null model, 1 client: median ${(result.latency.valueAtPercentileNs(50) / 1e3).toFixed(1)} µs per request, p99 ${(result.latency.valueAtPercentileNs(99) / 1e3).toFixed(1)} µs, ${Math.round(rate).toLocaleString('en-US')} requests/s`);
  } finally {
    await python.close();
  }

  // What a user pays to import each entry point: a fresh process each time, against one that imports nothing.
  const importCost = async (entry) => {
    const load = entry === undefined ? '' : `await import(${JSON.stringify(new URL(`../dist/${entry}`, import.meta.url).href)});`;
    const script = `const t0 = performance.now(); ${load} console.log(JSON.stringify({ ms: performance.now() - t0, rss: process.memoryUsage.rss() }));`;
    const runs = [];
    for (let i = 0; i < ROUNDS; i++) runs.push(JSON.parse((await execa('node', ['--input-type=module', '-e', script])).stdout));
    return { ms: median(runs.map((r) => r.ms)), mib: median(runs.map((r) => r.rss)) / 2 ** 20 };
  };
  const bareNode = await importCost(undefined);
  console.log(`import cost, median of ${ROUNDS} fresh processes (bare node: resident ${bareNode.mib.toFixed(1)} MiB):`);
  for (const [name, entry] of [['inferbench/stats', 'entry/stats.js'], ['inferbench/load', 'entry/load.js'], ['inferbench', 'index.js']]) {
    const cost = await importCost(entry);
    console.log(`  ${name.padEnd(17)} ${cost.ms.toFixed(0).padStart(4)} ms, resident ${cost.mib.toFixed(1)} MiB (+${(cost.mib - bareNode.mib).toFixed(1)} MiB)`);
  }

  // The binomial interval's cost grows with the count; a run's windows and early stopping ask for it often.
  const histogram = new LatencyHistogram();
  for (let i = 0; i < 10_000_000; i++) histogram.recordNs(1e6 + (i % 10_000) * 100);
  const intervalMs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (const p of [50, 90, 95, 99]) percentileInterval(histogram, p, 0.99);
    intervalMs.push((performance.now() - started) / 4);
  }
  console.log(`percentile interval over 10 million latencies: median ${median(intervalMs).toFixed(2)} ms per percentile`);

  // Weights do not change the cost of a graph: the same shape built from a checkpoint runs at the synthetic one's rate.
  const weights = await execa('node', ['--import', 'tsx', fileURLToPath(new URL('./bench-weights.ts', import.meta.url))], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
  console.log(weights.stdout);

  // Collect's rate over a thousand stored results, from a folder and from a loopback S3 server.
  const collect = await execa('node', ['--openssl-legacy-provider', '--import', 'tsx', fileURLToPath(new URL('./bench-collect.ts', import.meta.url))], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
  console.log(collect.stdout);

  // Each case of the catalogue is one test under its family's describe; a case is clean when every promise held.
  const report = join(cacheDir, 'fault-catalogue.json');
  await execa('npx', ['vitest', 'run', 'test/fault-catalogue.test.ts', '--reporter=json', `--outputFile=${report}`], { reject: false, cwd: fileURLToPath(new URL('..', import.meta.url)) });
  const { testResults } = JSON.parse(readFileSync(report, 'utf8'));
  for (const file of testResults) if (file.assertionResults.length === 0) console.log(`fault catalogue did not run: ${file.message}`);
  const families = new Map();
  for (const { ancestorTitles, status, title } of testResults.flatMap((file) => file.assertionResults)) {
    // Tests outside a family check the catalogue itself.
    if (ancestorTitles.length === 0) continue;
    const family = families.get(ancestorTitles[0]) ?? { tried: 0, clean: 0, failed: [], skipped: 0 };
    if (status === 'passed' || status === 'failed') family.tried += 1;
    if (status === 'passed') family.clean += 1;
    else if (status === 'failed') family.failed.push(title);
    else family.skipped += 1;
    families.set(ancestorTitles[0], family);
  }
  const counts = ({ tried, clean, failed, skipped }) => `${tried} tried, ${clean} clean, ${failed.length} failed${skipped > 0 ? ` (${skipped} skipped: not possible on this machine)` : ''}`;
  const all = [...families.values()].reduce(
    (sum, f) => ({ tried: sum.tried + f.tried, clean: sum.clean + f.clean, failed: [...sum.failed, ...f.failed], skipped: sum.skipped + f.skipped }),
    { tried: 0, clean: 0, failed: [], skipped: 0 },
  );
  console.log(`fault catalogue: ${counts(all)}`);
  for (const [name, family] of families) {
    console.log(`  ${name.padEnd(9)} ${counts(family)}`);
    for (const title of family.failed) console.log(`    failed: ${title}`);
  }
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}

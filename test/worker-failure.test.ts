import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClosedLoopLoadGenerator } from '../src/load/closed-loop.js';
import { OnnxFileSource } from '../src/models/onnx-file-source.js';
import { OrtCompiler } from '../src/runtimes/onnxruntime/ort-compiler.js';
import { OrtBackend } from '../src/runtimes/onnxruntime/ort-backend.js';
import { buildRandomInputSet } from '../src/inputs/random-input-set.js';
import { createBertUncasedTokenizer } from '../src/inputs/bert-uncased-tokenizer.js';
import { generateSentences } from '../src/inputs/sentence-generator.js';
import { type RequestRecord } from '../src/load/load-generator.js';
import { inferbench, runInProcess } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('a model copy that fails mid-run', () => {
  const dir = tempDir();

  it('counts its failures by kind, apart from the latency of the requests that completed', async () => {
    const model = await new OnnxFileSource(writeSmallBert(dir, { vocabSize: 50 })).resolve({ cacheDir: dir });
    const inputs = buildRandomInputSet({ specs: model.inputs, batchSize: 2, dimensions: { sequence_length: 8 }, inputCount: 3, seed: 1 });
    const artifact = await new OrtCompiler().compile({ model, input: inputs.feeds[0]!, batchSize: inputs.batchSize, cacheDir: dir });
    // Sample 2 holds a token id past the 50-entry vocabulary: ORT's Gather fails on it, in the worker.
    const bad = inputs.feeds[2]!.input_ids!.data as BigInt64Array;
    bad[3] = 999n;
    const loaded = await new OrtBackend().load({ artifact, inputs, copies: 2 });
    try {
      const records: RequestRecord[] = [];
      const result = await new ClosedLoopLoadGenerator({ clients: 2, queryCount: 200, warmupQueries: 0 }).run(
        { copies: loaded.copies, inputCount: 3 },
        { onRequestComplete: (r) => records.push(r) },
      );
      const failed = result.errors.byKind.WORKER_FAILED!;
      expect(Object.keys(result.errors.byKind)).toEqual(['WORKER_FAILED']);
      expect(failed.example).toMatch(/^model copy \d failed on sample 2: .*999/);
      // Every request for sample 2 failed, and every other completed and was timed.
      expect(failed.count + result.completedRequests).toBe(200);
      expect(records.every((r) => r.inputIndex !== 2)).toBe(true);
      expect(result.latency.count).toBe(result.completedRequests);
      expect(failed.count).toBeGreaterThan(30);
    } finally {
      await loaded.close();
    }
  });

  it('makes the CLI print the result, then exit 1 with one line, and leaves no worker behind', async () => {
    // Warm-up and the first inferences run sample 0 only (--warmup 1), so the failures come while measuring.
    // The run's inputs are its seed's sentences, one per sample, through the bert-base-uncased
    // tokenizer. A vocabulary that covers sample 0 lets the compile check pass; a later sample then
    // holds a token id past it, and a worker fails during the run.
    const encodings = createBertUncasedTokenizer().encode(generateSentences(10, 1), { maxLength: 16, padding: 'max_length', truncation: true });
    const maxIds = encodings.map((e) => Math.max(...e.inputIds));
    expect(Math.max(...maxIds)).toBeGreaterThan(maxIds[0]!);
    const model = writeSmallBert(dir, { vocabSize: maxIds[0]! + 1 }, 'small-vocab.onnx');
    const args = ['run', '-m', model, '--tokenizer', 'bert-base-uncased', '--cache-dir', join(dir, 'cache'), '--sequence-length', '16', '-n', '50', '--copies', '2', '--seed', '1', '--warmup', '1'];
    // Run from the temporary folder, so that the default results/ lands there, not in the working tree.
    const run = await inferbench(args, {}, dir);
    expect(run.timedOut).toBe(false);
    expect(run.exitCode).toBe(1);
    const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('inferbench:'));
    expect(errorLines).toEqual([
      expect.stringMatching(/^inferbench: \d+ of 50 requests failed; first WORKER_FAILED: model copy \d failed on sample [1-9]: .*indices element out of data bounds/),
    ]);
    expect(run.stdout).toMatch(/^errors +\d+ WORKER_FAILED/m);
    expect(run.stdout).toMatch(/^verdict +INVALID/m);
    expect(run.stderr).not.toMatch(/^\s+at /m);

    // A threshold on errors decides instead: within it, the run passes; beyond it, exit 99 (in-process: the spawned
    // run above showed that the process ends).
    const failed = Number(/^inferbench: (\d+) of 50/.exec(errorLines[0]!)![1]);
    const within = await runInProcess([...args, '-t', `errors<${failed + 1}`], { cwd: dir });
    expect([within.exitCode, within.stderr.split('\n').filter((l) => l.startsWith('inferbench:'))]).toEqual([0, []]);
    const beyond = await runInProcess([...args, '-t', 'error_rate<1%'], { cwd: dir });
    expect(beyond.exitCode).toBe(99);
    expect(beyond.stderr).toContain('inferbench: threshold failed: error_rate<1%');
    // Each of the three runs kept its result, under the temporary folder.
    expect(readdirSync(join(dir, 'results')).filter((name) => name.endsWith('.json'))).toHaveLength(3);
  });
});

describe('requests that pass their timeout while they compute', () => {
  const dir = tempDir();
  // About 8 ms an inference here: a 1 ms timeout fails every request while its computation goes on.
  const slowModel = (): string => writeSmallBert(dir, { layers: 2, hiddenSize: 256, heads: 4, intermediateSize: 1024 }, 'slow-bert.onnx');
  const args = (model: string): string[] =>
    ['run', '-m', model, '--tokenizer', 'bert-base-uncased', '--sequence-length', '128', '-b', '4', '-n', '20', '--timeout', '1ms', '--cache-dir', join(dir, 'cache')];

  // Spawned: before copies waited for the computation in progress, closing one ended the process natively (exit 134).
  // The first, cold inference is timed as every request is; warm-up and measured timeouts are tested in load-frozen-copy.
  it('fail the run in one line, and each copy is closed only once its computation ends', async () => {
    const run = await inferbench(args(slowModel()), {}, dir);
    expect(run.stderr).not.toMatch(/Napi::Error|terminate called/);
    expect([run.exitCode, run.stderr.trim().split('\n').at(-1)]).toEqual([
      1,
      "inferbench: a copy's first inference ran past the 1 ms request timeout; raise requestTimeoutMs (--request-timeout-ms) above the time one inference takes",
    ]);
  });
});

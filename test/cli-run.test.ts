import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../src/results/benchmark-result.js';
import { CLI_NODE_ARGS, inferbench, runInProcess } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('inferbench run', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);
  const common = ['--model', model, '--tokenizer', 'bert-base-uncased', '--cache-dir', join(dir, 'cache'), '--sequence-length', '16'];
  const readResult = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as BenchmarkResult;

  // Spawned, as a user runs it: the smoke test of the real process.
  it('benchmarks a model, prints the table and writes the result file', async () => {
    const output = join(dir, 'run.json');
    const run = await inferbench(['run', ...common, '-b', '2', '-n', '40', '--clients', '2', '--copies', '2', '-o', output, '--cost-per-hour', '0.5', '--report', 'console,json,csv']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/p50\s.*p90\s.*p95\s.*p99\s.*p99\.9/);
    expect(run.stdout).toMatch(/^latency\s|│ latency/m);
    expect(run.stdout).toContain(`result   ${output}`);
    const result = readResult(output);
    expect(result.schemaVersion).toBe(3);
    expect(result.settings).toMatchObject({ batchSize: 2, sequenceLength: 16, scenario: 'closed', minQueryCount: 40, maxQueryCount: 40, clients: 2, copies: 2 });
    expect(result.measurement.completedRequests).toBe(40);
    expect(result.measurement.requestsPerCopy).toEqual([20, 20]);
    expect(result.measurement.latency.count).toBe(40);
    const { requestsPerSecond, samplesPerSecond } = result.measurement.throughput;
    expect(requestsPerSecond).toBeCloseTo(40 / (result.measurement.elapsedNs / 1e9), 6);
    expect(samplesPerSecond).toBeCloseTo(2 * requestsPerSecond, 6);
    // End to end includes compute, and no percentile passes the maximum.
    const { latency, compute } = result.measurement;
    expect(latency.percentilesNs['50']).toBeGreaterThanOrEqual(compute.percentilesNs['50']!);
    expect(latency.percentilesNs['99.9']).toBeLessThanOrEqual(latency.maxNs);
    expect(latency.minNs).toBeLessThanOrEqual(latency.percentilesNs['50']!);
    expect(result.compile.dimensions).toEqual({ batch_size: 2, sequence_length: 16 });
    // Cost and efficiency: a million samples at the measured rate, at 0.5 an hour; two copies on one host.
    expect(result.efficiency).toMatchObject({ deviceKind: 'host', devices: 1, pricePerHour: 0.5 });
    expect(result.efficiency.samplesPerSecondPerCopy).toBeCloseTo(samplesPerSecond / 2, 6);
    expect(result.efficiency.costPerMillionSamples).toBeCloseTo((0.5 / (samplesPerSecond * 3600)) * 1e6, 9);
    expect(run.stdout).toMatch(/^efficiency [\d.]+ samples\/s per copy · [\d.]+ per host \(1 host\) · [\d.]+ per million samples at 0.5 an hour$/m);
    expect(run.stdout).toContain(`csv      ${output.replace(/\.json$/, '.csv')}`);
    expect(readFileSync(output.replace(/\.json$/, '.csv'), 'utf8').split('\r\n').filter((l) => l !== '')).toHaveLength(2);
    expect(result.model.inputs.map((i) => i.name)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
  });

  it("honours the workshop's environment variables, with flags taking precedence", async () => {
    const output = join(dir, 'env.json');
    // CI set, as on a build server: the report through a pipe still has no colour codes.
    const env = { BATCH_SIZE: '3', NUM_REQUESTS: '12', NUM_THREADS: '3', NUM_MODELS: '2', MAX_LENGTH: '8', MODEL_NAME: model, CI: '1' };
    const run = await runInProcess(['run', '--tokenizer', 'bert-base-uncased', '--cache-dir', join(dir, 'cache'), '-o', output, '--clients', '1', '-b', '2'], { env });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.exitCode).toBe(0);
    const result = readResult(output);
    expect(result.settings).toMatchObject({ batchSize: 2, minQueryCount: 12, maxQueryCount: 12, clients: 1, copies: 2, sequenceLength: 8 });
    expect(result.model.path).toBe(model);
    expect(result.measurement.completedRequests).toBe(12);
    expect(run.stdout).toMatch(/^verdict {2}(VALID|INVALID)$/m);
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('lets bounds and --until-stable take over from the workshop\'s NUM_REQUESTS', async () => {
    const output = join(dir, 'bounded.json');
    const run = await runInProcess(['run', ...common, '--until-stable', '--min-duration', '300ms', '--max-duration', '2s', '--window', '100ms', '-o', output], { env: { NUM_REQUESTS: '12' } });
    expect(run.exitCode).toBe(0);
    const { settings, measurement } = readResult(output);
    expect(settings).toMatchObject({ untilStable: true, minDurationMs: 300, maxDurationMs: 2000, minQueryCount: 500, windowMs: 100 });
    expect(['stable', 'max-duration']).toContain(measurement.stopReason);
    // NUM_REQUESTS=12 would have stopped at query-count; how many fit in the time depends on the machine's load.
    expect(settings.maxQueryCount).toBeUndefined();
    expect(measurement.latency.count).toBe(measurement.completedQueries);
  });

  // Spawned: only a real process has a pipe to lose.
  it('keeps running and writes its result when the reader of its output goes away (`| head -1`)', async () => {
    const output = join(dir, 'piped.json');
    const child = execa('node', [...CLI_NODE_ARGS, 'run', ...common, '-n', '20', '-o', output], { reject: false, cwd: dir, timeout: 60_000 });
    child.stdout!.once('data', () => child.stdout!.destroy());
    const run = await child;
    expect(run.stderr).not.toMatch(/EPIPE|^\s+at /m);
    expect(run.exitCode).toBe(0);
    expect(readResult(output).measurement.completedRequests).toBe(20);
  });

  // Spawned: the folder must disappear while the process measures.
  it('keeps a result that can no longer be written where asked in the temporary folder, and says where', async () => {
    const outDir = join(dir, 'gone');
    mkdirSync(outDir);
    const fallbackDir = join(dir, 'tmp');
    mkdirSync(fallbackDir);
    const child = execa('node', [...CLI_NODE_ARGS, 'run', ...common, '--duration', '1s', '--output', join(outDir, 'kept.json')], {
      reject: false,
      cwd: dir,
      env: { TMPDIR: fallbackDir },
      timeout: 60_000,
    });
    // While measuring, the folder becomes a file: creating the result in it fails whoever runs the test.
    child.stderr!.once('data', function replaceFolder(chunk: Buffer) {
      if (!chunk.toString().includes('measuring')) return void child.stderr!.once('data', replaceFolder);
      rmSync(outDir, { recursive: true });
      writeFileSync(outDir, 'not a folder');
    });
    const run = await child;
    const fallback = join(fallbackDir, 'kept.json');
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^inferbench: cannot write the result to ${join(outDir, 'kept.json')} \\(.*\\); it is kept in ${fallback} instead$`));
    expect(readResult(fallback).measurement.stopReason).toBe('duration');
  });

  it('runs for a duration', async () => {
    const output = join(dir, 'duration.json');
    const run = await runInProcess(['run', ...common, '--duration', '1s', '-o', output]);
    expect(run.exitCode).toBe(0);
    const { settings, measurement } = readResult(output);
    expect(settings).toMatchObject({ minDurationMs: 1000, maxDurationMs: 1000, minQueryCount: 1 });
    expect(settings.maxQueryCount).toBeUndefined();
    expect(measurement.stopReason).toBe('duration');
    expect(measurement.elapsedNs).toBeGreaterThanOrEqual(1e9);
    // How many requests fit in the second depends on the machine's load; that each was timed does not.
    expect(measurement.completedRequests).toBeGreaterThan(0);
    expect(measurement.latency.count).toBe(measurement.completedQueries);
  });

  it('writes the result under results/ in its working directory, or in the folder -o names there', async () => {
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd);
    const run = await runInProcess(['run', ...common, '-n', '5', '--no-progress'], { cwd });
    expect(run.exitCode, run.stderr).toBe(0);
    const names = readdirSync(join(cwd, 'results'));
    expect(names).toEqual([expect.stringMatching(new RegExp(`^small-bert\\.onnx-\\d{8}T\\d{6}\\.\\d{3}Z-${process.pid}\\.json$`))]);
    expect(run.stdout).toContain(`result   ${join(cwd, 'results', names[0]!)}`);
    const inFolder = await runInProcess(['run', ...common, '-n', '5', '--no-progress', '-o', 'out'], { cwd });
    expect(inFolder.exitCode, inFolder.stderr).toBe(0);
    expect(readdirSync(join(cwd, 'out'))).toEqual([expect.stringMatching(/^small-bert\.onnx-.*\.json$/)]);
  });

  it('runs a result file again with --config, and the environment and flags take precedence over it', async () => {
    const first = join(dir, 'first.json');
    expect((await runInProcess(['run', ...common, '-n', '8', '-c', '1', '--output', first, '--no-progress'])).exitCode).toBe(0);
    const again = join(dir, 'again.json');
    const replay = await runInProcess(['run', '--config', first, '--output', again, '--no-progress']);
    expect(replay.exitCode, replay.stderr).toBe(0);
    expect(readResult(again).settings).toEqual(readResult(first).settings);
    // A flag's count replaces the bounds the result holds; the environment's batch size its own.
    const changed = join(dir, 'changed.json');
    expect((await runInProcess(['run', '--config', first, '--query-count', '6', '--output', changed, '--no-progress'], { env: { BATCH_SIZE: '3' } })).exitCode).toBe(0);
    expect(readResult(changed).settings).toMatchObject({ ...readResult(first).settings, minQueryCount: 6, maxQueryCount: 6, batchSize: 3 });
  });

  it('lists the run flags in help run', async () => {
    const help = await runInProcess(['help', 'run']);
    expect(help.exitCode).toBe(0);
    for (const flag of ['--model', '--batch-size', '--sequence-length', '--query-count', '--duration-ms', '--clients', '--copies', '--warmup-queries', '--seed', '--output-dir', '--output', '--config']) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).not.toMatch(/\u001b\[/);
  });
});

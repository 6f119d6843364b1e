import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/stats/latency-histogram.js';
import { type BenchmarkResult } from '../src/results/benchmark-result.js';
import { sweep, type SweepResult } from '../src/sweep/run-sweep.js';
import type { SweepOptions } from '../src/sweep/sweep-options.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

const dir = tempDir();
const model = writeSmallBert(dir);
const base = { model, tokenizer: 'bert-base-uncased', sequenceLength: 16, queryCount: 30, axes: { batchSizes: [1, 2], copies: [1, 2] } } satisfies Partial<SweepOptions>;
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const p95Ns = (result: BenchmarkResult): number => LatencyHistogram.decode(result.measurement.histograms.latency).valueAtPercentileNs(95);
const samplesPerSecond = (result: BenchmarkResult): number => result.measurement.throughput.samplesPerSecond;
const argmax = (values: readonly number[], allowed: (i: number) => boolean): number | undefined =>
  values.reduce<number | undefined>((best, v, i) => (allowed(i) && (best === undefined || v > values[best]!) ? i : best), undefined);
const rejectionOf = (promise: PromiseLike<unknown>): Promise<Error> =>
  Promise.resolve(promise).then(
    () => {
      throw new Error('expected the sweep to fail');
    },
    (error: unknown) => error as Error,
  );

describe('sweep on a small model', () => {
  const outputDir = join(dir, 'grid');
  const options: SweepOptions = { ...base, cacheDir: join(dir, 'cache-grid'), costPerHour: 0.76, outputDir };

  it('runs every configuration batch size first, compiling each batch size once, and writes results and a manifest', async () => {
    const run = sweep(options);
    const events: string[] = [];
    const ticks = new Map<number, number>();
    run.on('start', (configurations) => events.push(`start:${configurations.length}`));
    run.on('config-start', (configuration, inner) => {
      events.push(`config-start:${configuration.index}`);
      inner.on('phase', (phase) => phase === 'compile' && events.push(`compile:${configuration.index}`));
    });
    run.on('tick', (_window, _running, configuration) => ticks.set(configuration.index, (ticks.get(configuration.index) ?? 0) + 1));
    run.on('config-done', (outcome) => events.push(`config-done:${outcome.index}`));
    const result: SweepResult = await run;

    expect(events).toEqual(['start:4', ...[0, 1, 2, 3].flatMap((i) => [`config-start:${i}`, `compile:${i}`, `config-done:${i}`])]);
    const configs = result.configurations;
    expect(configs.map((c) => c.settings)).toEqual([
      { batchSize: 1, copies: 1 },
      { batchSize: 1, copies: 2 },
      { batchSize: 2, copies: 1 },
      { batchSize: 2, copies: 2 },
    ]);
    for (const c of configs) {
      expect(c.result.settings).toMatchObject({ ...c.settings, sequenceLength: 16, minQueryCount: 30, maxQueryCount: 30 });
      expect(c.result.backend.copies).toBe(c.settings.copies);
      expect(c.result.measurement.completedQueries).toBe(30);
      expect(c.resumed).toBe(false);
      expect(c.meetsSlo).toBe(true);
      expect(ticks.get(c.index)).toBe(c.result.measurement.windows.length);
      // The file holds exactly what the sweep returned.
      expect(readJson(c.resultPath)).toEqual(JSON.parse(JSON.stringify(c.result)));
      expect(c.costPerMillionSamples).toBeCloseTo((0.76 / (samplesPerSecond(c.result) * 3600)) * 1e6, 9);
    }
    // The second configuration of a batch size finds the first one's compile in the cache.
    expect(configs.map((c) => c.result.compile.cacheHit)).toEqual([false, true, false, true]);
    expect(configs[1]!.result.compile.artifactPath).toBe(configs[0]!.result.compile.artifactPath);
    expect(configs[2]!.result.compile.artifactPath).not.toBe(configs[0]!.result.compile.artifactPath);
    // Without an SLO the best is the highest throughput.
    expect(result.bestIndex).toBe(argmax(configs.map((c) => samplesPerSecond(c.result)), () => true));
    expect(result).toMatchObject({ slo: undefined, costPerHour: 0.76, skipped: [], outputDir, manifestPath: join(outputDir, 'sweep.json') });

    expect(readJson(result.manifestPath)).toEqual({
      sweepManifestVersion: 1,
      fixed: { model, tokenizer: 'bert-base-uncased', sequenceLength: 16, queryCount: 30 },
      axes: [
        { setting: 'batchSize', values: [1, 2] },
        { setting: 'copies', values: [1, 2] },
      ],
      configurations: configs.map((c) => ({ settings: c.settings, file: c.resultPath.slice(outputDir.length + 1), done: true })),
    });
    const csv = readFileSync(result.csvPath, 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(5);
    expect(csv.slice(1).map((row) => row.split(',')[3])).toEqual(['1', '1', '2', '2']);
  });

  it('picks the highest throughput within an SLO that excludes the fastest configuration', async () => {
    // Same sweep and folder: every configuration is read back, so the SLO is judged on known figures.
    const previous = await sweep(options);
    const p95s = previous.configurations.map((c) => p95Ns(c.result));
    const rates = previous.configurations.map((c) => samplesPerSecond(c.result));
    const fastest = argmax(rates, () => true)!;
    const below = p95s.filter((p) => p < p95s[fastest]!);
    // A limit between the fastest configuration's p95 and the next lower one; under every p95 if none is lower.
    const limitNs = below.length > 0 ? (p95s[fastest]! + Math.max(...below)) / 2 : Math.min(...p95s) / 2;
    const slo = `p95<${(limitNs / 1e6).toFixed(6)}ms`;

    const result = await sweep({ ...options, slo });
    expect(result.skipped).toEqual([0, 1, 2, 3]);
    expect(result.slo).toBe(slo);
    expect(result.configurations.map((c) => c.meetsSlo)).toEqual(p95s.map((p) => p < limitNs));
    expect(result.configurations[fastest]!.meetsSlo).toBe(false);
    expect(result.bestIndex).toBe(argmax(rates, (i) => p95s[i]! < limitNs));
    expect(result.bestIndex).not.toBe(fastest);
    const csv = readFileSync(result.csvPath, 'utf8').trim().split('\r\n');
    const bestColumn = csv[0]!.split(',').indexOf('best');
    expect(csv.slice(1).map((row) => row.split(',')[bestColumn])).toEqual([0, 1, 2, 3].map((i) => String(i === result.bestIndex)));
  });
});

describe('resuming a sweep', () => {
  const outputDir = join(dir, 'resume');
  const options: SweepOptions = { ...base, cacheDir: join(dir, 'cache-resume'), outputDir };

  it('keeps the configurations finished before an abort and runs only the rest again', async () => {
    const abort = new AbortController();
    const first = sweep({ ...options, signal: abort.signal });
    const started: number[] = [];
    first.on('config-start', (c) => started.push(c.index));
    first.on('config-done', () => abort.abort());
    const error = await rejectionOf(first);
    expect(error).toMatchObject({ name: 'InferbenchError', code: 'ABORTED' });
    expect(error.message).toBe(`sweep interrupted with 1 of 4 configurations finished, kept in ${outputDir}; run the same sweep again to resume`);
    expect(started).toEqual([0]);
    const manifest = readJson(join(outputDir, 'sweep.json')) as { configurations: { file: string; done: boolean }[] };
    expect(manifest.configurations.map((c) => c.done)).toEqual([true, false, false, false]);
    const firstFile = join(outputDir, manifest.configurations[0]!.file);
    const firstMtimeMs = statSync(firstFile).mtimeMs;
    const firstResult = readJson(firstFile);

    const again = sweep(options);
    const events: string[] = [];
    again.on('config-skipped', (c) => events.push(`skipped:${c.index}`));
    again.on('config-start', (c) => events.push(`start:${c.index}`));
    const result = await again;
    expect(events).toEqual(['skipped:0', 'start:1', 'start:2', 'start:3']);
    expect(result.skipped).toEqual([0]);
    expect(result.configurations.map((c) => c.resumed)).toEqual([true, false, false, false]);
    expect(statSync(firstFile).mtimeMs).toBe(firstMtimeMs);
    expect(JSON.parse(JSON.stringify(result.configurations[0]!.result))).toEqual(firstResult);
    expect((readJson(join(outputDir, 'sweep.json')) as typeof manifest).configurations.map((c) => c.done)).toEqual([true, true, true, true]);

    // A finished configuration whose file has gone is run again; the others are not.
    rmSync(result.configurations[2]!.resultPath);
    const repaired = await sweep(options);
    expect(repaired.skipped).toEqual([0, 1, 3]);
    expect(repaired.configurations[2]!.resumed).toBe(false);
    expect(statSync(result.configurations[2]!.resultPath).isFile()).toBe(true);

    // A new price is applied to the resumed results, without running anything again.
    const priced = await sweep({ ...options, costPerHour: 3.6 });
    expect(priced.skipped).toEqual([0, 1, 2, 3]);
    for (const c of priced.configurations) expect(c.costPerMillionSamples).toBeCloseTo(1e6 / c.result.measurement.throughput.samplesPerSecond / 1000, 9);

    // A manifest pointing at another configuration's file or outside the folder, or a result copied over another's,
    // is never adopted: those configurations run again.
    const tampered = readJson(join(outputDir, 'sweep.json')) as typeof manifest;
    tampered.configurations[1]!.file = tampered.configurations[0]!.file;
    tampered.configurations[3]!.file = '../r1.json';
    writeFileSync(join(outputDir, 'sweep.json'), JSON.stringify(tampered));
    writeFileSync(join(dir, 'r1.json'), JSON.stringify(priced.configurations[3]!.result));
    writeFileSync(priced.configurations[2]!.resultPath, JSON.stringify(priced.configurations[0]!.result));
    const distrusted = await sweep(options);
    expect(distrusted.skipped).toEqual([0]);
    expect(distrusted.configurations.map((c) => c.result.settings.batchSize)).toEqual([1, 1, 2, 2]);
    expect(distrusted.configurations.map((c) => c.result.settings.copies)).toEqual([1, 2, 1, 2]);
  });

  it('refuses a folder that holds another sweep, naming what changed, unless fresh', async () => {
    const cases: [Partial<SweepOptions>, string][] = [
      [{ axes: { batchSizes: [1, 2, 4], copies: [1, 2] } }, 'batchSize values were [1,2], now [1,2,4]'],
      [{ axes: { ...base.axes, clients: [2] } }, 'the axes were batchSize, copies, now batchSize, copies, clients'],
      [{ queryCount: 40 }, 'queryCount was 30, now 40'],
      [{ seed: 7 }, 'seed was unset, now 7'],
    ];
    for (const [change, difference] of cases) {
      const error = await rejectionOf(sweep({ ...options, ...change }));
      expect(error).toMatchObject({ name: 'InferbenchError', code: 'INVALID_OPTION' });
      expect(error.message).toBe(`${join(outputDir, 'sweep.json')} records another sweep: ${difference}; use another --output-dir, or --fresh to start over`);
    }

    const fresh = await sweep({ ...options, axes: { batchSizes: [1] }, fresh: true });
    expect(fresh.skipped).toEqual([]);
    expect(fresh.configurations.map((c) => c.settings)).toEqual([{ batchSize: 1 }]);
    expect((readJson(fresh.manifestPath) as { axes: unknown }).axes).toEqual([{ setting: 'batchSize', values: [1] }]);
  });
});

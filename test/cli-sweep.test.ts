import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../src/results/benchmark-result.js';
import { runInProcess } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('inferbench sweep', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);
  const outputDir = join(dir, 'sweep');
  const common = ['sweep', '--model', model, '--tokenizer', 'bert-base-uncased', '--cache-dir', join(dir, 'cache'), '--sequence-length', '16', '-n', '20', '--output-dir', outputDir, '--no-progress'];
  const line = (batchSize: number, index: number) => new RegExp(`^\\[${index}/2\\] batchSize=${batchSize}: p95 [\\d.]+ ms · [\\d.]+ samples/s · [\\d.e+-]+ per 1M samples · (VALID|INVALID)$`, 'm');

  it('runs each configuration, prints a line as each finishes and a table with the best starred, and writes the files', async () => {
    const run = await runInProcess([...common, '--batch-size-list', '1,2', '--cost-per-hour', '0.76']);
    expect(run.stderr).not.toMatch(/inferbench:/);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(line(1, 1));
    expect(run.stdout).toMatch(line(2, 2));
    expect(run.stderr).toMatch(/^\[1\/2\] batchSize=1$/m);
    expect(run.stdout).toMatch(/#\s+│ batchSize │ p50\s+│ p95\s+│ p99\s+│ samples\/s │ cost\/1M │ verdict │ best/);
    expect(run.stdout.match(/★/g)).toHaveLength(1);
    expect(run.stdout).toMatch(new RegExp(`^results  ${outputDir}\ncsv      ${join(outputDir, 'sweep.csv')}$`, 'm'));

    const manifest = JSON.parse(readFileSync(join(outputDir, 'sweep.json'), 'utf8')) as { configurations: { file: string; done: boolean }[] };
    expect(manifest.configurations.map((c) => [c.file, c.done])).toEqual([
      ['1-batchSize-1.json', true],
      ['2-batchSize-2.json', true],
    ]);
    const results = manifest.configurations.map((c) => JSON.parse(readFileSync(join(outputDir, c.file), 'utf8')) as BenchmarkResult);
    expect(results.map((r) => [r.settings.batchSize, r.measurement.completedQueries])).toEqual([
      [1, 20],
      [2, 20],
    ]);
    const rates = results.map((r) => r.measurement.throughput.samplesPerSecond);
    const best = rates[1]! > rates[0]! ? 2 : 1;
    expect(run.stdout).toMatch(new RegExp(`^│ ${best}\\s+│ ${best}\\s+│.*│ ★\\s+│$`, 'm'));
    expect(run.stdout).toContain(`best     #${best} batchSize=${best}: ${rates[best - 1]!.toFixed(1)} samples/s`);
    expect(existsSync(join(outputDir, 'sweep.csv'))).toBe(true);
  });

  it("resumes from BATCH_SIZES, and exits 99 when no configuration meets the SLO", async () => {
    const run = await runInProcess([...common, '--cost-per-hour', '0.76', '--slo', 'p95<1ns', '--report', 'console,md,html'], { env: { BATCH_SIZES: '1 2' } });
    expect(run.exitCode).toBe(99);
    // The reports of the whole sweep go beside its results: one table row and one chart point per configuration.
    expect(run.stdout).toContain(`md       ${join(outputDir, 'sweep.md')}`);
    const markdown = readFileSync(join(outputDir, 'sweep.md'), 'utf8');
    expect(markdown.split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(2);
    expect(markdown).toContain('No configuration met p95\\<1ns.');
    const html = readFileSync(join(outputDir, 'sweep.html'), 'utf8');
    expect(html).toContain('data-chart="sweep');
    expect(run.stdout).toMatch(/^\[1\/2\] batchSize=1: .* · misses p95<1ns · (VALID|INVALID) \(resumed\)$/m);
    expect(run.stdout).toMatch(/^\[2\/2\] batchSize=2: .* · misses p95<1ns · (VALID|INVALID) \(resumed\)$/m);
    expect(run.stdout).not.toContain('★');
    expect(run.stdout).toContain('best     none: no configuration meets p95<1ns');
    expect(run.stderr).toBe('inferbench: no configuration meets p95<1ns; relax the SLO or sweep other settings');
  });

  it('refuses to resume a different sweep in the same folder with one line', async () => {
    const run = await runInProcess([...common, '--cost-per-hour', '0.76', '--batch-sizes', '1,2,4']);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `inferbench: ${join(outputDir, 'sweep.json')} records another sweep: batchSize values were [1,2], now [1,2,4]; use another --output-dir, or --fresh to start over`,
    );
  });

  it('lists its own flags and the run flags in --help', async () => {
    const help = await runInProcess(['sweep', '--help']);
    expect(help.exitCode).toBe(0);
    for (const flag of ['--batch-size-list', '--copies-list', '--clients-list', '--device-list', '--vary', '--config', '--slo', '--cost-per-hour', '--output-dir', '--fresh', '--model', '--query-count']) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).not.toContain('--require-valid');
  });
});

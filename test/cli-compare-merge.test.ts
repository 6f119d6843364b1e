import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/stats/latency-histogram.js';
import { type BenchmarkResult } from '../src/results/benchmark-result.js';
import { readResultFile } from '../src/results/read-result.js';
import type { ResultComparison } from '../src/results/compare-results.js';
import type { MergedResult } from '../src/results/merge-results.js';
import { runInProcess, type InProcessRun } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';
import { syntheticResult } from './helpers/synthetic-result.js';
import { seededRandom } from '../src/core/random.js';

/** The run's one stderr line; fails when there are more, or a stack trace. */
function oneLine(run: InProcessRun): string {
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  return lines[0]!;
}

describe('inferbench compare and merge', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);
  const path = (name: string): string => join(dir, name);
  const runArgs = ['run', '--model', model, '--tokenizer', 'bert-base-uncased', '--cache-dir', path('cache'), '--sequence-length', '16', '--clients', '1', '--no-progress'];

  beforeAll(async () => {
    for (const [name, batch, queries] of [['first.json', '2', '600'], ['second.json', '2', '600'], ['batch1.json', '1', '40']] as const) {
      const run = await runInProcess([...runArgs, '-b', batch, '-n', queries, '-o', path(name)]);
      expect(run.exitCode, run.stderr).toBe(0);
    }
    // The first run with every latency half as long again: a known regression of 50%.
    const first = JSON.parse(readFileSync(path('first.json'), 'utf8')) as BenchmarkResult;
    const recorded = LatencyHistogram.decode(first.measurement.histograms.latency);
    const slower = new LatencyHistogram();
    for (let rank = 1; rank <= recorded.count; rank++) slower.recordNs(1.5 * recorded.valueAtRankNs(rank));
    // Its windows slowed alike, so that however many whole windows the run had, they agree with its queries.
    const windows = first.measurement.windows.map((w) => ({ ...w, latencyPercentilesNs: Object.fromEntries(Object.entries(w.latencyPercentilesNs).map(([p, v]) => [p, 1.5 * v])) }));
    const latency = slower.summarize(first.settings.percentiles);
    writeFileSync(path('slower.json'), JSON.stringify({ ...first, measurement: { ...first.measurement, latency, windows, histograms: { ...first.measurement.histograms, latency: slower.encode() } } }));
  });

  it('shows two runs side by side and exits 0', async () => {
    const run = await runInProcess(['compare', path('first.json'), path('second.json')]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    for (const row of ['p50', 'p90', 'p95', 'p99', 'p99.9', 'mean', 'samples/s', 'queries/s', 'errors']) expect(run.stdout).toMatch(new RegExp(`│ ${row.replace('.', '\\.')}\\s`));
    expect(run.stdout).toContain(path('second.json'));
    expect(run.stdout).toMatch(/noise\s+99% intervals/);
  });

  it(`exits 99 with one line naming the figures that regressed beyond --fail-on-regression, and warns of those it could not judge`, async () => {
    // Which latency figures the noise lets it judge depends on how steady the machine kept the first run's windows:
    // the JSON comparison says which, and each must be a 50% regression.
    const json = await runInProcess(['compare', path('first.json'), path('slower.json'), '--fail-on-regression', '5%', '--json']);
    const comparison = JSON.parse(json.stdout) as ResultComparison;
    expect(comparison.failures.length).toBeGreaterThan(0);
    for (const f of comparison.failures) {
      expect(f).toMatchObject({ candidate: path('slower.json'), relativeChange: expect.closeTo(0.5, 2) });
      expect(['p50', 'p90', 'p95', 'p99', 'mean']).toContain(f.figure);
    }
    const failed = await runInProcess(['compare', path('first.json'), path('slower.json'), '--fail-on-regression', '5%']);
    expect(failed.exitCode).toBe(99);
    const [warning, failure, ...more] = failed.stderr.trim().split('\n');
    expect(more, failed.stderr).toEqual([]);
    // 600 queries cannot bound p99.9 at 99%: not judged, named, and not failing.
    expect(warning).toMatch(new RegExp(`^inferbench: warning: not judged, so not failing the comparison, though worse than 5%: p99\\.9 \\+\\d+\\.\\d% in ${path('slower.json')} \\(too few values or windows to tell from noise\\)$`));
    const listed = comparison.failures.map((f) => `${f.figure} \\+50\\.\\d% in ${path('slower.json')}`).join(', ');
    expect(failure).toMatch(new RegExp(`^inferbench: regression beyond 5%: ${listed}$`));
    for (const f of comparison.failures) expect(failed.stdout).toMatch(new RegExp(`${f.figure} .*\\+50\\.\\d% worse`));
    expect(failed.stdout).toMatch(/p99\.9 .*not judged/);
    expect(failed.stdout).toContain('not judged, so not failing the comparison, though worse than 5%: p99.9');
    const passed = await runInProcess(['compare', path('first.json'), path('slower.json'), '--fail-on-regression', '60%']);
    expect(passed.exitCode, passed.stderr).toBe(0);
    expect(passed.stderr).toBe('');
    expect(passed.stdout).toContain('no regression beyond 60%');
  });

  it('prints the comparison as JSON, with the bootstrap when asked', async () => {
    // Results measured nowhere, so that a busy host's noise between windows cannot hide the known 50% regression.
    const latenciesNs = Array.from(seededRandom(5).normals(5000, 0.4), (z) => 2e6 * Math.exp(z));
    const windowRates = [500, 510, 495, 505, 498, 502, 507, 493, 501, 489];
    writeFileSync(path('steady.json'), JSON.stringify(syntheticResult({ latenciesNs, windowRates })));
    writeFileSync(path('steady-slower.json'), JSON.stringify(syntheticResult({ latenciesNs: latenciesNs.map((ns) => 1.5 * ns), windowRates })));
    const run = await runInProcess(['compare', path('steady.json'), path('steady-slower.json'), '--json', '--noise', 'bootstrap', '--seed', '3']);
    expect(run.exitCode, run.stderr).toBe(0);
    const comparison = JSON.parse(run.stdout) as ResultComparison;
    expect(comparison).toMatchObject({ noise: 'bootstrap', confidenceLevel: 0.99, labels: [path('steady.json'), path('steady-slower.json')], failed: false });
    const p50 = comparison.figures.find((f) => f.figure === 'p50')!;
    expect(p50.test).toBe('difference');
    expect(p50.candidates[0]).toMatchObject({ significant: true, regression: true, relativeChange: expect.closeTo(0.5, 2) });
  });

  it('takes the confidence level as --confidence-level, and as its old spelling --confidence', async () => {
    const levels = [];
    for (const flag of ['--confidence-level', '--confidence']) {
      const run = await runInProcess(['compare', path('first.json'), path('slower.json'), '--json', flag, '95%']);
      expect(run.exitCode, run.stderr).toBe(0);
      levels.push((JSON.parse(run.stdout) as ResultComparison).confidenceLevel);
    }
    expect(levels).toEqual([0.95, 0.95]);
    const bad = await runInProcess(['compare', path('first.json'), path('slower.json'), '--confidence-level', '150%']);
    expect([bad.exitCode, oneLine(bad)]).toEqual([2, expect.stringMatching(/^inferbench: --confidence-level must be .*150%/)]);
  });

  it('warns in one line when the batch sizes differ', async () => {
    const run = await runInProcess(['compare', path('first.json'), path('batch1.json')]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(oneLine(run)).toBe(
      `inferbench: warning: ${path('batch1.json')} and ${path('first.json')} differ: settings.batchSize is 2 in ${path('first.json')} but 1 in ${path('batch1.json')}`,
    );
  });

  it('refuses results of interrupted runs unless asked to accept them', async () => {
    const first = JSON.parse(readFileSync(path('second.json'), 'utf8')) as BenchmarkResult;
    writeFileSync(path('interrupted.json'), JSON.stringify({ ...first, measurement: { ...first.measurement, stopReason: 'interrupted' } }));
    const { completedQueries, elapsedNs } = first.measurement;
    const refusal = (action: string): string =>
      `inferbench: ${path('interrupted.json')} was interrupted after ${completedQueries} queries in ${(elapsedNs / 1e9).toFixed(2)} s; ${action} it anyway with acceptInterrupted (--accept-interrupted)`;
    const compared = await runInProcess(['compare', path('first.json'), path('interrupted.json')]);
    expect([compared.exitCode, oneLine(compared)]).toEqual([2, refusal('compare')]);
    const merged = await runInProcess(['merge', path('interrupted.json'), path('first.json'), '-o', path('merged-interrupted.json')]);
    expect([merged.exitCode, oneLine(merged)]).toEqual([2, refusal('merge')]);
    expect(existsSync(path('merged-interrupted.json'))).toBe(false);
    const accepted = await runInProcess(['compare', path('first.json'), path('interrupted.json'), '--accept-interrupted']);
    expect(accepted.exitCode, accepted.stderr).toBe(0);
  });

  it('merges runs into a result that readResultFile accepts and compare reads', async () => {
    const run = await runInProcess(['merge', path('first.json'), path('second.json'), '-o', path('merged.json')]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(`result   ${path('merged.json')}`);
    const merged = (await readResultFile(path('merged.json'))) as MergedResult;
    const [first, second] = await Promise.all([readResultFile(path('first.json')), readResultFile(path('second.json'))]);
    expect(merged.measurement.completedQueries).toBe(1200);
    expect(merged.measurement.latency.count).toBe(first.measurement.latency.count + second.measurement.latency.count);
    expect(merged.measurement.latency.maxNs).toBe(Math.max(first.measurement.latency.maxNs, second.measurement.latency.maxNs));
    expect(merged.measurement.requestsPerCopy).toEqual([...first.measurement.requestsPerCopy, ...second.measurement.requestsPerCopy]);
    expect(merged.merged.sources.map((s) => s.file)).toEqual([path('first.json'), path('second.json')]);
    const compared = await runInProcess(['compare', path('merged.json'), path('first.json')]);
    expect(compared.exitCode, compared.stderr).toBe(0);
    expect(compared.stdout).toContain(path('merged.json'));
    // -o as in run: a folder that gets a new name.
    const inFolder = await runInProcess(['merge', path('first.json'), path('second.json'), '-o', path('merged-dir')]);
    expect(inFolder.exitCode, inFolder.stderr).toBe(0);
    const [name] = readdirSync(path('merged-dir'));
    expect(inFolder.stdout).toContain(`result   ${join(path('merged-dir'), name!)}`);
  });

  it('refuses to merge a run with itself, or with a merge that holds it, naming the files', async () => {
    const twice = await runInProcess(['merge', path('first.json'), path('first.json'), '-o', path('twice.json')]);
    expect(twice.exitCode).toBe(2);
    const started = (JSON.parse(readFileSync(path('first.json'), 'utf8')) as BenchmarkResult).startedAt;
    expect(oneLine(twice)).toBe(`inferbench: cannot merge a run with itself: the run started at ${started} is in ${path('first.json')} and again in ${path('first.json')}; give each run once`);
    const nested = await runInProcess(['merge', path('first.json'), path('second.json'), '-o', path('pair.json')]);
    expect(nested.exitCode, nested.stderr).toBe(0);
    const again = await runInProcess(['merge', path('pair.json'), path('second.json'), '-o', path('twice.json')]);
    expect(again.exitCode).toBe(2);
    expect(oneLine(again)).toMatch(new RegExp(`^inferbench: cannot merge a run with itself: the run started at .* is in ${path('second.json')} in ${path('pair.json')} and again in ${path('second.json')}; give each run once$`));
    expect(existsSync(path('twice.json'))).toBe(false);
  });

  it('refuses to merge runs of different batch sizes, naming the setting and the files', async () => {
    const run = await runInProcess(['merge', path('first.json'), path('batch1.json'), '-o', path('refused.json')]);
    expect(run.exitCode).toBe(2);
    expect(oneLine(run)).toBe(
      `inferbench: cannot merge results of different configurations: settings.batchSize is 2 in ${path('first.json')} but 1 in ${path('batch1.json')}; merge only runs of one configuration`,
    );
    expect(existsSync(path('refused.json'))).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../src/results/benchmark-result.js';
import { runInProcess } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('inferbench run --scenario', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);
  const common = ['run', '--model', model, '--tokenizer', 'bert-base-uncased', '--cache-dir', join(dir, 'cache'), '--sequence-length', '16', '-b', '2', '--no-progress'];
  let outputs = 0;

  /** Runs the CLI with `args`, writing the result to a file of its own; the result is undefined when none was written. */
  async function run(args: readonly string[]) {
    const output = join(dir, `result-${outputs++}.json`);
    const cli = await runInProcess([...common, ...args, '-o', output]);
    let result: BenchmarkResult | undefined;
    try {
      result = JSON.parse(readFileSync(output, 'utf8')) as BenchmarkResult;
    } catch {
      result = undefined;
    }
    return { ...cli, result };
  }

  /** The run succeeded, printed its table with the verdict the result holds, and wrote the result. */
  function expectReported(cli: Awaited<ReturnType<typeof run>>): BenchmarkResult {
    expect(cli.stderr).toBe('');
    expect(cli.exitCode).toBe(0);
    const result = cli.result!;
    expect(result.schemaVersion).toBe(3);
    expect(cli.stdout).toMatch(result.verdict.valid ? /^verdict {2}VALID$/m : /^verdict {2}INVALID$/m);
    expect(cli.stdout).toContain(`scenario ${result.measurement.scenario} · `);
    expect(cli.stdout).toContain(`stop: ${result.measurement.stopReason}`);
    // A query's latency is in its windows and in the latency histogram, and nowhere twice.
    const m = result.measurement;
    expect(m.latency.count).toBe(m.completedQueries);
    expect(m.windows.reduce((n, w) => n + w.completedQueries, 0)).toBe(m.completedQueries);
    expect(m.errors.total).toBe(0);
    return result;
  }

  it('single-stream runs one query at a time and reports p90', async () => {
    const { settings, measurement: m } = expectReported(await run(['--scenario', 'single-stream', '-n', '30']));
    expect(settings).toMatchObject({ scenario: 'single-stream', clients: 1, requestsPerQuery: 1, scenarioPercentile: 90, minQueryCount: 30, maxQueryCount: 30 });
    expect(m).toMatchObject({ scenario: 'single-stream', stopReason: 'query-count', issuedQueries: 30, completedQueries: 30, completedRequests: 30, offeredLoad: null, latencyTarget: null });
    expect(m.earlyStopping.percentile).toBe(90);
  });

  it('multi-stream sends requests-per-query requests a query', async () => {
    // MLPerf's spelling of the scenario is accepted too.
    const cli = await run(['--scenario', 'MultiStream', '--requests-per-query', '2', '-n', '10']);
    const { settings, measurement: m } = expectReported(cli);
    expect(settings).toMatchObject({ scenario: 'multi-stream', clients: 1, requestsPerQuery: 2, scenarioPercentile: 99 });
    expect(m).toMatchObject({ scenario: 'multi-stream', completedQueries: 10, completedRequests: 20 });
    expect(m.completedRequests).toBe(2 * m.completedQueries);
    expect(m.compute.count).toBe(20);
    expect(m.throughput.requestsPerSecond).toBeCloseTo(2 * m.throughput.queriesPerSecond, 6);
    expect(cli.stdout).toContain('· 2 requests a query ·');
  });

  it('offline issues every query at once', async () => {
    const cli = await run(['--scenario', 'offline', '-n', '20']);
    const { settings, measurement: m } = expectReported(cli);
    expect(settings).toMatchObject({ scenario: 'offline', stabilityJudgesLatency: false });
    expect(settings.clients).toBeUndefined();
    expect(m).toMatchObject({ scenario: 'offline', stopReason: 'query-count', completedQueries: 20, completedRequests: 20, offeredLoad: null });
    expect(m.stability.latencyRatio).toBeNull();
    expect(cli.stdout).toContain('all queries at once');
  });

  it('server sends Poisson arrivals at the rate and judges the latency target', async () => {
    const cli = await run(['--scenario', 'server', '--rate-qps', '20', '--target-latency-ms', '2s', '-d', '2s']);
    const { settings, measurement: m } = expectReported(cli);
    expect(settings).toMatchObject({ scenario: 'server', rateQps: 20, arrival: 'poisson', targetLatencyMs: 2000, minDurationMs: 2000, maxDurationMs: 2000, scenarioPercentile: 99 });
    expect(m.stopReason).toBe('duration');
    expect(m.offeredLoad).toMatchObject({ targetQps: 20, arrival: 'poisson', lateSendThresholdMs: 1 });
    expect(m.offeredLoad!.sendDelay.count).toBe(m.issuedQueries);
    expect(m.latencyTarget).toMatchObject({ percentile: 99, targetNs: 2e9, count: m.completedQueries, overLatencyCount: 0 });
    expect(m.completedQueries).toBe(m.issuedQueries);
    expect(cli.stdout).toContain('offered  target 20.0 q/s');
    expect(cli.stdout).toMatch(/target 2000 ms: (met|missed) \(0 over, \d+ allowed\)/);
  });

  it('open sends arrivals at the rate without a latency target', async () => {
    const cli = await run(['--scenario', 'open', '--rate', '20', '--arrival', 'poisson', '-d', '1s']);
    const { settings, measurement: m, verdict } = expectReported(cli);
    // The last completion comes before the deadline in an open loop; the run still lasted its duration.
    expect(verdict.reasons.map((r) => r.code)).not.toContain('TOO_SHORT');
    // About 20 arrivals in a second (Poisson: 20 ± 4.5 at one standard deviation).
    expect(m.issuedQueries).toBeGreaterThanOrEqual(8);
    expect(m.issuedQueries).toBeLessThanOrEqual(35);
    expect(settings).toMatchObject({ scenario: 'open', rateQps: 20, arrival: 'poisson', minDurationMs: 1000, maxDurationMs: 1000 });
    expect(m).toMatchObject({ scenario: 'open', stopReason: 'duration', latencyTarget: null });
    expect(m.offeredLoad).toMatchObject({ targetQps: 20, arrival: 'poisson' });
    expect(m.offeredLoad!.sendDelay.count).toBe(m.issuedQueries);
    expect(m.issuedQueries).toBeGreaterThan(0);
    expect(cli.stdout).toContain('scenario open · 20.0 q/s poisson');
  });
});

describe('inferbench run exit status', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);
  const common = ['run', '--model', model, '--tokenizer', 'bert-base-uncased', '--cache-dir', join(dir, 'cache'), '--sequence-length', '16', '--no-progress', '-o', join(dir, 'result.json')];

  it('is 99 with one line naming the failed threshold', async () => {
    const cli = await runInProcess([...common, '-n', '20', '-t', 'p95<1ns']);
    expect(cli.exitCode).toBe(99);
    expect(cli.stderr).toBe('inferbench: threshold failed: p95<1ns');
    expect(cli.stdout).toMatch(/^threshold FAIL p95<1ns \(actual .+\)$/m);
  });

  it('is 0 when every threshold holds', async () => {
    const cli = await runInProcess([...common, '-n', '20', '-t', 'p95<60s']);
    expect(cli.exitCode).toBe(0);
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toMatch(/^threshold pass p95<60s \(actual .+\)$/m);
  });

  it('is 99 with --require-valid on an INVALID run', async () => {
    const cli = await runInProcess([...common, '-n', '5', '--require-valid']);
    expect(cli.exitCode).toBe(99);
    const lines = cli.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^inferbench: the run is INVALID: .*5 queries cannot bound p95/);
    expect(cli.stdout).toMatch(/^verdict {2}INVALID$/m);
  });
});

describe('inferbench run with bad load settings', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);

  const cases: [string, string[], RegExp][] = [
    ['an unknown scenario', ['--scenario', 'fast'], /^--scenario must be closed, open, single-stream, multi-stream, server or offline, got 'fast'$/],
    ['server without a rate', ['--scenario', 'server'], /^the server scenario needs a rate: give --rate-qps, queries per second$/],
    ['server without a latency target', ['--scenario', 'server', '--rate', '10'], /^the server scenario passes or fails on a latency target: give --target-latency-ms, e\.g\. 50ms$/],
    ['a latency target without a unit, in the old spelling', ['--scenario', 'server', '--rate', '10', '--target-latency', '50'], /^--target-latency must be a positive duration with a unit, .* got '50'$/],
    ['a latency target that is no duration', ['--scenario', 'server', '--rate-qps', '10', '--target-latency-ms', 'soon'], /^--target-latency-ms must be a positive duration up to about 24 days, such as 30s, 1500ms or 2m \(a bare number is milliseconds\), got 'soon'$/],
    ['a precision over 100%', ['--precision', '150%'], /^--precision must be a percentage between 0 and 100 .* got '150%'$/],
    ['a confidence of 0', ['--confidence', '0'], /^--confidence must be a percentage between 0 and 100 .* got '0'$/],
    ['clients for single-stream', ['--clients', '4', '--scenario', 'single-stream'], /^single-stream issues one query at a time, so --clients cannot be 4; use --scenario closed for concurrent clients$/],
    ['a latency threshold without a unit', ['-t', 'p95<20'], /^threshold 'p95<20' needs a unit: write p95<20ms/],
    ['a maximum below the minimum', ['--min-queries', '10', '--max-queries', '5'], /^--max-queries \(5\) is below --min-queries \(10\); raise the maximum or lower the minimum$/],
    ['a negative rate', ['--rate', '-3', '--scenario', 'open'], /^--rate must be a positive number, got '-3'$/],
    ['windows of 0 queries', ['--window-queries', '0'], /^--window-queries must be an integer ≥ 1, got '0'$/],
  ];

  it.each(cases)('rejects %s with one line and exit code 2', async (_, args, message) => {
    const output = join(dir, 'never.json');
    const cli = await runInProcess(['run', '--model', model, '--tokenizer', 'bert-base-uncased', '--cache-dir', join(dir, 'cache'), '-o', output, ...args]);
    expect(cli.exitCode).toBe(2);
    const lines = cli.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith('inferbench: ')).toBe(true);
    expect(lines[0]!.slice('inferbench: '.length)).toMatch(message);
    expect(cli.stderr).not.toMatch(/^\s+at /m);
    expect(cli.stdout).toBe('');
  });
});

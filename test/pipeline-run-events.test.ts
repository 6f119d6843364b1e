import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESULT_SCHEMA_VERSION, type BenchmarkResult } from '../src/results/benchmark-result.js';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import type { BenchmarkOptions } from '../src/pipeline/run-benchmark-options.js';
import { type MeasurementWindow, type RunningFigures } from '../src/load/load-generator.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('runBenchmark on a small ONNX model', () => {
  const dir = tempDir();
  const base: BenchmarkOptions = { model: writeSmallBert(dir), tokenizer: 'bert-base-uncased', sequenceLength: 16, cacheDir: join(dir, 'cache'), batchSize: 2 };

  it('is awaitable and emits phase, start, one tick per window and done, in order', async () => {
    const run = runBenchmark({ ...base, copies: 2, durationMs: 500, windowMs: 100 });
    const events: string[] = [];
    const ticks: { window: MeasurementWindow; running: RunningFigures }[] = [];
    let done: BenchmarkResult | undefined;
    let started: unknown;
    run.on('phase', (phase) => events.push(`phase:${phase}`));
    run.on('start', (settings) => {
      events.push('start');
      started = settings;
    });
    run.on('tick', (window, running) => {
      events.push('tick');
      ticks.push({ window, running });
    });
    run.on('done', (result) => {
      events.push('done');
      done = result;
    });
    run.on('error', () => events.push('error'));

    const result = await run;
    const { measurement } = result;
    // Every window closes with a tick, the final partial one included.
    expect(measurement.windows.at(-1)!.partial).toBe(true);
    expect(ticks).toHaveLength(measurement.windows.length);
    expect(measurement.windows.length).toBeGreaterThanOrEqual(5);
    expect(events).toEqual([
      'phase:model',
      'phase:inputs',
      'phase:compile',
      'phase:load',
      'phase:warmup',
      'phase:measure',
      'start',
      ...Array<string>(measurement.windows.length).fill('tick'),
      'done',
    ]);
    expect(done).toBe(result);
    expect(started).toBe(result.settings);

    for (const [i, { window, running }] of ticks.entries()) {
      expect({ ...window, samplesPerSecond: window.requestsPerSecond * 2 }).toEqual(measurement.windows[i]);
      expect(running.elapsedNs).toBe(window.endNs);
      if (i > 0) expect(running.completedQueries).toBeGreaterThanOrEqual(ticks[i - 1]!.running.completedQueries);
    }
    expect(ticks.at(-1)!.running.completedQueries).toBe(measurement.completedQueries);
    expect(measurement.windows.reduce((n, w) => n + w.completedQueries, 0)).toBe(measurement.completedQueries);
  });

  it("emits 'error' with the error the promise rejects with", async () => {
    const run = runBenchmark({ ...base, model: join(dir, 'missing.onnx') });
    const errors: unknown[] = [];
    const events: string[] = [];
    run.on('error', (error) => errors.push(error));
    run.on('phase', (phase) => events.push(phase));
    run.on('done', () => events.push('done'));

    const rejection = await run.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(rejection).toMatchObject({ name: 'InferbenchError', code: 'MODEL_NOT_FOUND' });
    expect((rejection as Error).message).toMatch(/missing\.onnx cannot be read/);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe(rejection);
    expect(events).toEqual(['model']);
  });

  it('does not leave an unhandled rejection when a failed run is only listened to, or not at all', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const listened = runBenchmark({ ...base, model: join(dir, 'missing.onnx') });
      const failed = new Promise<unknown>((resolve) => listened.on('error', resolve));
      // No 'error' listener here: an EventEmitter would throw on the event; the run must not.
      const ignored = runBenchmark({ ...base, model: join(dir, 'also-missing.onnx') });
      const phases: string[] = [];
      ignored.on('phase', (phase) => phases.push(phase));

      expect(await failed).toMatchObject({ code: 'MODEL_NOT_FOUND' });
      await settle();
      await settle();
      expect(phases).toEqual(['model']);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('judges a short run INVALID, evaluates thresholds and reports queue, compute, intervals and windows', async () => {
    const result = await runBenchmark({ ...base, copies: 2, queryCount: 20, thresholds: ['p95<10s', 'throughput>1000000/s'] });
    const { measurement: m, verdict } = result;

    expect(result.schemaVersion).toBe(3);
    expect(RESULT_SCHEMA_VERSION).toBe(3);
    expect(m.completedQueries).toBe(20);
    expect(m.stopReason).toBe('query-count');

    expect(verdict.valid).toBe(false);
    expect(verdict.reasons.map((r) => r.code)).toEqual(['UNSTABLE', 'TOO_FEW_FOR_PERCENTILE']);
    const tooFew = verdict.reasons[1]!;
    expect(m.earlyStopping).toMatchObject({ percentile: 95, count: 20, estimateNs: null });
    expect(tooFew.message).toBe(`20 queries cannot bound p95 at 99% confidence; at least ${m.earlyStopping.minimumCount} are needed`);
    expect(tooFew.advice).toBe(`raise minQueryCount (--min-query-count) to ${m.earlyStopping.minimumCount} or more`);
    expect(verdict.reasons[0]!.message).toMatch(/^only [0-2] of the 3 windows needed to judge stability have completed$/);

    expect(result.thresholds).toEqual([
      { expression: 'p95<10s', metric: 'p95', actual: m.latency.percentilesNs['95'], limit: 10e9, unit: 'ns', passed: true },
      { expression: 'throughput>1000000/s', metric: 'throughput', actual: m.throughput.samplesPerSecond, limit: 1e6, unit: 'per_second', passed: false },
    ]);

    // Two copies share the requests round-robin; every completed request is in queue and compute.
    expect(m.requestsPerCopy).toEqual([10, 10]);
    expect(m.queue.count).toBe(20);
    expect(m.compute.count).toBe(20);
    expect(m.compute.percentilesNs['50']).toBeLessThanOrEqual(m.latency.percentilesNs['50']!);

    expect(m.latencyIntervals.map((i) => i.percentile)).toEqual([50, 90, 95, 99, 99.9]);
    for (const interval of m.latencyIntervals) {
      expect(interval.confidenceLevel).toBe(0.99);
      expect(interval.valueNs).toBe(m.latency.percentilesNs[String(interval.percentile)]);
      expect(interval.lowerNs).toBeLessThanOrEqual(interval.valueNs);
      if (interval.upperNs !== null) expect(interval.upperNs).toBeGreaterThanOrEqual(interval.valueNs);
    }
    // Twenty values bound the median but not p99 at 99% confidence.
    expect(m.latencyIntervals[0]!.upperNs).not.toBeNull();
    expect(m.latencyIntervals[3]!.upperNs).toBeNull();

    expect(m.firstInference.latencyNs).toHaveLength(2);
    expect(m.firstInference.computeNs).toHaveLength(2);
    for (const [copy, latencyNs] of m.firstInference.latencyNs.entries()) {
      expect(m.firstInference.computeNs[copy]).toBeGreaterThan(0);
      expect(latencyNs).toBeGreaterThanOrEqual(m.firstInference.computeNs[copy]!);
    }

    expect(m.windows.length).toBeGreaterThanOrEqual(1);
    for (const w of m.windows) expect(w.samplesPerSecond).toBe(w.requestsPerSecond * 2);
    expect(m.throughput.samplesPerSecond).toBeCloseTo(2 * m.throughput.requestsPerSecond, 6);
  });
});

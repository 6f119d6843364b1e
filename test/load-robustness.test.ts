import { describe, expect, it } from 'vitest';
import { NullBackend } from '../src/runtimes/null/null-backend.js';
import { createLoadGenerator } from '../src/load/create-load-generator.js';
import { resolveLoadSettings, type LoadOptions } from '../src/options/load-settings.js';
import { searchServerQps } from '../src/load/server-qps-search.js';
import { type ModelCopy } from '../src/backends/backend.js';
import { FifoServerCopy, FlakyCopy } from './helpers/simulated-copies.js';

const target = (copies: readonly ModelCopy[]) => ({ copies, inputCount: 4 });

async function instantCopy(): Promise<ModelCopy> {
  const loaded = await new NullBackend().load({ artifact: {} as never, inputs: { feeds: [], batchSize: 1, description: '' }, copies: 1 });
  return loaded.copies[0]!;
}

describe('cancellation and listeners', () => {
  it('rejects with ABORTED a while after cancellation even when a copy never answers', async () => {
    // Call 0 is the first inference; call 3 hangs for ever.
    const copy = new FlakyCopy({ hangCalls: [3] });
    const controller = new AbortController();
    const startMs = Date.now();
    const run = createLoadGenerator({ clients: 1, durationMs: 60_000, warmupQueries: 0 }).run(target([copy]), { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    // The grace for requests in flight is 2 s; the run must not wait for the hung one beyond it.
    expect(Date.now() - startMs).toBeGreaterThanOrEqual(2000);
    expect(Date.now() - startMs).toBeLessThan(4000);
  });

  it('notices cancellation in an open loop that is far behind its schedule', async () => {
    const controller = new AbortController();
    const startMs = Date.now();
    const run = createLoadGenerator({ scenario: 'open', rateQps: 5_000_000, durationMs: 30_000, warmupQueries: 0 }).run(target([await instantCopy()]), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - startMs).toBeLessThan(1500);
  });

  it('ends the run with the error of a throwing listener, without counting a failed request', async () => {
    let seen = 0;
    const run = createLoadGenerator({ clients: 2, queryCount: 50, warmupQueries: 0 }).run(target([new FifoServerCopy({ serviceMs: 1 })]), {
      onRequestComplete: () => {
        if (++seen === 5) throw new Error('listener broke');
      },
    });
    await expect(run).rejects.toThrow('listener broke');
    // Issuing stopped soon after: at most the two clients' queries in flight completed after it.
    expect(seen).toBeLessThanOrEqual(7);
  });
});

describe('bounds', () => {
  it('lasts long enough by default for the stability rule to judge whole windows', () => {
    expect(resolveLoadSettings({})).toMatchObject({ minDurationMs: 4000, minQueryCount: 500, maxDurationMs: undefined });
    expect(resolveLoadSettings({ windowMs: 2000 })).toMatchObject({ minDurationMs: 8000 });
    // Never below 1 s, and count windows need enough queries instead.
    expect(resolveLoadSettings({ windowMs: 100 })).toMatchObject({ minDurationMs: 1000 });
    expect(resolveLoadSettings({ windowQueries: 200 })).toMatchObject({ minDurationMs: 1000, minQueryCount: 800 });
  });

  it('lowers the default minimums to a maximum given alone', () => {
    expect(resolveLoadSettings({ maxQueryCount: 100 })).toMatchObject({ minQueryCount: 100, maxQueryCount: 100 });
    expect(resolveLoadSettings({ maxDurationMs: 500 })).toMatchObject({ minDurationMs: 500, maxDurationMs: 500 });
  });

  it.each<[string, LoadOptions, RegExp]>([
    ['untilStable with queryCount', { queryCount: 100, untilStable: true }, /^untilStable extends a run past its minimums, which queryCount fixes; give minQueryCount or minDurationMs instead$/],
    ['precision with durationMs', { durationMs: 1000, precision: 0.01 }, /^precision extends a run past its minimums, which durationMs fixes/],
  ])('refuses %s', (_, options, message) => {
    expect(() => resolveLoadSettings(options)).toThrow(message);
  });

  it('gives every Server search trial time to reach the queries early stopping needs, whatever the maximum duration', async () => {
    // A target far above the 2 ms service time, so that only the query count decides whether a trial can pass.
    const settings = resolveLoadSettings({ scenario: 'Server', rateQps: 1, targetLatencyMs: 250, minDurationMs: 100, maxDurationMs: 300, warmupQueries: 0 });
    const { search } = await searchServerQps(target([new FifoServerCopy({ serviceMs: 2 })]), settings, { trials: 3 });
    // 459 queries bound p99 at 99% with none over the target; a 300 ms cap alone would have cut every trial short.
    for (const trial of search.trials) expect(trial.completedQueries).toBeGreaterThanOrEqual(459);
    expect(search.trials.some((t) => t.passed)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { NullBackend } from '../src/runtimes/null/null-backend.js';
import { createLoadGenerator } from '../src/load/create-load-generator.js';
import { resolveLoadSettings, type LoadOptions } from '../src/options/load-settings.js';
import { searchServerQps } from '../src/load/server-qps-search.js';
import { type ModelCopy } from '../src/backends/backend.js';
import { type RequestRecord } from '../src/load/load-generator.js';
import { monotonicNowNs } from '../src/core/clock.js';
import { FifoServerCopy, FlakyCopy } from './helpers/simulated-copies.js';
import { settlesBeforeTimer } from './helpers/timer-order.js';

const target = (copies: readonly ModelCopy[]) => ({ copies, inputCount: 4 });

async function instantCopy(): Promise<ModelCopy> {
  const loaded = await new NullBackend().load({ artifact: {} as never, inputs: { feeds: [], batchSize: 1, description: '' }, copies: 1 });
  return loaded.copies[0]!;
}

describe('cancellation and listeners', () => {
  it('ends when the grace after cancellation ends, even when a copy never answers, keeping what completed', async () => {
    // Call 0 is the first inference; call 3 hangs for ever.
    const copy = new FlakyCopy({ hangCalls: [3] });
    const controller = new AbortController();
    const run = createLoadGenerator({ clients: 1, durationMs: 60_000, warmupQueries: 0 }).run(target([copy]), { signal: controller.signal });
    let settledNs = 0;
    void run.then(() => (settledNs = monotonicNowNs()));
    const abortedNs = await new Promise<number>((resolve) => setTimeout(() => resolve(monotonicNowNs()), 100));
    controller.abort();
    // Armed just after the run's 2 s grace for requests in flight, so it fires just after it, however late.
    const settledByGraceEnd = settlesBeforeTimer(run, 2000);
    const result = await run;
    // Calls 1 and 2 completed; the hung one was cut short by the cancellation, which is no failure of the copy's.
    expect(result).toMatchObject({ stopReason: 'interrupted', completedQueries: 2, issuedQueries: 3, errors: { total: 0 } });
    expect(result.latency.count).toBe(2);
    // The run waits out the grace (timers fire up to a millisecond early by the monotonic clock) and not a moment longer.
    expect(settledNs - abortedNs).toBeGreaterThanOrEqual(1999e6);
    expect(await settledByGraceEnd).toBe(true);
  });

  it('notices cancellation in an open loop that is far behind its schedule', async () => {
    const controller = new AbortController();
    const records: RequestRecord[] = [];
    const run = createLoadGenerator({ scenario: 'open', rateQps: 5_000_000, durationMs: 30_000, warmupQueries: 0 }).run(target([await instantCopy()]), {
      signal: controller.signal,
      onRequestComplete: (r) => records.push(r),
    });
    const aborted = new Promise<{ abortedNs: number; settledOnNextTurn: Promise<boolean> }>((resolve) =>
      setTimeout(() => {
        const abortedNs = monotonicNowNs();
        controller.abort();
        // Behind schedule the loop never waits, but yields a turn every few milliseconds: the abort is seen at the next
        // yield, in this turn of the event loop, before any timer armed now can fire. Requests to an instant copy settle at once.
        resolve({ abortedNs, settledOnNextTurn: settlesBeforeTimer(run, 0) });
      }, 200),
    );
    const result = await run;
    const { abortedNs, settledOnNextTurn } = await aborted;
    expect(await settledOnNextTurn).toBe(true);
    expect(result.stopReason).toBe('interrupted');
    expect(records.length).toBeGreaterThan(0);
    expect(result.completedQueries).toBe(records.length);
    expect(records.filter((r) => r.sentNs > abortedNs)).toEqual([]);
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

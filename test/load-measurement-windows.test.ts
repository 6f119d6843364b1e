import { describe, expect, it } from 'vitest';
import { monotonicNowNs } from '../src/core/clock.js';
import { createLoadGenerator } from '../src/load/create-load-generator.js';
import { type LoadOptions } from '../src/options/load-settings.js';
import { type LoadResult, type LoadRunHooks, type RequestRecord } from '../src/load/load-generator.js';
import { type ModelCopy } from '../src/backends/backend.js';
import { sleepingCopy, spinningCopy } from './helpers/simulated-copies.js';

const run = (options: LoadOptions, copies: readonly ModelCopy[], hooks: LoadRunHooks = {}): Promise<LoadResult> =>
  createLoadGenerator(options).run({ copies, inputCount: 10 }, hooks);

/** Queries completed in each time window of `windowMs`, counted from a run's records by when each was seen. */
function completionsPerWindow(records: readonly RequestRecord[], startNs: number, elapsedNs: number, windowMs: number): number[] {
  const counts: number[] = Array(Math.floor(elapsedNs / (windowMs * 1e6)) + 1).fill(0);
  for (const r of records) counts[Math.floor((r.endNs - startNs) / (windowMs * 1e6))]!++;
  return counts;
}

describe('measurement windows', () => {
  it('count windows each hold exactly windowQueries completed queries', async () => {
    const result = await run({ clients: 2, queryCount: 520, windowQueries: 50, warmupQueries: 0 }, [spinningCopy(() => 20)]);

    const whole = result.windows.filter((w) => !w.partial);
    expect(whole.map((w) => w.completedQueries)).toEqual(Array(10).fill(50));
    expect(result.windows).toHaveLength(11);
    expect(result.windows.at(-1)).toMatchObject({ partial: true, completedQueries: 20 });
    for (let i = 1; i < result.windows.length; i++) expect(result.windows[i]!.startNs).toBe(result.windows[i - 1]!.endNs);
  });

  it('time windows are contiguous, whole but the last, and add up to the run', async () => {
    const copy = sleepingCopy(0, () => 2);
    const records: RequestRecord[] = [];
    const result = await run({ clients: 2, durationMs: 550, windowMs: 100, warmupQueries: 0 }, [copy], { onRequestComplete: (r) => records.push(r) });

    const { windows } = result;
    // One window per 100 ms of the run, each holding the queries seen in it, however late the host let the run see them.
    expect(windows.map((w) => w.completedQueries)).toEqual(completionsPerWindow(records, result.startNs, result.elapsedNs, 100));
    expect(windows.map((w) => w.index)).toEqual(windows.map((_, i) => i));
    expect(windows[0]!.startNs).toBe(0);
    for (const [i, w] of windows.entries()) {
      if (i > 0) expect(w.startNs).toBe(windows[i - 1]!.endNs);
      expect(w.partial).toBe(i === windows.length - 1);
      if (!w.partial) expect(w.endNs - w.startNs).toBeCloseTo(100e6, 0);
    }
    expect(windows.at(-1)!.endNs).toBe(result.elapsedNs);
    expect(windows.reduce((n, w) => n + w.completedQueries, 0)).toBe(result.completedQueries);
    expect(windows.reduce((n, w) => n + w.completedRequests, 0)).toBe(result.completedRequests);
    // Every call but the cold first inference was a measured query, and each completed.
    expect(result.completedQueries).toBe(copy.callsNs.length - 1);
  });

  it('a stalled copy shows as empty windows', async () => {
    let stallFromNs = Number.POSITIVE_INFINITY;
    let stalled = false;
    const stalling = sleepingCopy(0, () => {
      if (stalled || monotonicNowNs() < stallFromNs) return 2;
      stalled = true;
      return 350;
    });
    // The first request from 160 ms into the measurement stalls for 350 ms: on a quiet host, windows 2, 3 and 4 see no
    // completion; on a busy one the stall may start later, but it still spans at least two whole windows.
    const records: RequestRecord[] = [];
    const result = await run({ clients: 1, durationMs: 800, windowMs: 100, warmupQueries: 0 }, [stalling], {
      onMeasurementStart: () => void (stallFromNs = monotonicNowNs() + 160e6),
      onRequestComplete: (r) => records.push(r),
    });

    expect(result.windows.map((w) => w.completedQueries)).toEqual(completionsPerWindow(records, result.startNs, result.elapsedNs, 100));
    // The windows wholly between the last completion before the stall and the stalled one are empty, and shown.
    const startNs = result.startNs;
    const windowOf = (ns: number): number => Math.floor((ns - startNs) / 100e6);
    const stalledEndNs = records.find((r) => r.computeNs > 300e6)!.endNs;
    const beforeStallNs = Math.max(...records.filter((r) => r.endNs < stalledEndNs).map((r) => r.endNs));
    const stallWindows = Array.from({ length: windowOf(stalledEndNs) - windowOf(beforeStallNs) - 1 }, (_, i) => windowOf(beforeStallNs) + 1 + i);
    expect(stallWindows.length).toBeGreaterThanOrEqual(2);
    const empty = result.windows.filter((w) => w.completedQueries === 0);
    expect(empty.map((w) => w.index)).toEqual(expect.arrayContaining(stallWindows));
    for (const w of empty) {
      expect(w).toMatchObject({ partial: false, queriesPerSecond: 0, requestsPerSecond: 0, latencyPercentilesNs: {}, stabilityLatencyNs: undefined });
    }
    // Timers may fire up to a millisecond early by the monotonic clock, as libuv reads its own clock once a loop turn.
    expect(result.latency.summarize().maxNs).toBeGreaterThan(348e6);
  });
});

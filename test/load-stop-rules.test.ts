import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { monotonicNowNs } from '../src/core/clock.js';
import { seededRandom } from '../src/core/random.js';
import { InferbenchError } from '../src/core/errors.js';
import { createLoadGenerator } from '../src/load/create-load-generator.js';
import { type LoadOptions } from '../src/options/load-settings.js';
import { type LoadResult, type LoadRunHooks, type MeasurementWindow, type RequestRecord } from '../src/load/load-generator.js';
import { type ModelCopy } from '../src/backends/backend.js';
import { FifoServerCopy, expectPercentilesMatch, sleepingCopy, spinningCopy, type Answer } from './helpers/simulated-copies.js';
import { settlesBeforeTimer } from './helpers/timer-order.js';

const run = (options: LoadOptions, copies: readonly ModelCopy[], hooks: LoadRunHooks = {}): Promise<LoadResult> =>
  createLoadGenerator(options).run({ copies, inputCount: 10 }, hooks);

const throughputRatio = (windows: readonly MeasurementWindow[]): number =>
  Math.max(...windows.map((w) => w.queriesPerSecond)) / Math.min(...windows.map((w) => w.queriesPerSecond));

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

describe('the untilStable stop rule', () => {
  // Eight clients keep a FIFO copy busy however late the host runs the event loop, so its throughput follows its own
  // service times; and these change with the copy's simulated clock, not the host's, which fixes them call by call.
  const stableOptions: LoadOptions = { clients: 8, windowMs: 200, minDurationMs: 200, minQueryCount: 50, untilStable: true, maxDurationMs: 10_000 };

  it('measures past the minimum until the last three windows agree, then stops as stable', async () => {
    const random = seededRandom(7);
    const originNs = monotonicNowNs();
    // Service times of 2–4 ms, five times slower at first and recovering over 1.5 s, as a cold cache or a JIT would.
    const settling = new FifoServerCopy({
      serviceMs: (_, computeStartNs) => {
        const t = (computeStartNs - originNs) / 1.5e9;
        return (t < 1 ? 5 - 4 * t : 1) * (2 + 2 * random.float());
      },
    });
    const result = await run(stableOptions, [settling]);

    expect(result.stopReason).toBe('stable');
    expect(result.stability.stable).toBe(true);
    expect(result.stability.windowsJudged).toBe(3);
    // Not before the slowdown had passed: no three windows during it are within 10%. Completions are seen no earlier
    // than the copy's simulated finish, so the run's clock cannot be behind the copy's.
    expect(result.elapsedNs).toBeGreaterThan(1.4e9);
    const whole = result.windows.filter((w) => !w.partial);
    expect(throughputRatio(whole.slice(0, 3))).toBeGreaterThan(1.1);
    expect(throughputRatio(whole.slice(-3))).toBeLessThanOrEqual(1.1);
    expect(result.stability.throughputRatio).toBeCloseTo(throughputRatio(whole.slice(-3)), 9);
  });

  it('stops at the maximum duration, not stable, when the copy never settles', async () => {
    const random = seededRandom(7);
    const originNs = monotonicNowNs();
    // Alternates every 300 ms between fast and three times slower: any three 200 ms windows span one whole cycle.
    const erratic = new FifoServerCopy({
      serviceMs: (_, computeStartNs) => (Math.floor((computeStartNs - originNs) / 300e6) % 2 === 0 ? 1 : 3) * (2 + 2 * random.float()),
    });
    const result = await run({ ...stableOptions, maxDurationMs: 1500 }, [erratic]);

    expect(result.stopReason).toBe('max-duration');
    expect(result.stability.stable).toBe(false);
    expect(result.stability.reason).toMatch(/^(throughput|latency) varied \d+(\.\d)?% over the last 3 windows \(limit 10%\)$/);
    // Issuing stopped at 1.5 s; the run ends when the queries then in flight are seen, and every 200 ms before is a whole window.
    expect(result.elapsedNs).toBeGreaterThanOrEqual(1.5e9);
    expect(result.windows.filter((w) => !w.partial)).toHaveLength(Math.floor(result.elapsedNs / 200e6));
  });
});

describe('failed and timed-out requests', () => {
  it('are counted by kind and left out of every latency figure', async () => {
    // Call 0 is the cold first inference; measured requests are calls 1 to 100.
    const failing = sleepingCopy(0, (call) =>
      call > 0 && call % 10 === 0 ? new InferbenchError('WORKER_FAILED', `copy 0 failed on call ${call}`) : call % 10 === 5 ? new TypeError(`bad tensor on call ${call}`) : 1,
    );
    const result = await run({ clients: 2, queryCount: 100, warmupQueries: 0 }, [failing]);

    expect(result.errors).toEqual({
      total: 20,
      timeouts: 0,
      byKind: {
        WORKER_FAILED: { count: 10, example: 'copy 0 failed on call 10' },
        TypeError: { count: 10, example: 'bad tensor on call 5' },
      },
    });
    expect(result.issuedQueries).toBe(100);
    expect(result.completedQueries).toBe(80);
    expect(result.completedRequests).toBe(80);
    expect([result.latency.count, result.queue.count, result.compute.count]).toEqual([80, 80, 80]);
    expect(sum(result.windows.map((w) => w.failedRequests))).toBe(20);
  });

  it('count a request past requestTimeoutMs as a TIMEOUT', async () => {
    const hanging = sleepingCopy(0, (call) => (call > 0 && call % 7 === 0 ? 'never' : 1));
    const records: RequestRecord[] = [];
    const result = await run({ clients: 2, queryCount: 30, warmupQueries: 0, requestTimeoutMs: 50 }, [hanging], { onRequestComplete: (r) => records.push(r) });

    expect(result.errors).toEqual({ total: 4, timeouts: 4, byKind: { TIMEOUT: { count: 4, example: 'a request ran past the 50 ms timeout' } } });
    expect(result.completedQueries).toBe(26);
    expect([result.latency.count, result.queue.count, result.compute.count]).toEqual([26, 26, 26]);
    // The latency histogram holds exactly the completed requests' latencies, none of the timed-out ones'.
    expectPercentilesMatch(result.latency, records.map((r) => r.endNs - r.scheduledNs), [50, 90, 100]);
    // The run lasts until its last request settles, timeouts included, and its windows end there too.
    expect(result.windows.at(-1)!.endNs).toBe(result.elapsedNs);
    expect(result.elapsedNs).toBeGreaterThanOrEqual(50e6);
  });

  it('drop a whole MultiStream query when one of its requests fails', async () => {
    // Two copies share one count of calls; calls 0 and 1 are their first inferences, so measured request r is call r + 2.
    let calls = 0;
    const answer = (): Answer => {
      const call = calls++;
      return call >= 2 && (call - 2) % 10 === 9 ? new InferbenchError('WORKER_FAILED', `request ${call - 2} failed`) : 1;
    };
    const records: number[] = [];
    const result = await run({ scenario: 'MultiStream', requestsPerQuery: 4, queryCount: 10, warmupQueries: 0 }, [sleepingCopy(0, answer), sleepingCopy(1, answer)], {
      onRequestComplete: (r) => records.push(r.queryIndex),
    });

    // Requests 9, 19, 29 and 39 fail: queries 2, 4, 7 and 9 are dropped, and their other 12 requests still ran.
    expect(result.errors).toMatchObject({ total: 4, timeouts: 0, byKind: { WORKER_FAILED: { count: 4, example: 'request 9 failed' } } });
    expect(result.completedQueries).toBe(6);
    expect(result.latency.count).toBe(6);
    expect(result.completedRequests).toBe(36);
    expect(result.compute.count).toBe(36);
    expect(new Set(records).size).toBe(10);
    expect(sum(result.windows.map((w) => w.completedQueries))).toBe(6);
    // The windows count every completed request, so their samples per second agree with the run's.
    expect(sum(result.windows.map((w) => w.completedRequests))).toBe(36);
  });
});

describe('cancellation', () => {
  const cases: [string, LoadOptions][] = [
    ['a closed loop', { clients: 2 }],
    ['an open loop', { scenario: 'open', rateQps: 200 }],
  ];

  it.each(cases)('%s ends with what it measured, marked interrupted, and issues nothing after the abort', async (_, options) => {
    const copy = sleepingCopy(0, () => 2);
    const controller = new AbortController();
    let abortedNs = Number.POSITIVE_INFINITY;
    let settledPromptly: Promise<boolean> | undefined;
    let measured = 0;
    const pending: Promise<LoadResult> = run({ ...options, durationMs: 10_000 }, [copy], {
      signal: controller.signal,
      // Abort on a timer once 20 queries were measured, however slowly a busy host let them come.
      onRequestComplete: () => {
        if (++measured !== 20) return;
        setTimeout(() => {
          abortedNs = monotonicNowNs();
          controller.abort();
          // Only the copy's 2 ms sleeps then in flight, and the loop's wait for its next query, are left to run: armed
          // before this 100 ms timer with shorter delays, so due before it, which the 2 s grace for a hung copy is not.
          settledPromptly = settlesBeforeTimer(pending, 100);
        }, 0);
      },
    });

    const result = await pending;
    expect(result.stopReason).toBe('interrupted');
    expect(result.completedQueries).toBeGreaterThanOrEqual(20);
    expect(result.errors.total).toBe(0);
    expect(await settledPromptly).toBe(true);
    const callsAfterSettling = copy.callsNs.length;
    await sleep(50);
    expect(measured).toBeGreaterThanOrEqual(20);
    expect(copy.callsNs.length).toBe(callsAfterSettling);
    expect(copy.callsNs.filter((ns) => ns > abortedNs)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { ClosedLoopLoadGenerator } from '../src/load/closed-loop.js';
import { NullBackend } from '../src/runtimes/null/null-backend.js';
import { monotonicNowNs } from '../src/core/clock.js';
import { OpenLoopLoadGenerator } from '../src/load/open-loop.js';
import { type LoadOptions } from '../src/options/load-settings.js';
import { type ModelCopy } from '../src/backends/backend.js';
import { type RequestRecord } from '../src/load/load-generator.js';
import { FifoServerCopy, KnownComputeCopy, expectPercentilesMatch, finishNs, nearestRank } from './helpers/simulated-copies.js';
import { ksCritical, ksStatisticExponential } from './helpers/kolmogorov-smirnov.js';
import { latencyNs } from './helpers/request-records.js';

const PERCENTILES = [50, 90, 99, 99.9];

async function nullCopy(): Promise<ModelCopy> {
  // The in-process null backend ignores the artifact and inputs, and answers at once.
  const loaded = await new NullBackend().load({ artifact: {} as never, inputs: { feeds: [], batchSize: 1, description: '' }, copies: 1 });
  return loaded.copies[0]!;
}

/** Latency of a request by its copy's own finish time: what would be measured were every completion seen at once. */
const dueToFinishNs = (r: RequestRecord): number => finishNs(r) - r.scheduledNs;

/** Least-squares slope of `timesNs` against their position: the time per step, in nanoseconds. */
function slopeNs(timesNs: readonly number[]): number {
  const n = timesNs.length;
  const meanX = (n - 1) / 2;
  // Relative to the first, as monotonic readings are too large to square in a double exactly.
  const ys = timesNs.map((t) => t - timesNs[0]!);
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of ys.entries()) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return covariance / variance;
}

/** Runs an open loop and returns its result with every measured request, in query order. */
async function runOpen(options: LoadOptions, copies: readonly ModelCopy[], onMeasurementStart?: () => void) {
  const records: RequestRecord[] = [];
  const result = await new OpenLoopLoadGenerator(options).run({ copies, inputCount: 4 }, { onMeasurementStart, onRequestComplete: (r) => records.push(r) });
  return { result, records: records.sort((a, b) => a.queryIndex - b.queryIndex) };
}

describe('the load generator measures the truth', () => {
  it('reports compute and latency percentiles within the histogram precision of the exact ones', async () => {
    // Log-normal compute times from 0.3 to 15 ms or so: wide enough to span many histogram buckets.
    const copy = new KnownComputeCopy({ seed: 11, medianNs: 2e6, logSigma: 0.6 });
    let measuredFrom = 0;
    const latenciesNs: number[] = [];
    const result = await new ClosedLoopLoadGenerator({ clients: 2, queryCount: 5000, warmupQueries: 20 }).run(
      { copies: [copy], inputCount: 4 },
      {
        onMeasurementStart: () => (measuredFrom = copy.computeNsHandedOut.length),
        onRequestComplete: (r) => latenciesNs.push(r.endNs - r.scheduledNs),
      },
    );
    // The first inference and the warm-up drew 21 values before measuring; none of them may be recorded.
    expect(measuredFrom).toBe(21);
    const truth = copy.computeNsHandedOut.slice(measuredFrom);
    expect(truth).toHaveLength(5000);
    expectPercentilesMatch(result.compute, truth, [...PERCENTILES, 100]);
    expect(result.compute.summarize().meanNs).toBeCloseTo(truth.reduce((a, b) => a + b, 0) / truth.length, -4);
    expectPercentilesMatch(result.latency, latenciesNs, [...PERCENTILES, 100]);
  });

  it('charges an open loop, not a closed one, for the queries queued behind a stall (coordinated omission)', async () => {
    // A FIFO server of 2 ms service whose measured request 100 (call 101: call 0 is the first inference) takes 500 ms.
    // Its finish times are its own, which no busy host moves; what was measured adds the host's delays to them.
    const stalling = () => new FifoServerCopy({ serviceMs: 2, stall: { call: 101, serviceMs: 500 } });

    // Closed loop, one client: the client waits out the stall, so only the stalled query records it.
    // One slow value in 400 (0.25%) leaves p99 at the service time: the stall is all but hidden.
    const closedRecords: RequestRecord[] = [];
    const closed = await new ClosedLoopLoadGenerator({ clients: 1, queryCount: 400, warmupQueries: 0 }).run(
      { copies: [stalling()], inputCount: 4 },
      { onRequestComplete: (r) => closedRecords.push(r) },
    );
    expectPercentilesMatch(closed.latency, closedRecords.map(latencyNs), [50, 99, 100]);
    expect(closed.latency.summarize().maxNs).toBeGreaterThanOrEqual(500e6);
    // By the copy's finish times, no query but the stalled one waited: each was sent to an idle copy.
    expect(closedRecords.filter((r) => dueToFinishNs(r) > 250e6)).toHaveLength(1);
    expect(nearestRank(closedRecords.map(dueToFinishNs), 99)).toBeLessThan(20e6);
    // The query at p99 as measured is an ordinary one, 2 ms in the copy, whatever the host added to it.
    const closedByLatency = [...closedRecords].sort((a, b) => latencyNs(a) - latencyNs(b));
    expect(closedByLatency[Math.ceil(0.99 * closedByLatency.length) - 1]!.computeNs).toBe(2e6);

    // Open loop at 200/s (a query every 5 ms, utilisation 0.4): the stalled query is due at 500 ms and ends at
    // 1000 ms; query 100 + j, due at 500 + 5j ms, waits for the backlog and ends at 1000 + 2j ms, so its latency
    // is 500 − 3j ms until the backlog clears (j ≈ 167). Latency ≥ 250 ms for j ≤ 83: 84 queries, 21% of 400,
    // so p99 lies deep in the stall (about 500 ms).
    const { result: open, records } = await runOpen({ scenario: 'open', rateQps: 200, queryCount: 400, warmupQueries: 0 }, [stalling()]);
    expectPercentilesMatch(open.latency, records.map(latencyNs), [50, 99, 100]);
    expect(open.latency.valueAtPercentileNs(99)).toBeGreaterThanOrEqual(250e6);
    expect(open.latency.countAboveNs(250e6)).toBeGreaterThanOrEqual(80);
    // Exactly so by the copy's finish times, each query due on the schedule, 5 ms after the one before, however late
    // the stall was: over 250 ms for each j with δ + 500 − 3j > 250, δ how late the stalled query started (a send a
    // busy host delayed). The backlog's queries finish 2 ms apart, later only by time the copy sat idle among them (a
    // send delayed past the backlog), which can add at most that much to each: strict on a host that kept up.
    const stalled = records.find((r) => r.computeNs === 500e6)!;
    const stallDelayNs = stalled.computeStartNs - stalled.scheduledNs;
    const afterStall = records.filter((r) => r.requestIndex >= stalled.requestIndex).sort((a, b) => a.requestIndex - b.requestIndex);
    for (const r of afterStall) expect(r.scheduledNs - stalled.scheduledNs).toBeCloseTo(5e6 * (r.requestIndex - stalled.requestIndex), -3);
    const idleNs = afterStall.slice(1).reduce((sum, r, j) => sum + Math.max(0, r.computeStartNs - finishNs(afterStall[j]!)), 0);
    const overTarget = records.filter((r) => dueToFinishNs(r) > 250e6).length;
    expect(overTarget).toBeGreaterThanOrEqual(Math.ceil((250e6 + stallDelayNs) / 3e6));
    expect(overTarget).toBeLessThanOrEqual(Math.ceil((250e6 + stallDelayNs + idleNs) / 3e6));
  });

  it('keeps an open loop at its rate: achieved and completed rates within 1% of 1,000/s', async () => {
    const { result, records } = await runOpen({ scenario: 'open', rateQps: 1000, queryCount: 3000, warmupQueries: 0 }, [await nullCopy()]);
    expect(result.issuedQueries).toBe(3000);
    expect(result.completedQueries).toBe(3000);
    // The achieved rate is what the sends say, from the first to the last.
    const sentNs = records.map((r) => r.sentNs);
    expect(result.achievedQps).toBeCloseTo((2999 * 1e9) / (Math.max(...sentNs) - Math.min(...sentNs)), 6);
    expect(result.elapsedNs).toBeGreaterThanOrEqual(Math.max(...records.map((r) => r.endNs)) - Math.min(...records.map((r) => r.scheduledNs)));
    // Sends and completions keep to 1,000/s throughout: the slope over all 3,000, which a few late ones cannot tilt as
    // they can the first-to-last figure. A busy host delays sends now and then; a least-squares slope over evenly
    // spaced times moves by at most 3 × (the spread of their delays) ÷ (the span), so the bound is 1% or that much,
    // from the delays this run measured, whichever is larger. No send is ever early.
    const scheduledNs = records.map((r) => r.scheduledNs);
    const spanNs = Math.max(...scheduledNs) - Math.min(...scheduledNs);
    expect(1e9 / slopeNs(scheduledNs)).toBeCloseTo(1000, 6);
    const perSecond = (timesNs: readonly number[]): number => 1e9 / slopeNs(timesNs);
    for (const timesNs of [sentNs, records.map((r) => r.endNs)]) {
      const delaysNs = timesNs.map((t, i) => t - scheduledNs[i]!);
      expect(Math.min(...delaysNs)).toBeGreaterThanOrEqual(0);
      const tolerance = Math.max(0.01, (3 * (Math.max(...delaysNs) - Math.min(...delaysNs))) / spanNs);
      expect(Math.abs(perSecond(timesNs) / 1000 - 1)).toBeLessThan(tolerance);
    }
  });

  it('schedules Poisson arrivals with exponential gaps, and constant ones without', async () => {
    const copy = await nullCopy();
    const gapsSeconds = (records: readonly RequestRecord[]): number[] => records.slice(1).map((r, i) => (r.scheduledNs - records[i]!.scheduledNs) / 1e9);

    const poisson = await runOpen({ scenario: 'open', arrival: 'poisson', rateQps: 1000, queryCount: 3000, warmupQueries: 0 }, [copy]);
    const poissonGaps = gapsSeconds(poisson.records);
    expect(poissonGaps).toHaveLength(2999);
    expect(ksStatisticExponential(poissonGaps, 1000)).toBeLessThan(ksCritical(poissonGaps.length));

    const constant = await runOpen({ scenario: 'open', arrival: 'constant', rateQps: 1000, queryCount: 300, warmupQueries: 0 }, [copy]);
    const constantGaps = gapsSeconds(constant.records);
    expect(ksStatisticExponential(constantGaps, 1000)).toBeGreaterThan(ksCritical(constantGaps.length));
  });

  it('counts sends delayed by a blocked event loop, and times those queries from when they were due', async () => {
    const blockMs = 50;
    // Measurement starts at the first query due; 300 ms in, hold the event loop so sends cannot happen.
    const blockMidRun = () =>
      setTimeout(() => {
        const untilNs = monotonicNowNs() + blockMs * 1e6;
        while (monotonicNowNs() < untilNs) {
          // Busy on purpose: the loop must not run.
        }
      }, 300);
    const { result, records } = await runOpen(
      { scenario: 'open', rateQps: 200, queryCount: 200, warmupQueries: 0 },
      [new FifoServerCopy({ serviceMs: 1 })],
      blockMidRun,
    );
    // Queries due during the block (about 10 at 5 ms apart) go out when it ends; the first of them about 45–50 ms late.
    expect(result.lateQueries).toBeGreaterThan(0);
    expect(result.sendDelay.count).toBe(200);
    expect(result.sendDelay.summarize().maxNs).toBeGreaterThanOrEqual(40e6);

    // The schedule is kept as written: due times exactly 5 ms apart, however late the sends.
    expect(records.slice(1).every((r, i) => r.scheduledNs - records[i]!.scheduledNs === 5e6)).toBe(true);
    const late = records.filter((r) => r.sentNs - r.scheduledNs >= 40e6);
    expect(late.length).toBeGreaterThan(0);
    // Latency counts from the due time, so a late query's latency includes its send delay.
    expectPercentilesMatch(
      result.latency,
      records.map((r) => r.endNs - r.scheduledNs),
      [...PERCENTILES, 100],
    );
    expect(result.latency.summarize().maxNs).toBeGreaterThanOrEqual(40e6);
  });
});

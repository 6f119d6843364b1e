import { describe, expect, it } from 'vitest';
import { ClosedLoopLoadGenerator } from '../src/load/closed-loop.js';
import { NullBackend } from '../src/runtimes/null/null-backend.js';
import { monotonicNowNs } from '../src/core/clock.js';
import { OpenLoopLoadGenerator } from '../src/load/open-loop.js';
import { type LoadOptions } from '../src/options/load-settings.js';
import { type ModelCopy } from '../src/backends/backend.js';
import { type RequestRecord } from '../src/load/load-generator.js';
import { FifoServerCopy, KnownComputeCopy, expectPercentilesMatch } from './helpers/simulated-copies.js';
import { ksCritical, ksStatisticExponential } from './helpers/kolmogorov-smirnov.js';

const PERCENTILES = [50, 90, 99, 99.9];

async function nullCopy(): Promise<ModelCopy> {
  // The in-process null backend ignores the artifact and inputs, and answers at once.
  const loaded = await new NullBackend().load({ artifact: {} as never, inputs: { feeds: [], batchSize: 1, description: '' }, copies: 1 });
  return loaded.copies[0]!;
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
    const stalling = () => new FifoServerCopy({ serviceMs: 2, stall: { call: 101, serviceMs: 500 } });

    // Closed loop, one client: the client waits out the stall, so only the stalled query records it.
    // One slow value in 400 (0.25%) leaves p99 at the service time: the stall is all but hidden.
    const closed = await new ClosedLoopLoadGenerator({ clients: 1, queryCount: 400, warmupQueries: 0 }).run({ copies: [stalling()], inputCount: 4 });
    expect(closed.latency.summarize().maxNs).toBeGreaterThanOrEqual(500e6);
    expect(closed.latency.countAboveNs(250e6)).toBe(1);
    expect(closed.latency.valueAtPercentileNs(99)).toBeLessThan(20e6);

    // Open loop at 200/s (a query every 5 ms, utilisation 0.4): the stalled query is due at 500 ms and ends at
    // 1000 ms; query 100 + j, due at 500 + 5j ms, waits for the backlog and ends at 1000 + 2j ms, so its latency
    // is 500 − 3j ms until the backlog clears (j ≈ 167). Latency ≥ 250 ms for j ≤ 83: 84 queries, 21% of 400,
    // so p99 lies deep in the stall (about 500 ms).
    const { result: open } = await runOpen({ scenario: 'open', rateQps: 200, queryCount: 400, warmupQueries: 0 }, [stalling()]);
    expect(open.latency.valueAtPercentileNs(99)).toBeGreaterThanOrEqual(250e6);
    expect(open.latency.countAboveNs(250e6)).toBeGreaterThanOrEqual(80);
    expect(open.latency.countAboveNs(250e6)).toBeLessThanOrEqual(90);
  });

  it('keeps an open loop at its rate: achieved and completed rates within 1% of 1,000/s', async () => {
    const { result } = await runOpen({ scenario: 'open', rateQps: 1000, queryCount: 3000, warmupQueries: 0 }, [await nullCopy()]);
    expect(result.issuedQueries).toBe(3000);
    expect(result.completedQueries).toBe(3000);
    expect(result.achievedQps).toBeGreaterThan(990);
    expect(result.achievedQps).toBeLessThan(1010);
    const completedQps = (result.completedQueries * 1e9) / result.elapsedNs;
    expect(completedQps).toBeGreaterThan(990);
    expect(completedQps).toBeLessThan(1010);
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

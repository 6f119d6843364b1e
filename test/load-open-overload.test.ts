import { describe, expect, it } from 'vitest';
import { createLoadGenerator } from '../src/load/create-load-generator.js';
import { IN_FLIGHT_GRACE_MS } from '../src/load/settle-request.js';
import { resolveBenchmarkSettings } from '../src/options/benchmark-options.js';
import { summarizeMeasurement } from '../src/results/measurement.js';
import { judgeMeasurement } from '../src/results/verdict.js';
import { FifoServerCopy } from './helpers/simulated-copies.js';

describe('an open loop far beyond capacity', () => {
  it('ends a grace after its duration, counting the queries still queued as unfinished and its run INVALID', async () => {
    // 5,000 queries a second for 100 ms to a copy that serves 100: its backlog of 500 × 10 ms would take 5 s to drain.
    const options = { scenario: 'open', rateQps: 5000, durationMs: 100, warmupQueries: 0 } as const;
    const copy = new FifoServerCopy({ serviceMs: 10 });
    const result = await createLoadGenerator(options).run({ copies: [copy], inputCount: 1 });

    // The run did not wait for the backlog: the copy still had calls to answer, one for each unfinished query.
    const unanswered = copy.served.filter((call) => call.answeredNs === undefined).length;
    expect(result.unfinishedQueries).toBeGreaterThan(0);
    expect(result.unfinishedQueries).toBe(unanswered);
    expect(result.issuedQueries).toBe(result.completedQueries + result.unfinishedQueries);
    expect(result.errors.total).toBe(0);
    // None is dropped from the latency: each unfinished query counts at its wait until the cut-off, at least the grace.
    expect(result.latency.count).toBe(result.issuedQueries);
    expect(result.latency.valueAtPercentileNs(100)).toBeGreaterThanOrEqual((IN_FLIGHT_GRACE_MS - 1) * 1e6);

    const measurement = summarizeMeasurement(result, 1);
    expect(measurement.offeredLoad?.unfinishedQueries).toBe(result.unfinishedQueries);
    const verdict = judgeMeasurement(measurement, resolveBenchmarkSettings(options));
    expect(verdict.valid).toBe(false);
    expect(verdict.reasons).toContainEqual({
      code: 'OVERLOADED',
      message: expect.stringMatching(new RegExp(`^${result.unfinishedQueries} of 500 queries were still waiting for a copy when the run stopped waiting for them: the offered 5000\\.0 q/s is more than the copies served \\([\\d.]+ q/s\\), .* lower bounds$`)),
      advice: expect.stringMatching(/^lower rateQps \(--rate-qps\) below [\d.]+ q\/s, or add copies \(--copies\)$/),
    });
  });
});

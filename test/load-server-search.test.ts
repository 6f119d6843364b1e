import { describe, expect, it } from 'vitest';
import { earlyStoppingTargetCheck } from '../src/stats/early-stopping.js';
import { resolveLoadSettings } from '../src/options/load-settings.js';
import { searchServerQps } from '../src/load/server-qps-search.js';
import { FifoServerCopy } from './helpers/simulated-copies.js';
import { histogramOf } from './helpers/histogram-of.js';

describe('the Server rate search', () => {
  it('finds the highest passing rate below a copy’s capacity', async ({ skip }) => {
    // A 4 ms FIFO copy: capacity 250 queries/s. Against a 40 ms p99 target, M/D/1 queueing with Poisson arrivals keeps
    // 300 queries within it at half capacity (slowest about 20 ms) and at a quarter (about 12 ms), while at capacity
    // the backlog wanders past 60 ms. Long windows keep their summaries from pausing the event loop mid-trial, and
    // a 20 ms late-send threshold keeps the host's timer jitter out of the verdict: only latency is judged.
    const settings = resolveLoadSettings({
      scenario: 'Server',
      rateQps: 1,
      targetLatencyMs: 40,
      confidenceLevel: 0.9,
      queryCount: 300,
      warmupQueries: 10,
      windowMs: 60_000,
      lateSendThresholdMs: 20,
    });
    const copy = new FifoServerCopy({ serviceMs: 4 });
    const measuredFromCall: number[] = [];
    const { search } = await searchServerQps({ copies: [copy], inputCount: 4 }, settings, {
      trials: 4,
      onMeasurementStart: () => measuredFromCall.push(copy.calls),
    });
    expect(search.trials.length).toBe(measuredFromCall.length);

    // The closed-loop probe made calls 0 (its first inference) to 10 (warm-up), then measured every call up to the first
    // trial's first inference and ten warm-up calls. It reports the rate the copy served it at: the capacity, less the
    // time the copy sat idle because the event loop saw a completion more than a service time late. Its clock started
    // after call 10 was answered and before call 11, and stopped after its last call was answered and before the
    // trial's first: the ceiling lies between the rates those two spans give, however late this host ran the loop.
    const probe = copy.served.slice(11, measuredFromCall[0]! - 11);
    const servedQps = (probe.length * 1e9) / (probe.at(-1)!.answeredNs! - probe[0]!.calledNs);
    const outerSpanNs = copy.served[measuredFromCall[0]! - 11]!.calledNs - copy.served[10]!.answeredNs!;
    expect(search.ceilingQps).toBeLessThanOrEqual(servedQps);
    expect(search.ceilingQps).toBeGreaterThanOrEqual((probe.length * 1e9) / outerSpanNs);
    expect(search.ceilingQps).toBeLessThanOrEqual(251);

    // The first trial tries the ceiling; each later one halves the interval between the highest rate that passed and the lowest that failed.
    let passingQps = 0;
    let failingQps = search.ceilingQps;
    for (const [i, trial] of search.trials.entries()) {
      expect(trial.rateQps).toBeCloseTo(i === 0 ? search.ceilingQps : (passingQps + failingQps) / 2, 6);
      if (trial.passed) passingQps = trial.rateQps;
      else failingQps = trial.rateQps;
    }
    const passed = search.trials.filter((t) => t.passed).map((t) => t.rateQps);
    const failed = search.trials.filter((t) => !t.passed).map((t) => t.rateQps);
    expect(search.bestQps).toBe(passed.length === 0 ? null : Math.max(...passed));
    expect(Math.max(...passed)).toBeLessThan(Math.min(...failed));

    // Each trial judged by the copy's own finish times, from each query's call: what was measured adds the host's
    // delays (late sends, completions seen late) to that, so never counts fewer queries over the target.
    const byCopy = search.trials.map((trial, i) => {
      const calls = copy.served.slice(measuredFromCall[i], measuredFromCall[i]! + trial.completedQueries);
      return earlyStoppingTargetCheck(histogramOf(calls.map((c) => c.finishNs - c.calledNs)), 99, 40e6, 0.9);
    });
    for (const [i, trial] of search.trials.entries()) expect(trial.overLatencyCount).toBeGreaterThanOrEqual(byCopy[i]!.overLatencyCount);

    // What follows holds on a host that ran the event loop on time: skipped, with the figures, where this one did not.
    const idlePercent = 100 * (1 - servedQps / 250);
    if (idlePercent > 10) skip(`the host left the copy idle ${idlePercent.toFixed(0)}% of the probe, so the ceiling is not its capacity`);
    expect(search.trials).toHaveLength(4);
    expect(byCopy[0]!.passed).toBe(false);
    expect(byCopy[1]!.passed).toBe(true);
    const halfCapacity = search.trials[1]!;
    if (!halfCapacity.passed) {
      skip(`the host delayed queries at half capacity past the 40 ms target: ${halfCapacity.overLatencyCount} over as measured, ${byCopy[1]!.overLatencyCount} by the copy's finish times`);
    }
    // Above a quarter of capacity, which passes with room to spare, and below capacity.
    expect(search.bestQps).not.toBeNull();
    expect(search.bestQps!).toBeGreaterThan(62.5);
    expect(search.bestQps!).toBeLessThan(250);
  });
});

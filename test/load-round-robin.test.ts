import { describe, expect, it } from 'vitest';
import { ClosedLoopLoadGenerator } from '../src/load/closed-loop.js';
import { monotonicNowNs } from '../src/core/clock.js';
import { InferbenchError } from '../src/core/errors.js';
import { NullBackend } from '../src/runtimes/null/null-backend.js';
import { type InferenceTiming, type LoadedModel, type ModelCopy } from '../src/backends/backend.js';
import { type RequestRecord } from '../src/load/load-generator.js';

async function nullCopies(count: number): Promise<LoadedModel> {
  // The in-process null backend ignores the artifact and inputs: it measures only the harness.
  return new NullBackend().load({ artifact: {} as never, inputs: { feeds: [], batchSize: 1, description: '' }, copies: count });
}

async function collect(options: ConstructorParameters<typeof ClosedLoopLoadGenerator>[0], copies: readonly ModelCopy[], inputCount = 10) {
  const records: RequestRecord[] = [];
  const result = await new ClosedLoopLoadGenerator(options).run({ copies, inputCount }, { onRequestComplete: (r) => records.push(r) });
  return { result, records: records.sort((a, b) => a.requestIndex - b.requestIndex) };
}

describe('ClosedLoopLoadGenerator', () => {
  it('sends request i to copy i % M and counts only measured requests', async () => {
    const { copies } = await nullCopies(3);
    const { result, records } = await collect({ clients: 4, queryCount: 30, warmupQueries: 5 }, copies);
    expect(result.completedRequests).toBe(30);
    expect(result.completedQueries).toBe(30);
    expect(result.warmupQueries).toBe(5);
    expect(result.latency.count).toBe(30);
    expect(result.compute.count).toBe(30);
    expect(records.map((r) => r.requestIndex)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const r of records) expect(r.copyIndex).toBe(r.requestIndex % 3);
    expect(result.requestsPerCopy).toEqual([10, 10, 10]);
  });

  it('replays the same samples for the same seed and others for another seed', async () => {
    const { copies } = await nullCopies(2);
    const samples = async (seed: number) =>
      (await collect({ clients: 3, queryCount: 50, seed }, copies, 10)).records.map((r) => r.inputIndex);
    const first = await samples(7);
    expect(await samples(7)).toEqual(first);
    expect(await samples(8)).not.toEqual(first);
    expect(Math.min(...first)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...first)).toBeLessThanOrEqual(9);
    expect(new Set(first).size).toBeGreaterThan(5);
  });

  it('runs for a duration when given one', async () => {
    const { copies } = await nullCopies(1);
    let measurementCalledNs = 0;
    const records: RequestRecord[] = [];
    const result = await new ClosedLoopLoadGenerator({ durationMs: 150, warmupQueries: 0 }).run(
      { copies, inputCount: 10 },
      { onMeasurementStart: () => (measurementCalledNs = monotonicNowNs()), onRequestComplete: (r) => records.push(r) },
    );
    const returnedNs = monotonicNowNs();
    expect(result.stopReason).toBe('duration');
    expect(result.completedRequests).toBe(records.length);
    expect(result.completedQueries).toBe(records.length);
    expect(result.requestsPerCopy).toEqual([records.length]);
    // The clock starts after the hook ran and by the first send, and stops when issuing stopped at the deadline or
    // at the last completion, whichever came later.
    const { startNs, elapsedNs } = result;
    expect(startNs).toBeGreaterThanOrEqual(measurementCalledNs);
    expect(startNs).toBeLessThanOrEqual(records.reduce((ns, r) => Math.min(ns, r.scheduledNs), Infinity));
    expect(elapsedNs).toBeGreaterThanOrEqual(150e6);
    expect(startNs + elapsedNs).toBeGreaterThanOrEqual(records.reduce((ns, r) => Math.max(ns, r.endNs), 0));
    expect(startNs + elapsedNs).toBeLessThanOrEqual(returnedNs);
    // Issuing stops at the deadline, and not before it, however late a busy host runs the loop: a client checks the
    // time and then reads it for the send, so each of the two may send once just past the deadline, and no more.
    expect(records.filter((r) => r.scheduledNs - startNs >= 150e6).length).toBeLessThanOrEqual(2);
  });

  it("measures each copy's first inference, then warms every copy before measuring", async () => {
    const calls: number[] = [];
    const copies: ModelCopy[] = [0, 1, 2].map((index) => ({
      index,
      infer: async (): Promise<InferenceTiming> => {
        calls.push(index);
        return { computeStartNs: 0, computeNs: 1 };
      },
    }));
    const { result } = await collect({ clients: 1, queryCount: 1, warmupQueries: 6 }, copies);
    expect(calls.slice(0, 3).sort()).toEqual([0, 1, 2]);
    expect(calls.slice(3, 9).sort()).toEqual([0, 0, 1, 1, 2, 2]);
    expect(result.firstInference.computeNs).toEqual([1, 1, 1]);
  });

  it('counts failures during measurement by kind and leaves them out of the latency', async () => {
    let issued = 0;
    const failing: ModelCopy = {
      index: 0,
      infer: async (): Promise<InferenceTiming> => {
        // Numbered before waiting: two clients' calls overlap, and the counter moves while they wait.
        const call = ++issued;
        await new Promise((r) => setTimeout(r, 1));
        if (call === 5) throw new InferbenchError('WORKER_FAILED', 'copy 0 failed on purpose');
        return { computeStartNs: 0, computeNs: 1 };
      },
    };
    const { result } = await collect({ clients: 2, queryCount: 20, warmupQueries: 0 }, [failing]);
    // The first inference is call 1, so measured request 3 fails.
    expect(result.errors).toEqual({ total: 1, timeouts: 0, byKind: { WORKER_FAILED: { count: 1, example: 'copy 0 failed on purpose' } } });
    expect(result.completedQueries).toBe(19);
    expect(result.latency.count).toBe(19);
    expect(result.compute.count).toBe(19);
  });

  it('rejects with the failure when one happens during warm-up', async () => {
    const failing: ModelCopy = {
      index: 0,
      infer: async (sample): Promise<InferenceTiming> => {
        if (sample === 1) throw new InferbenchError('WORKER_FAILED', 'sample 1 is broken');
        return { computeStartNs: 0, computeNs: 1 };
      },
    };
    await expect(collect({ clients: 1, queryCount: 20, warmupQueries: 4 }, [failing])).rejects.toThrow('sample 1 is broken');
  });

  it('stops when its signal is aborted while measuring, with what completed until then', async () => {
    const { copies } = await nullCopies(1);
    const controller = new AbortController();
    const records: RequestRecord[] = [];
    const run = new ClosedLoopLoadGenerator({ durationMs: 10_000 }).run(
      { copies, inputCount: 10 },
      {
        signal: controller.signal,
        onRequestComplete: (r) => {
          if (records.push(r) === 10) controller.abort();
        },
      },
    );
    const result = await run;
    expect(result.stopReason).toBe('interrupted');
    expect(result.completedRequests).toBe(records.length);
    expect(records.length).toBeGreaterThanOrEqual(10);
  });

  it('rejects with ABORTED when its signal is aborted before measuring', async () => {
    const { copies } = await nullCopies(1);
    const controller = new AbortController();
    controller.abort();
    await expect(new ClosedLoopLoadGenerator({ durationMs: 10_000 }).run({ copies, inputCount: 10 }, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('rejects bad settings with INVALID_OPTION', () => {
    expect(() => new ClosedLoopLoadGenerator({ clients: 0 })).toThrow(/clients must be an integer ≥ 1, got 0/);
    expect(() => new ClosedLoopLoadGenerator({ queryCount: 5, durationMs: 5 })).toThrow(/not both/);
    expect(() => new ClosedLoopLoadGenerator({ durationMs: -1 })).toThrow(/durationMs/);
  });
});

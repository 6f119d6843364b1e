import { describe, expect, it } from 'vitest';
import {
  ClosedLoopLoadGenerator,
  InferbenchError,
  NullBackend,
  type InferenceTiming,
  type LoadedModel,
  type ModelCopy,
  type RequestRecord,
} from '../dist/index.js';

async function nullCopies(count: number): Promise<LoadedModel> {
  // The in-process null backend ignores the artifact and inputs: it measures only the harness.
  return new NullBackend().load({ artifact: {} as never, inputs: { samples: [], batchSize: 1, description: '' }, copies: count });
}

async function collect(options: ConstructorParameters<typeof ClosedLoopLoadGenerator>[0], copies: readonly ModelCopy[], sampleCount = 10) {
  const records: RequestRecord[] = [];
  const result = await new ClosedLoopLoadGenerator({ ...options, onRequestComplete: (r) => records.push(r) }).run({ copies, sampleCount });
  return { result, records: records.sort((a, b) => a.requestIndex - b.requestIndex) };
}

describe('ClosedLoopLoadGenerator', () => {
  it('sends request i to copy i % M and counts only measured requests', async () => {
    const { copies } = await nullCopies(3);
    const { result, records } = await collect({ clients: 4, requestCount: 30, warmupRequests: 5 }, copies);
    expect(result.completedRequests).toBe(30);
    expect(result.warmupRequests).toBe(5);
    expect(result.latency.count).toBe(30);
    expect(result.compute.count).toBe(30);
    expect(records.map((r) => r.requestIndex)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const r of records) expect(r.copyIndex).toBe(r.requestIndex % 3);
    expect(result.requestsPerCopy).toEqual([10, 10, 10]);
  });

  it('replays the same samples for the same seed and others for another seed', async () => {
    const { copies } = await nullCopies(2);
    const samples = async (seed: number) =>
      (await collect({ clients: 3, requestCount: 50, seed }, copies, 10)).records.map((r) => r.sampleIndex);
    const first = await samples(7);
    expect(await samples(7)).toEqual(first);
    expect(await samples(8)).not.toEqual(first);
    expect(Math.min(...first)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...first)).toBeLessThanOrEqual(9);
    expect(new Set(first).size).toBeGreaterThan(5);
  });

  it('runs for a duration when given one', async () => {
    const { copies } = await nullCopies(1);
    const { result } = await collect({ durationMs: 150, warmupRequests: 0 }, copies);
    // Issuing stops at the deadline and the clock at the last completion, which can precede the
    // deadline by up to one event-loop yield (10 ms) with copies that answer instantly.
    expect(result.elapsedNs).toBeGreaterThanOrEqual(140e6);
    expect(result.elapsedNs).toBeLessThan(1e9);
    expect(result.completedRequests).toBeGreaterThan(100);
  });

  it('warms every copy before measuring', async () => {
    const calls: number[] = [];
    const copies: ModelCopy[] = [0, 1, 2].map((index) => ({
      index,
      infer: async (): Promise<InferenceTiming> => {
        calls.push(index);
        return { computeStartNs: 0, computeNs: 1 };
      },
    }));
    await collect({ clients: 1, requestCount: 1, warmupRequests: 6 }, copies);
    expect(calls.slice(0, 6).sort()).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('stops at the first failure and rejects with it', async () => {
    let issued = 0;
    const failing: ModelCopy = {
      index: 0,
      infer: async (): Promise<InferenceTiming> => {
        issued++;
        await new Promise((r) => setTimeout(r, 1));
        if (issued === 5) throw new InferbenchError('WORKER_FAILED', 'copy 0 failed on purpose');
        return { computeStartNs: 0, computeNs: 1 };
      },
    };
    await expect(collect({ clients: 2, requestCount: 1000, warmupRequests: 0 }, [failing])).rejects.toThrow('copy 0 failed on purpose');
    expect(issued).toBeLessThanOrEqual(6);
  });

  it('stops when its signal is aborted', async () => {
    const { copies } = await nullCopies(1);
    const controller = new AbortController();
    const run = collect({ durationMs: 10_000, signal: controller.signal }, copies);
    setTimeout(() => controller.abort(), 50);
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('rejects bad settings with INVALID_OPTION', () => {
    expect(() => new ClosedLoopLoadGenerator({ clients: 0 })).toThrow(/clients must be an integer ≥ 1, got 0/);
    expect(() => new ClosedLoopLoadGenerator({ requestCount: 5, durationMs: 5 })).toThrow(/not both/);
    expect(() => new ClosedLoopLoadGenerator({ durationMs: -1 })).toThrow(/durationMs/);
  });
});

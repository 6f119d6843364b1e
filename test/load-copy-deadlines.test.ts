import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InferenceTiming } from '../src/backends/backend.js';
import { createLoadGenerator } from '../src/load/create-load-generator.js';
import { CopyDeadlines } from '../src/load/copy-deadlines.js';
import { RequestTimeout } from '../src/load/settle-request.js';
import { KnownComputeCopy } from './helpers/simulated-copies.js';

/** A request the test answers (or never answers) itself. */
function pending(): { readonly request: Promise<InferenceTiming>; readonly answer: () => void } {
  let answer!: () => void;
  const request = new Promise<InferenceTiming>((resolve) => (answer = () => resolve({ computeStartNs: 0, computeNs: 1 })));
  return { request, answer };
}

/** Where each of `promises` stands once pending callbacks have run. */
async function states(promises: readonly Promise<unknown>[]): Promise<string[]> {
  const seen = promises.map(() => 'waiting');
  promises.forEach((p, i) => p.then(() => (seen[i] = 'answered'), (error: unknown) => (seen[i] = error instanceof RequestTimeout ? 'timed out' : 'failed')));
  await vi.advanceTimersByTimeAsync(0);
  return seen;
}

describe("a copy's request deadlines", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('arms no timer per request: a run of thousands of requests makes a handful', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const result = await createLoadGenerator({ clients: 2, queryCount: 5000, warmupQueries: 100 }).run({ copies: [new KnownComputeCopy({ seed: 1, medianNs: 1e3, logSigma: 0 })], inputCount: 1 });
    expect(result.completedQueries).toBe(5000);
    // One per copy and phase, and the first inference's: not one per request.
    expect(setTimeoutSpy.mock.calls.length).toBeLessThan(10);
  });

  it('times a request from the answer before it, and fails those queued behind an unanswered one with it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const startMs = Date.now();
    // The simulated clock, counted from the test's start as the monotonic clock counts from boot.
    const deadlines = new CopyDeadlines(50, 0, () => (Date.now() - startMs) * 1e6);
    const [a, b, c] = [pending(), pending(), pending()];
    const settled = [a, b, c].map((r) => deadlines.settle(r.request));
    // a answers at 40 ms: b, next in line, is due 50 ms after that answer, not 50 ms after it was sent.
    await vi.advanceTimersByTimeAsync(40);
    a.answer();
    await vi.advanceTimersByTimeAsync(49);
    expect(await states(settled)).toEqual(['answered', 'waiting', 'waiting']);
    // b is never answered: it times out at 90 ms, and c, sent with it and not answered since, with it.
    await vi.advanceTimersByTimeAsync(1);
    expect(await states(settled)).toEqual(['answered', 'timed out', 'timed out']);
    deadlines.dispose();
  });

  it('fails every request waiting, and every later one, once the run stops waiting', async () => {
    const deadlines = new CopyDeadlines(60_000, 0);
    const waiting = deadlines.settle(pending().request);
    const reason = new Error('stopped');
    deadlines.stopWaiting(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(deadlines.settle(pending().request)).rejects.toBe(reason);
  });
});

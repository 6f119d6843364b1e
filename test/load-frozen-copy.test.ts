import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_REQUEST_TIMEOUT_MS, type ModelCopy } from '../src/backends/backend.js';
import { createLoadGenerator } from '../src/load/create-load-generator.js';
import { resolveLoadSettings } from '../src/options/load-settings.js';
import { FifoServerCopy, FlakyCopy, sleepingCopy } from './helpers/simulated-copies.js';

const target = (copies: readonly ModelCopy[]) => ({ copies, inputCount: 4 });

describe('a copy that never answers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fails its request at the default request timeout, so that a run without one still ends', async () => {
    expect(resolveLoadSettings({}).requestTimeoutMs).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
    // Only the timers are simulated: the minute passes at once.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // Call 0 is the first inference; measured call 2 never answers.
    const copy = new FlakyCopy({ hangCalls: [2] });
    const run = createLoadGenerator({ clients: 1, queryCount: 3, warmupQueries: 0 }).run(target([copy]));
    let settled = false;
    void run.then(() => (settled = true));
    // The loop may give the event loop a turn (setImmediate, not simulated) before it sends call 2: the minute starts
    // once call 2 is sent and its timer armed, however long a busy host takes to get there.
    while (copy.calls < 3) await new Promise(setImmediate);
    await new Promise(setImmediate);
    await vi.advanceTimersByTimeAsync(DEFAULT_REQUEST_TIMEOUT_MS / 2);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(DEFAULT_REQUEST_TIMEOUT_MS / 2);
    // The run ends through a few turns of the event loop (not simulated) once the simulated minute has passed.
    for (let turn = 0; turn < 1000 && !settled; turn++) await new Promise(setImmediate);
    expect(settled).toBe(true);
    expect(await run).toMatchObject({ completedQueries: 2, errors: { total: 1, timeouts: 1 } });
  });

  it('fails the run in one line naming requestTimeoutMs when it is a first inference', async () => {
    const run = createLoadGenerator({ clients: 1, queryCount: 3, requestTimeoutMs: 50 }).run(target([new FlakyCopy({ hangCalls: [0] })]));
    await expect(run).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: "a copy's first inference ran past the 50 ms request timeout; raise requestTimeoutMs (--request-timeout-ms) above the time one inference takes",
    });
  });

  it('fails a warm-up in one line naming requestTimeoutMs', async () => {
    // The first inference answers; every later call takes far longer than the timeout.
    const slow = sleepingCopy(0, (call) => (call === 0 ? 1 : 'never'));
    await expect(createLoadGenerator({ clients: 1, queryCount: 3, requestTimeoutMs: 20 }).run(target([slow]))).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: 'a warm-up request ran past the 20 ms request timeout; raise requestTimeoutMs (--request-timeout-ms) above the time one inference takes',
    });
  });

  it('fails the run in one line naming requestTimeoutMs when every measured request times out', async () => {
    const slow = sleepingCopy(0, (call) => (call === 0 ? 1 : 'never'));
    await expect(createLoadGenerator({ clients: 1, queryCount: 3, warmupQueries: 0, requestTimeoutMs: 20 }).run(target([slow]))).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: 'every measured request ran past the 20 ms request timeout; raise requestTimeoutMs (--request-timeout-ms) above the time one inference takes',
    });
  });

  it('stops the run once its worker is frozen, rather than timing out every request sent to it', async () => {
    // Calls 0–2 answer; from call 3 on the worker answers nothing, as a SIGSTOPped process or a hung thread.
    const frozen = sleepingCopy(0, (call) => (call >= 3 ? 'never' : 1));
    const result = await createLoadGenerator({ clients: 2, queryCount: 100, warmupQueries: 0, requestTimeoutMs: 50 }).run(target([frozen]));
    expect(result.elapsedNs).toBeGreaterThanOrEqual(100e6);
    expect(result.stopReason).toBe('copies-failed');
    expect(result.completedQueries).toBe(2);
    // Calls 3 and 4 time out together (4 waited behind 3), then the ones sent next: nothing is issued once the copy has
    // answered nothing for twice the timeout, and no request waits a timeout more for each one queued before it. Rounds
    // of timeouts come a timeout apart, and a millisecond timer may fire a little early or, on a busy host, late: so the
    // rule stops the clients after two rounds, or one or three, never after the 98 requests left.
    expect(result.errors.timeouts).toBeGreaterThanOrEqual(2);
    expect(result.errors.timeouts).toBeLessThanOrEqual(6);
    expect(result.issuedQueries).toBe(result.completedQueries + result.errors.total);
  });
});

describe('the request timeout', () => {
  it('counts from when the copy can start on a request, not while it queues behind earlier ones', async () => {
    // An Offline wave of 40 queries to a copy that takes 5 ms each: the last waits 195 ms for its turn, far past 30 ms.
    const copy = new FifoServerCopy({ serviceMs: 5 });
    const result = await createLoadGenerator({ scenario: 'offline', queryCount: 40, warmupQueries: 0, requestTimeoutMs: 30 }).run(target([copy]));
    expect(result.errors.total).toBe(0);
    expect(result.completedQueries).toBe(40);
    expect(result.latency.valueAtPercentileNs(100)).toBeGreaterThan(30e6);
  });

  it('lets thousands of requests wait at once on the run\'s cancellation without a listener-leak warning', async () => {
    // Each request in flight listens for the run's cancellation until it settles; Node warns past ten listeners.
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const copy = new FifoServerCopy({ serviceMs: 0 });
      const run = createLoadGenerator({ scenario: 'offline', queryCount: 40, warmupQueries: 0 }).run(target([copy]), { signal: new AbortController().signal });
      expect((await run).completedQueries).toBe(40);
      // Warnings are emitted on a later tick.
      await new Promise(setImmediate);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
});

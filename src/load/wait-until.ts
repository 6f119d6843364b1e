import { monotonicNowNs } from '../core/clock.js';

/** Below this much time left, poll the clock rather than sleep: timers fire up to a millisecond late. */
const SPIN_BELOW_NS = 1.5e6;
/** Longest stretch of issuing without letting the event loop run other work (completions, timers, signals). */
export const YIELD_INTERVAL_NS = 10e6;

/** Longest single sleep, so that cancellation is noticed promptly. */
const MAX_SLEEP_MS = 50;

/**
 * Resolves at monotonic time `dueNs`, or soon after `signal` aborts. Sleeps on a timer until a
 * millisecond before, then yields to the event loop on each poll, so completions are still seen.
 */
export async function waitUntil(dueNs: number, signal?: AbortSignal): Promise<void> {
  for (;;) {
    if (signal?.aborted) return;
    const remainingNs = dueNs - monotonicNowNs();
    if (remainingNs <= 0) return;
    if (remainingNs > SPIN_BELOW_NS) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_SLEEP_MS, Math.floor((remainingNs - 1e6) / 1e6))));
    } else {
      await new Promise(setImmediate);
    }
  }
}

import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Runs `work` and measures the longest the event loop ran late meanwhile (a 1 ms timer's worst delay): how long a busy
 * host, or the code itself, held everything up at once. A bound that adds it to what a quiet host allows holds on any.
 */
export async function measuringEventLoopDelay<T>(work: () => Promise<T>): Promise<{ readonly value: T; readonly maxDelayNs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  try {
    const value = await work();
    return { value, maxDelayNs: delay.max };
  } finally {
    delay.disable();
  }
}

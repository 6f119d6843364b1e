/**
 * Monotonic time in nanoseconds. Worker threads read the same clock (libuv's hrtime), so readings
 * taken in a worker and on the main thread can be compared.
 */
export function monotonicNowNs(): number {
  return Number(process.hrtime.bigint());
}

/** The longest time Node's timers can wait: 2³¹ − 1 ms, about 24.8 days. A longer one would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

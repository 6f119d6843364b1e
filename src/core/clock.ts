/**
 * Monotonic time in nanoseconds. Worker threads read the same clock (libuv's hrtime), so readings
 * taken in a worker and on the main thread can be compared.
 */
export function monotonicNowNs(): number {
  return Number(process.hrtime.bigint());
}

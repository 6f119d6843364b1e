/**
 * Whether `promise` has settled when a timer of `delayMs`, armed now, fires. Node runs due timers in the order of
 * their due times and settles promises between their callbacks, so this orders the settlement against timers the
 * code under test armed (a grace period, a copy's sleep) however late a busy host runs them, as a clock reading
 * cannot.
 */
export function settlesBeforeTimer(promise: Promise<unknown>, delayMs: number): Promise<boolean> {
  let settled = false;
  const mark = (): void => {
    settled = true;
  };
  promise.then(mark, mark);
  return new Promise((resolve) => setTimeout(() => resolve(settled), delayMs));
}

import type { InferenceTiming } from '../backends/backend.js';
import { InferbenchError } from '../core/errors.js';

/** Thrown inside a request that passed its timeout. */
export class RequestTimeout {
  constructor(readonly timeoutMs: number) {}
}

/** The error a cancelled run rejects with. */
export const aborted = (): InferbenchError => new InferbenchError('ABORTED', 'the run was cancelled before it finished');

/** How long requests in flight at cancellation may take to finish before the run stops waiting for them. */
const ABORT_GRACE_MS = 2000;

/**
 * A promise that rejects with ABORTED some time after `signal` aborts: one listener for the whole run,
 * however many requests race it. Requests in flight get {@link ABORT_GRACE_MS} to finish first, since
 * closing a copy while it computes can take its runtime down; only a copy that never answers is left.
 */
export function abortRejection(signal: AbortSignal | undefined): { readonly promise: Promise<never> | undefined; readonly dispose: () => void } {
  if (signal === undefined) return { promise: undefined, dispose: () => {} };
  let onAbort = (): void => {};
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => {
      timer = setTimeout(() => reject(aborted()), ABORT_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => {});
  return {
    promise,
    dispose: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Races a request against its timeout and the run's cancellation, so that neither waits on a copy
 * that never answers; the request's own later outcome is then ignored.
 */
export function settleInTime(request: Promise<InferenceTiming>, timeoutMs: number | undefined, abort: Promise<never> | undefined): Promise<InferenceTiming> {
  if (timeoutMs === undefined && abort === undefined) return request;
  request.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const racers: Promise<InferenceTiming>[] = [request];
  if (abort) racers.push(abort);
  if (timeoutMs !== undefined) racers.push(new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new RequestTimeout(timeoutMs)), timeoutMs))));
  return Promise.race(racers).finally(() => clearTimeout(timer));
}

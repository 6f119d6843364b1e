import { setMaxListeners } from 'node:events';
import type { InferenceTiming } from '../backends/backend.js';
import { abortedError } from '../core/abort.js';

/** Thrown inside a request that passed its timeout. */
export class RequestTimeout {
  constructor(readonly timeoutMs: number) {}
}

/** Thrown inside a request still waiting for its copy when its phase stopped waiting: counted as unfinished, not failed. */
export class RequestCutOff {}

/**
 * How long requests in flight may take to finish once issuing stops early (cancellation) or ends with a backlog (an
 * open loop beyond capacity), before the run stops waiting for them. Closing a copy while it computes can take its
 * runtime down, so a copy is never stopped mid-computation: the run only stops waiting.
 */
export const IN_FLIGHT_GRACE_MS = 2000;

/**
 * A signal that aborts, with ABORTED as its reason, {@link IN_FLIGHT_GRACE_MS} after `signal` aborts: requests in
 * flight get that long to finish first. One listener for the whole run, however many requests wait on it.
 */
export function graceAfter(signal: AbortSignal | undefined): { readonly signal: AbortSignal | undefined; readonly dispose: () => void } {
  if (signal === undefined) return { signal: undefined, dispose: () => {} };
  const expired = new AbortController();
  // Every copy's first inference listens to it at once, however many copies there are.
  setMaxListeners(0, expired.signal);
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    timer = setTimeout(() => expired.abort(abortedError('the run')), IN_FLIGHT_GRACE_MS);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: expired.signal,
    dispose: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Settles with a request, or fails it once it passes its `timeoutMs` or once `stopWaiting` aborts (the run's
 * cancellation, the end of a phase's grace), so that none waits for ever on a copy that never answers; the request's
 * own later outcome is then ignored. The timer is armed when `turn` resolves, to the time it gives: when the copy can
 * start on the request, the time left to it. Every listener and timer is removed as the request settles: a run makes
 * millions of requests, and a race against one long-lived promise would keep each of them until the run ends.
 */
export function settleInTime(request: Promise<InferenceTiming>, timeoutMs: number, turn: Promise<number>, stopWaiting: AbortSignal | undefined): Promise<InferenceTiming> {
  return new Promise<InferenceTiming>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWaiting?.removeEventListener('abort', onStop);
      settle();
    };
    const onStop = (): void => finish(() => reject(stopWaiting?.reason));
    request.then((timing) => finish(() => resolve(timing)), (error: unknown) => finish(() => reject(error)));
    if (stopWaiting?.aborted) return onStop();
    stopWaiting?.addEventListener('abort', onStop, { once: true });
    void turn.then((leftMs) => {
      if (!settled) timer = setTimeout(() => finish(() => reject(new RequestTimeout(timeoutMs))), leftMs);
    });
  });
}

import type { InferenceTiming } from '../backends/backend.js';
import { InferbenchError } from '../core/errors.js';

/** Thrown inside a request that passed its timeout. */
export class RequestTimeout {
  constructor(readonly timeoutMs: number) {}
}

/** Thrown inside a request still waiting for its copy when its phase stopped waiting: counted as unfinished, not failed. */
export class RequestCutOff {}

/** The error a cancelled run rejects with. */
export const aborted = (): InferbenchError => new InferbenchError('ABORTED', 'the run was cancelled before it finished');

/**
 * How long requests in flight may take to finish once issuing stops early (cancellation) or ends with a backlog (an
 * open loop beyond capacity), before the run stops waiting for them. Closing a copy while it computes can take its
 * runtime down, so a copy is never stopped mid-computation: the run only stops waiting.
 */
export const IN_FLIGHT_GRACE_MS = 2000;

/**
 * A promise that rejects with ABORTED some time after `signal` aborts: one listener for the whole run,
 * however many requests race it. Requests in flight get {@link IN_FLIGHT_GRACE_MS} to finish first.
 */
export function abortRejection(signal: AbortSignal | undefined): { readonly promise: Promise<never> | undefined; readonly dispose: () => void } {
  if (signal === undefined) return { promise: undefined, dispose: () => {} };
  let onAbort = (): void => {};
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => {
      timer = setTimeout(() => reject(aborted()), IN_FLIGHT_GRACE_MS);
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
 * Races a request against its `timeoutMs` and against `giveUp` (the run's cancellation, the end of a phase's grace), so
 * that none waits for ever on a copy that never answers; the request's own later outcome is then ignored. The timer is
 * armed when `turn` resolves, to the time it gives: when the copy can start on the request, the time left to it.
 */
export function settleInTime(request: Promise<InferenceTiming>, timeoutMs: number, turn: Promise<number>, giveUp: Promise<never> | undefined): Promise<InferenceTiming> {
  request.catch(() => {});
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    void turn.then((leftMs) => {
      if (!settled) timer = setTimeout(() => reject(new RequestTimeout(timeoutMs)), leftMs);
    });
  });
  const racers: Promise<InferenceTiming>[] = giveUp === undefined ? [request, timeout] : [request, timeout, giveUp];
  return Promise.race(racers).finally(() => {
    settled = true;
    clearTimeout(timer);
  });
}

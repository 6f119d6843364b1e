import { setMaxListeners } from 'node:events';
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

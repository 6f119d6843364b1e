import type { InferenceTiming } from '../backends/backend.js';
import { monotonicNowNs } from '../core/clock.js';
import { RequestTimeout } from './settle-request.js';

/** A request to the copy not yet settled, in the order the copy works through them. */
interface Waiting {
  readonly issuedNs: number;
  settled: boolean;
  readonly resolve: (timing: InferenceTiming) => void;
  readonly reject: (reason: unknown) => void;
  next: Waiting | undefined;
}

/**
 * One copy's requests in flight, with one timer for all of them. A copy works through its requests in order, so only
 * the oldest unsettled one can be overdue: it times out when the copy, once it could start on it, has answered nothing
 * for the timeout since the later of the request's issue and the copy's last answer. A request therefore never times
 * out for queueing behind earlier ones, and those queued behind one a frozen worker never answers time out with it.
 *
 * The timer is re-armed in place (`refresh`) as each answer moves the oldest request on, so a run of millions of
 * requests makes no timer, listener or promise chain per request beyond the request's own promise.
 */
export class CopyDeadlines {
  #oldest: Waiting | undefined;
  #newest: Waiting | undefined;
  #timer: NodeJS.Timeout | undefined;
  // Whether the timer runs for a whole timeout, so that `refresh` re-arms it for one.
  #timerInFull = false;
  #unanswered = 0;
  #progressNs: number;
  #stopped: unknown;
  #hasStopped = false;

  /** `startNs`: when the copy last showed progress before its first request (the phase's start), on `nowNs`'s clock. */
  constructor(
    readonly timeoutMs: number,
    startNs: number,
    private readonly nowNs: () => number = monotonicNowNs,
  ) {
    this.#progressNs = startNs;
  }

  /** Answered nothing for twice the timeout while requests waited at `nowNs`: the worker is frozen, not slow. */
  frozen(nowNs: number): boolean {
    return this.#unanswered > 0 && nowNs - this.#progressNs > 2e6 * this.timeoutMs;
  }

  /** Settles with `request`, or fails once it is overdue or once {@link stopWaiting} is called; a later outcome is ignored. */
  settle(request: Promise<InferenceTiming>): Promise<InferenceTiming> {
    const issuedNs = this.nowNs();
    if (this.#unanswered++ === 0) this.#progressNs = issuedNs;
    return new Promise<InferenceTiming>((resolve, reject) => {
      const waiting: Waiting = { issuedNs, settled: false, resolve, reject, next: undefined };
      request.then(
        (timing) => this.#answered(waiting, timing, undefined),
        (error: unknown) => this.#answered(waiting, undefined, error),
      );
      if (this.#hasStopped) {
        waiting.settled = true;
        return reject(this.#stopped);
      }
      if (this.#newest === undefined) {
        this.#oldest = this.#newest = waiting;
        // Issued now, so due a whole timeout from now.
        this.#armInFull();
      } else {
        this.#newest = this.#newest.next = waiting;
      }
    });
  }

  /** Fails every request waiting, and every later one, with `reason`: the run stopped waiting for this copy. */
  stopWaiting(reason: unknown): void {
    this.#stopped = reason;
    this.#hasStopped = true;
    this.#failAll(reason);
    this.dispose();
  }

  /** Ends the timer; requests still waiting then wait on their own. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #failAll(reason: unknown): void {
    for (let waiting = this.#oldest; waiting !== undefined; waiting = waiting.next) {
      if (waiting.settled) continue;
      waiting.settled = true;
      waiting.reject(reason);
    }
    this.#oldest = this.#newest = undefined;
  }

  // An answer after the request's timeout still shows the copy is alive.
  #answered(waiting: Waiting, timing: InferenceTiming | undefined, error: unknown): void {
    this.#unanswered--;
    this.#progressNs = this.nowNs();
    if (waiting.settled) return;
    waiting.settled = true;
    if (timing === undefined) waiting.reject(error);
    else waiting.resolve(timing);
    if (waiting === this.#oldest) this.#moveOn();
  }

  /** The oldest request settled: the next unsettled one becomes the oldest, due a timeout after the answer just given. */
  #moveOn(): void {
    this.#dropSettled();
    if (this.#oldest === undefined) this.#timer?.unref();
    else this.#armInFull();
  }

  #dropSettled(): void {
    while (this.#oldest?.settled === true) this.#oldest = this.#oldest.next;
    if (this.#oldest === undefined) this.#newest = undefined;
  }

  #armInFull(): void {
    if (this.#hasStopped) return;
    if (this.#timer !== undefined && this.#timerInFull) {
      this.#timer.ref().refresh();
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#expire, this.timeoutMs);
    this.#timerInFull = true;
  }

  /** The oldest request is overdue; so is each one after it the copy has not answered a timeout since it was issued. */
  readonly #expire = (): void => {
    const timeout = new RequestTimeout(this.timeoutMs);
    const expireOldest = (): void => {
      const oldest = this.#oldest!;
      oldest.settled = true;
      oldest.reject(timeout);
      this.#dropSettled();
    };
    if (this.#oldest === undefined) return;
    expireOldest();
    const nowNs = this.nowNs();
    while (this.#oldest !== undefined) {
      const leftMs = (Math.max(this.#progressNs, this.#oldest.issuedNs) - nowNs) / 1e6 + this.timeoutMs;
      if (leftMs > 0) {
        clearTimeout(this.#timer);
        this.#timer = setTimeout(this.#expire, leftMs);
        this.#timerInFull = false;
        return;
      }
      expireOldest();
    }
    this.#timer?.unref();
  };
}

/**
 * Stops every one of `deadlines` waiting, with the signal's reason, once `signal` aborts (at once if it has). A listener
 * of our own, not AbortSignal.any: with a signal made by any() in the run, Node 20's heap grew by 16 MiB more over
 * 10 million requests (the memory bench). Returns what removes the listener.
 */
export function stopWaitingOnAbort(signal: AbortSignal | undefined, deadlines: readonly CopyDeadlines[]): () => void {
  const onAbort = (): void => deadlines.forEach((d) => d.stopWaiting(signal?.reason));
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return () => signal?.removeEventListener('abort', onAbort);
}

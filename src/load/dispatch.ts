import type { InferenceTiming, ModelCopy } from '../backends/backend.js';
import { monotonicNowNs } from '../core/clock.js';
import { InferbenchError } from '../core/errors.js';
import type { RequestRecord, StopReason } from './load-generator.js';
import type { LoadSettings } from '../options/load-settings.js';
import { CopyDeadlines, stopWaitingOnAbort } from './copy-deadlines.js';
import { IN_FLIGHT_GRACE_MS, RequestCutOff } from './settle-request.js';

/** What an issue loop (closed, open, offline) sees of the run: when it may issue, and how. */
export interface QueryDriver {
  /** Monotonic time the phase started; an open loop's schedule counts from here. */
  readonly startNs: number;
  /** Cancellation of the run. */
  readonly signal: AbortSignal | undefined;
  /** Queries issued so far in this phase. */
  readonly issuedQueries: number;
  /** Queries completed so far in this phase. */
  readonly completedQueries: number;
  /** Queries still needed to reach this phase's count bound (0 once reached). */
  readonly queriesShort: number;
  /** Whether a query may be issued at `atNs` (default now): not cancelled, and the stop rule not yet met. */
  mayIssue(atNs?: number): boolean;
  /** Issues the next query, due at `scheduledNs`; settles when its requests complete, fail or time out. Never rejects. */
  issue(scheduledNs: number): Promise<void>;
  /**
   * Waits for `queries`, issued before issuing stopped, for {@link IN_FLIGHT_GRACE_MS} plus the slowest inference seen;
   * those still waiting then are cut off and told as unfinished, so that the backlog of copies that cannot keep up
   * never holds the run past its end. The copies are not stopped: each finishes what it is computing.
   */
  drain(queries: Iterable<Promise<void>>): Promise<void>;
}

/** An issue loop: issues queries through the driver until it may not, and waits for them to settle. */
export type IssueLoop = (driver: QueryDriver, settings: LoadSettings) => Promise<void>;

/** A request's outcome: its record, or why it failed. */
export type RequestOutcome = RequestRecord | { readonly error: unknown };

/** What a phase tells as it dispatches; every time a monotonic clock reading. */
export interface DispatchListener {
  /** A query was handed to the copies at `sentNs`, due at `scheduledNs`. */
  onSend?(scheduledNs: number, sentNs: number): void;
  /** A request settled at `nowNs`, completed or failed. */
  onRequest?(outcome: RequestOutcome, nowNs: number): void;
  /** Every request of a query due at `scheduledNs` completed, the last at `endNs`. */
  onQuery?(scheduledNs: number, endNs: number): void;
  /** A query due at `scheduledNs` was still waiting for its copies when the phase stopped waiting, at `cutOffNs`. */
  onUnfinished?(scheduledNs: number, cutOffNs: number): void;
}

/** How one phase (warm-up or measurement) dispatches. */
export interface DispatchOptions {
  /** The loaded copies, served round-robin. */
  readonly copies: readonly ModelCopy[];
  /** Requests per query, and how long one may go unanswered, once its copy can start on it, before it counts as failed. */
  readonly settings: Pick<LoadSettings, 'requestsPerQuery' | 'requestTimeoutMs'>;
  /** Cancellation: no query is issued once it aborts. */
  readonly signal: AbortSignal | undefined;
  /** Aborts once a cancelled run has waited long enough for requests in flight. */
  readonly abort: AbortSignal | undefined;
  /** Monotonic time the phase started. */
  readonly startNs: number;
  /** Queries the phase issues at least; the driver's `queriesShort` counts towards it. */
  readonly countBound: number;
  /** The preloaded input the next request runs. */
  readonly chooseInput: () => number;
  /** True in warm-up: a model that fails there is broken, so the first failure stops the phase. */
  readonly stopOnFailure: boolean;
  /** Why issuing stops at `elapsedNs` into the phase with `issuedQueries` issued, or undefined to go on. */
  readonly stopRule: (elapsedNs: number, issuedQueries: number) => StopReason | undefined;
  /** Hears of every send, request and query. */
  readonly listener: DispatchListener;
}

/** A phase's driver, and what it leaves once its loop is done. */
export interface Dispatch {
  readonly driver: QueryDriver;
  /** The first request failure, if any. */
  readonly failure: () => unknown;
  /** Why issuing stopped (`minimums-met` when the loop ended on its own). */
  readonly stopReason: () => StopReason;
  /** When the stop rule stopped issuing, or undefined when the loop ended on its own. */
  readonly stoppedAtNs: () => number | undefined;
  /** Ends the phase's timers, once its loop is done. */
  readonly dispose: () => void;
}

/**
 * One phase's dispatch: measured request `i` goes to copy `i % copies.length`, a query's requests to consecutive
 * copies. Failed requests are counted by the listener and the phase goes on, unless `stopOnFailure`. Each copy's
 * requests time out as {@link CopyDeadlines} says: counted from when the copy can start on them, not while they queue.
 */
export function createDispatch(options: DispatchOptions): Dispatch {
  const { copies, settings, signal, abort, startNs, countBound, chooseInput, stopOnFailure, stopRule, listener } = options;
  let issued = 0;
  let completed = 0;
  let nextRequest = 0;
  let failure: unknown;
  let stopReason: StopReason | undefined;
  let stoppedAtNs: number | undefined;
  let slowestComputeNs = 0;
  let cutOffNs: number | undefined;
  const deadlines = copies.map(() => new CopyDeadlines(settings.requestTimeoutMs, startNs));
  const removeCancelListener = stopWaitingOnAbort(abort, deadlines);

  const runRequest = async (position: number, queryIndex: number, scheduledNs: number, sentNs: number): Promise<RequestOutcome> => {
    const copy = copies[position]!;
    const requestIndex = nextRequest++;
    const inputIndex = chooseInput();
    let timing: InferenceTiming;
    try {
      timing = await deadlines[position]!.settle(copy.infer(inputIndex));
    } catch (error) {
      // Cut short by the run's cancellation, or still waiting at the end of the phase: neither failed.
      if ((error instanceof InferbenchError && error.code === 'ABORTED') || error instanceof RequestCutOff) return { error };
      failure ??= error;
      listener.onRequest?.({ error }, monotonicNowNs());
      return { error };
    }
    slowestComputeNs = Math.max(slowestComputeNs, timing.computeNs);
    const record: RequestRecord = { requestIndex, queryIndex, copyIndex: copy.index, inputIndex, scheduledNs, sentNs, ...timing, endNs: monotonicNowNs() };
    listener.onRequest?.(record, record.endNs);
    return record;
  };

  /** Tells a query's fate: completed, unfinished, or neither (a failed request is told by itself). */
  const settleQuery = (scheduledNs: number, outcomes: readonly RequestOutcome[]): void => {
    const errors = outcomes.flatMap((o) => ('error' in o ? [o.error] : []));
    if (errors.length === 0) {
      completed++;
      listener.onQuery?.(scheduledNs, Math.max(...outcomes.map((o) => (o as RequestRecord).endNs)));
    } else if (cutOffNs !== undefined && errors.every((e) => e instanceof RequestCutOff)) {
      listener.onUnfinished?.(scheduledNs, cutOffNs);
    }
  };

  const driver: QueryDriver = {
    startNs,
    signal,
    get issuedQueries() {
      return issued;
    },
    get completedQueries() {
      return completed;
    },
    get queriesShort() {
      return Math.max(0, countBound - issued);
    },
    mayIssue(atNs = monotonicNowNs()) {
      if (signal?.aborted || (stopOnFailure && failure !== undefined)) return false;
      // Every copy's process is dead, or frozen: each request would fail, at once or a timeout later.
      if (failure !== undefined && copies.every((copy, p) => copy.gone === true || deadlines[p]!.frozen(monotonicNowNs()))) {
        stopReason ??= 'copies-failed';
        return false;
      }
      // Latched: once one client stops, all do, even if a later window would say otherwise.
      if (stopReason === undefined) {
        stopReason = stopRule(atNs - startNs, issued);
        if (stopReason !== undefined) stoppedAtNs = atNs;
      }
      return stopReason === undefined;
    },
    async issue(scheduledNs) {
      const queryIndex = issued++;
      const sentNs = monotonicNowNs();
      listener.onSend?.(scheduledNs, sentNs);
      const first = nextRequest;
      const position = (k: number): number => (first + k) % copies.length;
      if (settings.requestsPerQuery === 1) {
        settleQuery(scheduledNs, [await runRequest(position(0), queryIndex, scheduledNs, sentNs)]);
        return;
      }
      settleQuery(scheduledNs, await Promise.all(Array.from({ length: settings.requestsPerQuery }, (_, k) => runRequest(position(k), queryIndex, scheduledNs, sentNs))));
    },
    async drain(queries) {
      // A cancelled run's requests have their own grace, after which they are cut short, not unfinished.
      if (signal?.aborted) {
        await Promise.all(queries);
        return;
      }
      const timer = setTimeout(() => {
        cutOffNs = monotonicNowNs();
        const reason = new RequestCutOff();
        deadlines.forEach((d) => d.stopWaiting(reason));
      }, IN_FLIGHT_GRACE_MS + slowestComputeNs / 1e6);
      await Promise.all(queries);
      clearTimeout(timer);
    },
  };
  const dispose = (): void => {
    removeCancelListener();
    deadlines.forEach((d) => d.dispose());
  };
  return { driver, failure: () => failure, stopReason: () => stopReason ?? 'minimums-met', stoppedAtNs: () => stoppedAtNs, dispose };
}

import type { InferenceTiming, ModelCopy } from '../backends/backend.js';
import { monotonicNowNs } from '../core/clock.js';
import { InferbenchError, firstLine } from '../core/errors.js';
import { seededRandom } from '../core/random.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import { percentileInterval, withinPrecision } from '../stats/percentile-confidence.js';
import { checkStability, type StabilityCheck } from '../stats/stability.js';
import { requireInteger } from '../core/validate.js';
import type { ErrorKindCount, FirstInference, LoadResult, LoadRunHooks, LoadTarget, MeasurementWindow, RequestRecord, StopReason } from './load-generator.js';
import { defaultWarmupQueries, type LoadSettings } from '../options/load-settings.js';
import { MeasurementWindows } from './measurement-windows.js';

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
}

/** An issue loop: issues queries through the driver until it may not, and waits for them to settle. */
export type IssueLoop = (driver: QueryDriver, settings: LoadSettings) => Promise<void>;

/** Why a request did not complete. */
const TIMEOUT_KIND = 'TIMEOUT';

/** Thrown inside a request that passed its timeout. */
class RequestTimeout {
  constructor(readonly timeoutMs: number) {}
}

function errorKind(error: unknown): string {
  if (error instanceof RequestTimeout) return TIMEOUT_KIND;
  if (error instanceof InferbenchError) return error.code;
  return error instanceof Error ? error.name : 'Error';
}

function errorMessage(error: unknown): string {
  return error instanceof RequestTimeout ? `a request ran past the ${error.timeoutMs} ms timeout` : firstLine(error);
}

const aborted = (): InferbenchError => new InferbenchError('ABORTED', 'the run was cancelled before it finished');

/** How long requests in flight at cancellation may take to finish before the run stops waiting for them. */
const ABORT_GRACE_MS = 2000;

/**
 * A promise that rejects with ABORTED some time after `signal` aborts: one listener for the whole run,
 * however many requests race it. Requests in flight get {@link ABORT_GRACE_MS} to finish first, since
 * closing a copy while it computes can take its runtime down; only a copy that never answers is left.
 */
function abortRejection(signal: AbortSignal | undefined): { readonly promise: Promise<never> | undefined; readonly dispose: () => void } {
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
function settleInTime(request: Promise<InferenceTiming>, timeoutMs: number | undefined, abort: Promise<never> | undefined): Promise<InferenceTiming> {
  if (timeoutMs === undefined && abort === undefined) return request;
  request.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const racers: Promise<InferenceTiming>[] = [request];
  if (abort) racers.push(abort);
  if (timeoutMs !== undefined) racers.push(new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new RequestTimeout(timeoutMs)), timeoutMs))));
  return Promise.race(racers).finally(() => clearTimeout(timer));
}

/** Every copy's first, cold inference, all at once, before warm-up. */
async function measureFirstInference(copies: readonly ModelCopy[], abort: Promise<never> | undefined): Promise<FirstInference> {
  const outcomes = await Promise.all(
    copies.map(async (copy) => {
      const sentNs = monotonicNowNs();
      const timing = await settleInTime(copy.infer(0), undefined, abort);
      return { latencyNs: monotonicNowNs() - sentNs, computeNs: timing.computeNs };
    }),
  );
  return { latencyNs: outcomes.map((o) => o.latencyNs), computeNs: outcomes.map((o) => o.computeNs) };
}

/** A phase (warm-up or measurement): its bounds, its counters, and what it records. */
interface Phase {
  readonly driver: QueryDriver;
  readonly failure: () => unknown;
  readonly stopReason: () => StopReason;
  readonly issued: () => number;
}

/**
 * The measurement shared by every scenario: each copy's first inference, warm-up, then measured
 * queries issued by `loop`, recorded into histograms and windows. Queries are timed from when they
 * were due, so a backend that falls behind an open loop's schedule is charged for it.
 */
export async function measureLoad(target: LoadTarget, settings: LoadSettings, hooks: LoadRunHooks, loop: IssueLoop): Promise<LoadResult> {
  const abort = abortRejection(hooks.signal);
  try {
    return await measure(target, settings, hooks, loop, abort.promise);
  } finally {
    abort.dispose();
  }
}

async function measure(target: LoadTarget, settings: LoadSettings, hooks: LoadRunHooks, loop: IssueLoop, abort: Promise<never> | undefined): Promise<LoadResult> {
  requireInteger('inputCount', target.inputCount, 1);
  const { copies, inputCount } = target;
  if (copies.length === 0) throw new InferbenchError('INVALID_OPTION', 'the load generator needs at least one model copy');
  const { signal } = hooks;
  const throwIfAborted = (): void => {
    if (signal?.aborted) throw aborted();
  };
  // A throwing listener ends the run with its error, rather than counting as a failed request.
  let hookFailure: unknown;
  const callHook = <A extends unknown[]>(hook: ((...args: A) => void) | undefined, ...args: A): void => {
    try {
      hook?.(...args);
    } catch (error) {
      hookFailure ??= error;
    }
  };

  throwIfAborted();
  const firstInference = await measureFirstInference(copies, abort);

  // Warm-up: the scenario's own loop and concurrency, round-robin over copies and samples, nothing recorded.
  const warmupQueries = settings.warmupQueries ?? defaultWarmupQueries(copies.length, settings.requestsPerQuery);
  let warmupRequest = 0;
  const warmup = createPhase({
    copies,
    settings,
    signal,
    abort,
    countBound: warmupQueries,
    chooseSample: () => warmupRequest++ % inputCount,
    recordSendDelay: false,
    onRequest: () => {},
    onQuery: () => {},
    stopRule: () => undefined,
  });
  if (warmupQueries > 0) await loop(warmup.driver, settings);
  if (warmup.failure() !== undefined) throw warmup.failure();
  throwIfAborted();

  // Measurement.
  callHook(hooks.onMeasurementStart);
  const latency = new LatencyHistogram();
  const queue = new LatencyHistogram();
  const compute = new LatencyHistogram();
  const sendDelay = new LatencyHistogram();
  const requestsPerCopy = copies.map(() => 0);
  const errorsByKind = new Map<string, ErrorKindCount>();
  let errorTotal = 0;
  let completedQueries = 0;
  let completedRequests = 0;
  let lateQueries = 0;
  let firstSentNs: number | undefined;
  let lastSentNs = 0;
  const lateThresholdNs = settings.lateSendThresholdMs * 1e6;
  const random = seededRandom(settings.seed);
  let stability: StabilityCheck = checkStability([], stabilitySettingsOf(settings));
  let precisionMet: boolean | undefined = settings.precision === undefined ? undefined : false;

  const startNs = monotonicNowNs();
  let lastEndNs = startNs;
  const windows = new MeasurementWindows(
    { windowMs: settings.windowMs, windowQueries: settings.windowQueries, percentiles: settings.percentiles, stabilityPercentile: settings.scenarioPercentile },
    startNs,
    (window) => {
      stability = judgeStability(windows.closed, settings);
      if (settings.precision !== undefined) precisionMet = isPrecise(latency, settings);
      callHook(hooks.onWindow, window, {
        elapsedNs: window.endNs,
        issuedQueries: measurement.issued(),
        completedQueries,
        failedRequests: errorTotal,
        queriesPerSecond: window.endNs > 0 ? (completedQueries * 1e9) / window.endNs : 0,
        latencyPercentilesNs: latency.percentilesNs(settings.percentiles),
        stability,
        precisionMet,
      });
    },
  );
  const windowTimer = settings.windowMs === undefined ? undefined : setInterval(() => windows.advanceTo(monotonicNowNs()), settings.windowMs);
  windowTimer?.unref();

  const measurement = createPhase({
    copies,
    settings,
    signal,
    abort,
    startNs,
    countBound: settings.minQueryCount,
    chooseSample: () => random.int(0, inputCount - 1),
    recordSendDelay: true,
    onSend: (scheduledNs, sentNs) => {
      firstSentNs ??= sentNs;
      lastSentNs = sentNs;
      if (settings.rateQps === undefined) return;
      sendDelay.recordNs(sentNs - scheduledNs);
      if (sentNs - scheduledNs > lateThresholdNs) lateQueries++;
    },
    onRequest: (outcome, nowNs) => {
      // The run lasts until its last request settles, failed or not.
      lastEndNs = Math.max(lastEndNs, nowNs);
      if ('error' in outcome) {
        errorTotal++;
        const kind = errorKind(outcome.error);
        const known = errorsByKind.get(kind);
        errorsByKind.set(kind, { count: (known?.count ?? 0) + 1, example: known?.example ?? errorMessage(outcome.error) });
        windows.addFailure(nowNs);
        return;
      }
      completedRequests++;
      queue.recordNs(outcome.computeStartNs - outcome.sentNs);
      compute.recordNs(outcome.computeNs);
      requestsPerCopy[outcome.copyIndex]!++;
      windows.addRequest(nowNs);
      callHook(hooks.onRequestComplete, outcome);
    },
    onQuery: (scheduledNs, endNs) => {
      completedQueries++;
      latency.recordNs(endNs - scheduledNs);
      windows.addQuery(endNs, endNs - scheduledNs);
    },
    stopRule: (elapsedNs, issued) => {
      if (hookFailure !== undefined) return 'minimums-met';
      if (settings.maxQueryCount !== undefined && issued >= settings.maxQueryCount) return settings.maxQueryCount === settings.minQueryCount ? 'query-count' : 'max-queries';
      if (settings.maxDurationMs !== undefined && elapsedNs >= settings.maxDurationMs * 1e6) return settings.maxDurationMs === settings.minDurationMs ? 'duration' : 'max-duration';
      if (elapsedNs < settings.minDurationMs * 1e6 || issued < settings.minQueryCount) return undefined;
      if (settings.untilStable && !stability.stable) return undefined;
      if (precisionMet === false) return undefined;
      // A window closes when a request ends, before that request's query is recorded; judge the
      // stop on every query completed so far, or the result could contradict its own stop reason.
      if (precisionMet === true && !isPrecise(latency, settings)) {
        precisionMet = false;
        return undefined;
      }
      return settings.untilStable ? 'stable' : settings.precision !== undefined ? 'precision-met' : 'minimums-met';
    },
  });
  try {
    await loop(measurement.driver, settings);
  } finally {
    clearInterval(windowTimer);
  }
  throwIfAborted();
  if (hookFailure !== undefined) throw hookFailure;
  if (completedQueries === 0 && measurement.failure() !== undefined) throw measurement.failure();
  windows.finish(lastEndNs);
  stability = judgeStability(windows.closed, settings);
  if (settings.precision !== undefined) precisionMet = isPrecise(latency, settings);

  const issuedQueries = measurement.issued();
  return {
    settings,
    latency,
    queue,
    compute,
    sendDelay,
    issuedQueries,
    completedQueries,
    completedRequests,
    errors: { total: errorTotal, timeouts: errorsByKind.get(TIMEOUT_KIND)?.count ?? 0, byKind: Object.fromEntries(errorsByKind) },
    lateQueries,
    achievedQps:
      settings.rateQps === undefined || firstSentNs === undefined || lastSentNs <= firstSentNs ? undefined : ((issuedQueries - 1) * 1e9) / (lastSentNs - firstSentNs),
    warmupQueries,
    firstInference,
    elapsedNs: lastEndNs - startNs,
    requestsPerCopy,
    windows: windows.closed,
    stability,
    precisionMet,
    stopReason: measurement.stopReason(),
  };
}

function stabilitySettingsOf(settings: LoadSettings) {
  return { windowCount: settings.stabilityWindows, maxRatio: settings.stabilityMaxRatio, judgeLatency: settings.stabilityJudgesLatency };
}

/** The stability rule over the last whole windows; a final, partial window is left out. */
function judgeStability(windows: readonly MeasurementWindow[], settings: LoadSettings): StabilityCheck {
  // Only the last window can be partial: look no further back than the rule does, so a long run's
  // thousands of windows cost nothing each time one closes.
  const whole = windows.slice(-(settings.stabilityWindows + 1)).filter((w) => !w.partial);
  return checkStability(
    whole.map((w) => (w.stabilityLatencyNs === undefined ? { throughputPerSecond: w.queriesPerSecond } : { throughputPerSecond: w.queriesPerSecond, latencyNs: w.stabilityLatencyNs })),
    stabilitySettingsOf(settings),
  );
}

/** True when every reported percentile's confidence interval is within the precision asked. */
function isPrecise(latency: LatencyHistogram, settings: LoadSettings): boolean {
  if (latency.count === 0) return false;
  return withinPrecision(
    settings.percentiles.map((p) => percentileInterval(latency, p, settings.confidenceLevel)),
    settings.precision!,
  );
}

/** A request's outcome: its record, or why it failed. */
type RequestOutcome = RequestRecord | { readonly error: unknown };

interface PhaseOptions {
  readonly copies: readonly ModelCopy[];
  readonly settings: LoadSettings;
  readonly signal: AbortSignal | undefined;
  readonly abort: Promise<never> | undefined;
  readonly startNs?: number;
  readonly countBound: number;
  readonly chooseSample: () => number;
  readonly recordSendDelay: boolean;
  readonly onSend?: (scheduledNs: number, sentNs: number) => void;
  readonly onRequest: (outcome: RequestOutcome, nowNs: number) => void;
  readonly onQuery: (scheduledNs: number, endNs: number) => void;
  /** Why issuing should stop now, or undefined to go on. */
  readonly stopRule: (elapsedNs: number, issued: number) => StopReason | undefined;
}

/**
 * One phase's driver. In warm-up any failure stops the phase (a model that fails there is broken);
 * in measurement failures are counted and the phase goes on.
 */
function createPhase(options: PhaseOptions): Phase {
  const { copies, settings, signal, abort, countBound, chooseSample, onSend, onRequest, onQuery, stopRule } = options;
  const warmup = options.startNs === undefined;
  const startNs = options.startNs ?? monotonicNowNs();
  let issued = 0;
  let completed = 0;
  let nextRequest = 0;
  let failure: unknown;
  let stopReason: StopReason | undefined;

  const runRequest = async (copy: ModelCopy, queryIndex: number, scheduledNs: number, sentNs: number): Promise<RequestOutcome> => {
    const requestIndex = nextRequest++;
    const inputIndex = chooseSample();
    let timing: InferenceTiming;
    try {
      timing = await settleInTime(copy.infer(inputIndex), settings.requestTimeoutMs, abort);
    } catch (error) {
      failure ??= error;
      onRequest({ error }, monotonicNowNs());
      return { error };
    }
    const record: RequestRecord = { requestIndex, queryIndex, copyIndex: copy.index, inputIndex, scheduledNs, sentNs, ...timing, endNs: monotonicNowNs() };
    onRequest(record, record.endNs);
    return record;
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
      if (signal?.aborted || (warmup && failure !== undefined)) return false;
      if (warmup) return issued < countBound;
      // Latched: once one client stops, all do, even if a later window would say otherwise.
      stopReason ??= stopRule(atNs - startNs, issued);
      return stopReason === undefined;
    },
    async issue(scheduledNs) {
      const queryIndex = issued++;
      const sentNs = monotonicNowNs();
      onSend?.(scheduledNs, sentNs);
      const first = nextRequest;
      if (settings.requestsPerQuery === 1) {
        const outcome = await runRequest(copies[first % copies.length]!, queryIndex, scheduledNs, sentNs);
        if (!('error' in outcome)) {
          completed++;
          onQuery(scheduledNs, outcome.endNs);
        }
        return;
      }
      const outcomes = await Promise.all(
        Array.from({ length: settings.requestsPerQuery }, (_, k) => runRequest(copies[(first + k) % copies.length]!, queryIndex, scheduledNs, sentNs)),
      );
      if (outcomes.some((o) => 'error' in o)) return;
      completed++;
      onQuery(scheduledNs, Math.max(...outcomes.map((o) => (o as RequestRecord).endNs)));
    },
  };
  return {
    driver,
    failure: () => failure,
    stopReason: () => stopReason ?? 'minimums-met',
    issued: () => issued,
  };
}

import { InferbenchError, firstLine } from '../core/errors.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import { percentileInterval, withinPrecision } from '../stats/percentile-confidence.js';
import { checkStability, type StabilityCheck } from '../stats/stability.js';
import type { DispatchListener, RequestOutcome } from './dispatch.js';
import type { ErrorKindCount, LoadResult, MeasurementWindow, RequestRecord, RunningFigures } from './load-generator.js';
import type { LoadSettings } from '../options/load-settings.js';
import { MeasurementWindows } from './measurement-windows.js';
import { RequestTimeout } from './settle-request.js';

/** The error kind of a request that passed its timeout. */
const TIMEOUT_KIND = 'TIMEOUT';

function errorKind(error: unknown): string {
  if (error instanceof RequestTimeout) return TIMEOUT_KIND;
  if (error instanceof InferbenchError) return error.code;
  return error instanceof Error ? error.name : 'Error';
}

function errorMessage(error: unknown): string {
  return error instanceof RequestTimeout ? `a request ran past the ${error.timeoutMs} ms timeout` : firstLine(error);
}

/** Who hears of a measurement as it goes; neither may throw. */
export interface RecorderListeners {
  readonly onRequestComplete: (record: RequestRecord) => void;
  readonly onWindow: (window: MeasurementWindow, running: RunningFigures) => void;
}

/** What the recorder does not see itself, added to the result. */
export type UnrecordedFigures = Pick<LoadResult, 'warmupQueries' | 'firstInference' | 'stopReason'>;

/**
 * What a measurement records of the queries dispatched: histograms of latency, queueing, compute and send delay,
 * error counts by kind, requests per copy, and the windows, with the stability and precision judged as each closes.
 * Queries are timed from when they were due, so a backend that falls behind an open loop's schedule is charged for it.
 */
export class LoadRecorder implements DispatchListener {
  readonly #settings: LoadSettings;
  readonly #listeners: RecorderListeners;
  readonly #startNs: number;
  readonly #latency = new LatencyHistogram();
  readonly #queue = new LatencyHistogram();
  readonly #compute = new LatencyHistogram();
  readonly #sendDelay = new LatencyHistogram();
  readonly #requestsPerCopy: number[];
  readonly #errorsByKind = new Map<string, ErrorKindCount>();
  readonly #windows: MeasurementWindows;
  readonly #lateThresholdNs: number;
  #errorTotal = 0;
  #issuedQueries = 0;
  #completedQueries = 0;
  #completedRequests = 0;
  #lateQueries = 0;
  #unfinishedQueries = 0;
  #firstSentNs: number | undefined;
  #lastSentNs = 0;
  #lastEndNs: number;
  #stability: StabilityCheck;
  #precisionMet: boolean | undefined;

  /** Starts recording at monotonic time `startNs`, for `copyCount` copies. */
  constructor(settings: LoadSettings, copyCount: number, startNs: number, listeners: RecorderListeners) {
    this.#settings = settings;
    this.#listeners = listeners;
    this.#startNs = startNs;
    this.#lastEndNs = startNs;
    this.#requestsPerCopy = Array.from({ length: copyCount }, () => 0);
    this.#lateThresholdNs = settings.lateSendThresholdMs * 1e6;
    this.#stability = checkStability([], stabilitySettingsOf(settings));
    this.#precisionMet = settings.precision === undefined ? undefined : false;
    const windowSettings = { windowMs: settings.windowMs, windowQueries: settings.windowQueries, percentiles: settings.percentiles, stabilityPercentile: settings.scenarioPercentile };
    this.#windows = new MeasurementWindows(windowSettings, startNs, (window) => this.#windowClosed(window));
  }

  /** Measured queries completed so far. */
  get completedQueries(): number {
    return this.#completedQueries;
  }

  /** The stability rule over the windows closed so far. */
  get stable(): boolean {
    return this.#stability.stable;
  }

  /**
   * Whether every asked percentile is known to the precision asked. False until a window found it so; then judged
   * again on every query completed so far, since a window closes when a request ends, before that request's query
   * is recorded: a stop taken on the window's judgement alone could contradict the result. A miss holds until the
   * next window.
   */
  precisionMet(): boolean {
    if (this.#precisionMet !== true) return false;
    if (!this.#isPrecise()) this.#precisionMet = false;
    return this.#precisionMet;
  }

  /** Closes every time window that ended by `nowNs`. */
  advanceTo(nowNs: number): void {
    this.#windows.advanceTo(nowNs);
  }

  onSend(scheduledNs: number, sentNs: number): void {
    this.#issuedQueries++;
    this.#firstSentNs ??= sentNs;
    this.#lastSentNs = sentNs;
    if (this.#settings.rateQps === undefined) return;
    this.#sendDelay.recordNs(sentNs - scheduledNs);
    if (sentNs - scheduledNs > this.#lateThresholdNs) this.#lateQueries++;
  }

  onRequest(outcome: RequestOutcome, nowNs: number): void {
    // The run lasts until its last request settles, failed or not.
    this.#lastEndNs = Math.max(this.#lastEndNs, nowNs);
    if ('error' in outcome) {
      this.#errorTotal++;
      const kind = errorKind(outcome.error);
      const known = this.#errorsByKind.get(kind);
      this.#errorsByKind.set(kind, { count: (known?.count ?? 0) + 1, example: known?.example ?? errorMessage(outcome.error) });
      this.#windows.addFailure(nowNs);
      return;
    }
    this.#completedRequests++;
    this.#queue.recordNs(outcome.computeStartNs - outcome.sentNs);
    this.#compute.recordNs(outcome.computeNs);
    this.#requestsPerCopy[outcome.copyIndex]!++;
    this.#windows.addRequest(nowNs);
    this.#listeners.onRequestComplete(outcome);
  }

  onQuery(scheduledNs: number, endNs: number): void {
    this.#completedQueries++;
    this.#latency.recordNs(endNs - scheduledNs);
    this.#windows.addQuery(endNs, endNs - scheduledNs);
  }

  /** An unfinished query's latency is at least its wait so far: left out, the slowest queries would vanish from the tail. */
  onUnfinished(scheduledNs: number, cutOffNs: number): void {
    this.#unfinishedQueries++;
    this.#latency.recordNs(cutOffNs - scheduledNs);
  }

  /**
   * Closes the last window and judges stability and precision on everything recorded. The measured span ends when
   * issuing stopped or the last query ended, whichever is later: a closed loop can stop a few microseconds after its
   * last answer, and a run asked for one second then still reports at least one.
   */
  finish(unrecorded: UnrecordedFigures, stoppedAtNs = this.#lastEndNs): LoadResult {
    const settings = this.#settings;
    this.#lastEndNs = Math.max(this.#lastEndNs, stoppedAtNs);
    this.#windows.finish(this.#lastEndNs);
    this.#judge();
    const issuedQueries = this.#issuedQueries;
    const firstSentNs = this.#firstSentNs;
    return {
      settings,
      latency: this.#latency,
      queue: this.#queue,
      compute: this.#compute,
      sendDelay: this.#sendDelay,
      issuedQueries,
      completedQueries: this.#completedQueries,
      completedRequests: this.#completedRequests,
      errors: { total: this.#errorTotal, timeouts: this.#errorsByKind.get(TIMEOUT_KIND)?.count ?? 0, byKind: Object.fromEntries(this.#errorsByKind) },
      lateQueries: this.#lateQueries,
      unfinishedQueries: this.#unfinishedQueries,
      achievedQps:
        settings.rateQps === undefined || firstSentNs === undefined || this.#lastSentNs <= firstSentNs ? undefined : ((issuedQueries - 1) * 1e9) / (this.#lastSentNs - firstSentNs),
      warmupQueries: unrecorded.warmupQueries,
      firstInference: unrecorded.firstInference,
      startNs: this.#startNs,
      elapsedNs: this.#lastEndNs - this.#startNs,
      requestsPerCopy: this.#requestsPerCopy,
      windows: this.#windows.closed,
      stability: this.#stability,
      precisionMet: this.#precisionMet,
      stopReason: unrecorded.stopReason,
    };
  }

  #windowClosed(window: MeasurementWindow): void {
    this.#judge();
    const completedQueries = this.#completedQueries;
    this.#listeners.onWindow(window, {
      elapsedNs: window.endNs,
      issuedQueries: this.#issuedQueries,
      completedQueries,
      failedRequests: this.#errorTotal,
      queriesPerSecond: window.endNs > 0 ? (completedQueries * 1e9) / window.endNs : 0,
      latencyPercentilesNs: this.#latency.percentilesNs(this.#settings.percentiles),
      stability: this.#stability,
      precisionMet: this.#precisionMet,
    });
  }

  /** Judges stability over the last whole windows (a final, partial one left out), and precision where asked. */
  #judge(): void {
    // Only the last window can be partial: look no further back than the rule does, so a long run's
    // thousands of windows cost nothing each time one closes.
    const whole = this.#windows.closed.slice(-(this.#settings.stabilityWindows + 1)).filter((w) => !w.partial);
    this.#stability = checkStability(
      whole.map((w) => (w.stabilityLatencyNs === undefined ? { throughputPerSecond: w.queriesPerSecond } : { throughputPerSecond: w.queriesPerSecond, latencyNs: w.stabilityLatencyNs })),
      stabilitySettingsOf(this.#settings),
    );
    if (this.#settings.precision !== undefined) this.#precisionMet = this.#isPrecise();
  }

  /** True when every reported percentile's confidence interval is within the precision asked. */
  #isPrecise(): boolean {
    if (this.#latency.count === 0) return false;
    const { percentiles, confidenceLevel, precision } = this.#settings;
    return withinPrecision(
      percentiles.map((p) => percentileInterval(this.#latency, p, confidenceLevel)),
      precision!,
    );
  }
}

function stabilitySettingsOf(settings: LoadSettings) {
  return { windowCount: settings.stabilityWindows, maxRatio: settings.stabilityMaxRatio, judgeLatency: settings.stabilityJudgesLatency };
}

import { LatencyHistogram } from '../stats/latency-histogram.js';
import type { MeasurementWindow } from './load-generator.js';

/** How a run is cut into windows. */
export interface WindowSettings {
  /** Window length, for time windows. */
  readonly windowMs: number | undefined;
  /** Completed queries per window, for count windows. */
  readonly windowQueries: number | undefined;
  /** Percentiles each window reports. */
  readonly percentiles: readonly number[];
  /** Percentile the stability rule judges. */
  readonly stabilityPercentile: number;
}

interface OpenWindow {
  readonly index: number;
  readonly startNs: number;
  readonly latency: LatencyHistogram;
  queries: number;
  requests: number;
  failed: number;
}

/**
 * The time series of a run: completions are counted in the window in which they are seen, and a
 * window is summarised and dropped as it closes, so memory does not grow with the request count.
 */
export class MeasurementWindows {
  readonly #settings: WindowSettings;
  readonly #originNs: number;
  readonly #onClose: (window: MeasurementWindow) => void;
  readonly #closed: MeasurementWindow[] = [];
  #current: OpenWindow;

  /** Starts the first window at `originNs`; `onClose` hears of each window as it closes. */
  constructor(settings: WindowSettings, originNs: number, onClose: (window: MeasurementWindow) => void) {
    this.#settings = settings;
    this.#originNs = originNs;
    this.#onClose = onClose;
    this.#current = this.#open(0, originNs);
  }

  /** Windows closed so far, in order. */
  get closed(): readonly MeasurementWindow[] {
    return this.#closed;
  }

  /** Counts a completed request seen at `nowNs` (a query's requests count even when another of them fails). */
  addRequest(nowNs: number): void {
    this.advanceTo(nowNs);
    this.#current.requests++;
  }

  /** Counts a completed query with latency `latencyNs`, seen at `nowNs`. */
  addQuery(nowNs: number, latencyNs: number): void {
    this.advanceTo(nowNs);
    const w = this.#current;
    w.queries++;
    w.latency.recordNs(latencyNs);
    if (this.#settings.windowQueries !== undefined && w.queries >= this.#settings.windowQueries) this.#close(nowNs, false);
  }

  /** Counts a failed request seen at `nowNs`. */
  addFailure(nowNs: number): void {
    this.advanceTo(nowNs);
    this.#current.failed++;
  }

  /** Closes every time window that ended by `nowNs`, empty ones included (a stalled backend shows as zeros). */
  advanceTo(nowNs: number): void {
    const windowMs = this.#settings.windowMs;
    if (windowMs === undefined) return;
    while (nowNs >= this.#current.startNs + windowMs * 1e6) this.#close(this.#current.startNs + windowMs * 1e6, false);
  }

  /** Closes the last window at `endNs`, marked partial, if it holds any time or queries. */
  finish(endNs: number): void {
    this.advanceTo(endNs);
    const w = this.#current;
    if (endNs > w.startNs || w.queries > 0 || w.requests > 0 || w.failed > 0) this.#close(Math.max(endNs, w.startNs), true);
  }

  #open(index: number, startNs: number): OpenWindow {
    return { index, startNs, latency: new LatencyHistogram(), queries: 0, requests: 0, failed: 0 };
  }

  #close(endNs: number, partial: boolean): void {
    const w = this.#current;
    const seconds = (endNs - w.startNs) / 1e9;
    const empty = w.queries === 0;
    const window: MeasurementWindow = {
      index: w.index,
      startNs: w.startNs - this.#originNs,
      endNs: endNs - this.#originNs,
      partial,
      completedQueries: w.queries,
      completedRequests: w.requests,
      failedRequests: w.failed,
      queriesPerSecond: seconds > 0 ? w.queries / seconds : 0,
      requestsPerSecond: seconds > 0 ? w.requests / seconds : 0,
      latencyPercentilesNs: empty ? {} : w.latency.percentilesNs(this.#settings.percentiles),
      stabilityLatencyNs: empty ? undefined : w.latency.valueAtPercentileNs(this.#settings.stabilityPercentile),
    };
    this.#closed.push(window);
    this.#current = this.#open(w.index + 1, endNs);
    this.#onClose(window);
  }
}

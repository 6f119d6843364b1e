import * as hdr from 'hdr-histogram-js';
import { InferbenchError, firstLine } from '../errors.js';

/** Percentiles reported unless the caller asks for others. */
export const DEFAULT_PERCENTILES: readonly number[] = [50, 90, 95, 99, 99.9];

/** Three significant digits: any recorded value is off by at most 0.1%, at nanosecond resolution. */
const SIGNIFICANT_DIGITS = 3;

/** Latency distribution of a run, summarised. All times in nanoseconds. */
export interface LatencySummary {
  /** Number of recorded values. */
  readonly count: number;
  /** Smallest recorded value. */
  readonly minNs: number;
  /** Largest recorded value. */
  readonly maxNs: number;
  /** Arithmetic mean. */
  readonly meanNs: number;
  /** Population standard deviation. */
  readonly stdevNs: number;
  /** Value at each percentile, keyed by the percentile as written ("50", "99.9"). */
  readonly percentilesNs: Readonly<Record<string, number>>;
}

/**
 * An HDR histogram of durations in nanoseconds (1 ns resolution, 3 significant digits, self-resizing),
 * so that memory stays fixed however long a run lasts and percentiles need no stored list.
 */
export class LatencyHistogram {
  readonly #histogram: hdr.Histogram;

  constructor(histogram?: hdr.Histogram) {
    this.#histogram =
      histogram ??
      hdr.build({
        bitBucketSize: 64,
        autoResize: true,
        lowestDiscernibleValue: 1,
        highestTrackableValue: 2,
        numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
      });
  }

  /** Restores a histogram written by {@link LatencyHistogram.encode}. */
  static decode(encoded: string): LatencyHistogram {
    try {
      return new LatencyHistogram(hdr.decodeFromCompressedBase64(encoded, 64));
    } catch (error) {
      throw new InferbenchError('RESULT_INVALID', `cannot decode latency histogram: ${firstLine(error)}; pass a histogram field of an inferbench result unchanged`, { cause: error });
    }
  }

  /** Records one duration; rounded to whole nanoseconds, and at least 1 ns. */
  recordNs(valueNs: number): void {
    this.#histogram.recordValue(Math.max(1, Math.round(valueNs)));
  }

  /** Adds every value of `other` to this histogram. */
  add(other: LatencyHistogram): void {
    this.#histogram.add(other.#histogram);
  }

  /** Number of recorded values. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /**
   * Value at `percentile` (0–100): the highest value equivalent to the recorded one at that rank,
   * capped at the exact maximum, which a bucket's upper bound can pass.
   */
  valueAtPercentileNs(percentile: number): number {
    return Math.min(this.#histogram.getValueAtPercentile(percentile), this.#histogram.maxValue);
  }

  /** Summary statistics; an empty histogram gives zeros. */
  summarize(percentiles: readonly number[] = DEFAULT_PERCENTILES): LatencySummary {
    const h = this.#histogram;
    const empty = h.totalCount === 0;
    return {
      count: h.totalCount,
      minNs: empty ? 0 : h.minNonZeroValue,
      maxNs: empty ? 0 : h.maxValue,
      meanNs: empty ? 0 : h.mean,
      stdevNs: empty ? 0 : h.stdDeviation,
      percentilesNs: Object.fromEntries(percentiles.map((p) => [String(p), empty ? 0 : this.valueAtPercentileNs(p)])),
    };
  }

  /** HDR's compressed base64 encoding, readable by every HdrHistogram implementation. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#histogram);
  }
}

import * as hdr from 'hdr-histogram-js';
import { InferbenchError, firstLine } from '../core/errors.js';
import { requireInteger } from '../core/validate.js';

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

  /** Restores a histogram written by {@link LatencyHistogram.encode}; it grows as values are added, as a new one does. */
  static decode(encoded: string): LatencyHistogram {
    try {
      const histogram = hdr.decodeFromCompressedBase64(encoded, 64);
      // Decoding sizes the histogram to the values it holds; adding a run with longer latencies must not overflow it.
      histogram.autoResize = true;
      return new LatencyHistogram(histogram);
    } catch (error) {
      throw new InferbenchError('RESULT_INVALID', `cannot decode latency histogram: ${firstLine(error)}; pass a histogram field of an inferbench result unchanged`, { cause: error });
    }
  }

  /**
   * A copy whose smallest and largest values are the exact `minNs` and `maxNs` a summary of it kept:
   * HDR's encoding keeps bucket counts but rounds the extremes out to bucket edges, and percentiles
   * are capped at the largest. Each is set only when it falls in the bucket of the rounded one, that
   * is, when the summary is of these values.
   */
  withExactExtremes(minNs: number, maxNs: number): LatencyHistogram {
    if (this.count === 0) return this;
    const copy = LatencyHistogram.decode(this.encode());
    const h = copy.#histogram as hdr.JsHistogram;
    if (h.lowestEquivalentValue(minNs) === h.minNonZeroValue) h.minNonZeroValue = minNs;
    if (h.highestEquivalentValue(maxNs) === h.maxValue) h.maxValue = maxNs;
    return copy;
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

  /**
   * The rank-th smallest recorded value (1-based, 1 to count) as {@link valueAtPercentileNs} reports values:
   * the highest value equivalent to it, capped at the exact maximum.
   */
  valueAtRankNs(rank: number): number {
    if (this.count === 0) throw new InferbenchError('INVALID_OPTION', 'cannot take a rank of an empty latency histogram; record values first');
    requireInteger('rank', rank, 1, this.count);
    // Aim at the middle of the rank's percentile step: HDR rounds count × p / 100 up, and float error cannot move it half a rank.
    return this.valueAtPercentileNs((100 * (rank - 0.5)) / this.count);
  }

  /** Lowest value equivalent to `valueNs`: the bottom of its bucket, for lower bounds that quantisation must not raise. */
  lowestEquivalentNs(valueNs: number): number {
    return this.#buckets.lowestEquivalentValue(this.#wholeNs(valueNs));
  }

  /**
   * Number of recorded values above `valueNs`. The histogram keeps only bucket counts, so a bucket that straddles
   * `valueNs` counts as wholly above it: over a latency target this errs towards too many, never too few.
   * The count is exact for a `valueNs` below the smallest recorded value or at or above the largest.
   */
  countAboveNs(valueNs: number): number {
    const h = this.#buckets;
    const value = this.#wholeNs(valueNs);
    if (h.totalCount === 0 || value >= h.maxValue) return 0;
    if (value < h.minNonZeroValue) return h.totalCount;
    const index = h.countsArrayIndex(value);
    const lastAtOrBelow = h.highestEquivalentValue(value) <= value ? index : index - 1;
    let atOrBelow = 0;
    for (let i = 0; i <= lastAtOrBelow; i++) atOrBelow += h.getCountAtIndex(i);
    return h.totalCount - atOrBelow;
  }

  /** `valueNs` rounded down to whole nanoseconds, the unit values are recorded in; INVALID_OPTION unless it is ≥ 0. */
  #wholeNs(valueNs: number): number {
    if (!(valueNs >= 0)) throw new InferbenchError('INVALID_OPTION', `a latency must be a number of nanoseconds ≥ 0, got ${valueNs}`);
    return Math.floor(valueNs);
  }

  /** The JavaScript implementation, whose bucket arithmetic the Histogram interface leaves out; build and decode both make one. */
  get #buckets(): hdr.JsHistogram {
    if (this.#histogram instanceof hdr.JsHistogram) return this.#histogram;
    throw new InferbenchError('INVALID_OPTION', 'bucket queries need a JavaScript HDR histogram; construct LatencyHistogram without a WebAssembly one');
  }

  /**
   * Value at each percentile, keyed as written ("50", "99.9"); zeros when empty. Cheap, unlike
   * {@link LatencyHistogram.summarize}, whose mean and deviation walk every bucket.
   */
  percentilesNs(percentiles: readonly number[] = DEFAULT_PERCENTILES): Record<string, number> {
    const empty = this.#histogram.totalCount === 0;
    return Object.fromEntries(percentiles.map((p) => [String(p), empty ? 0 : this.valueAtPercentileNs(p)]));
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
      percentilesNs: this.percentilesNs(percentiles),
    };
  }

  /** HDR's compressed base64 encoding, readable by every HdrHistogram implementation. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#histogram);
  }
}

import { InferbenchError } from '../core/errors.js';
import type { BenchmarkResult } from './benchmark-result.js';
import { seededRandom, type SeededRandom } from '../core/random.js';
import { binomialCdf } from '../stats/binomial.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import {
  DEFAULT_CONFIDENCE_LEVEL,
  minimumCountForInterval,
  percentileConfidenceRanks,
  percentileInterval,
  requireConfidenceLevel,
} from '../stats/percentile-confidence.js';
import { requireInteger } from '../core/validate.js';
import { describeSettingDifferences, settingDifferences, type SettingDifference } from './setting-differences.js';

/**
 * How a change is told from noise. `intervals` (default): each value's distribution-free confidence interval, and a
 * change counts when the baseline's and the candidate's do not overlap. `bootstrap`: the difference candidate −
 * baseline is resampled, and a change counts when its interval excludes 0. Either rule is applied to the queries and,
 * where both results have enough whole windows, to the windows too; see {@link compareResults} for each figure.
 */
export type NoiseRule = 'intervals' | 'bootstrap';

/** What {@link compareResults} takes besides the results. */
export interface CompareOptions {
  /** How a change is told from noise; default `intervals`. */
  readonly noise?: NoiseRule;
  /** Confidence level of every interval, strictly between 0 and 1; default the baseline's `measurement.confidenceLevel`. */
  readonly confidenceLevel?: number;
  /** Seed of the resamples; default 1. The same seed gives the same comparison. */
  readonly seed?: number;
  /** Resamples of each bootstrap, at least 100; default 1,000. */
  readonly resamples?: number;
  /** Names of the results in warnings and reports, baseline first; default `baseline`, `candidate 1`, `candidate 2`, … */
  readonly labels?: readonly string[];
  /**
   * Largest tolerated regression, as a fraction of the baseline (0.05 for 5%); unset, no regression fails the
   * comparison. A figure that is not judged never fails it; one worse by more than this is listed in `unjudged`.
   */
  readonly failOnRegression?: number;
}

/** Bounds of an interval in a figure's unit; `upper` null when the data cannot bound it from above. */
export interface FigureInterval {
  /** Lower bound. */
  readonly lower: number;
  /** Upper bound; null when unbounded. */
  readonly upper: number | null;
}

/**
 * What decided whether a figure changed beyond the noise: `overlap` of each value's own interval, the interval of
 * the `difference` candidate − baseline excluding 0, or an `exact-test` of two error rates.
 */
export type NoiseTest = 'overlap' | 'difference' | 'exact-test';

/** One candidate's value of a figure, against the baseline's. */
export interface FigureChange {
  /** The candidate's value, in the figure's unit. */
  readonly value: number;
  /** (value − baseline) / baseline; 0 when both are 0, null when only the baseline is 0. */
  readonly relativeChange: number | null;
  /**
   * True when the change is beyond the noise, false when it is within it; null when it cannot be judged: too few
   * values or whole windows, or an interval the data leave unbounded (never read as within the noise).
   */
  readonly significant: boolean | null;
  /** True for a significant change in the worse direction. */
  readonly regression: boolean;
  /** With `overlap`: this value's own interval; with `difference`: the interval of candidate − baseline; null for `exact-test` or when not judged. */
  readonly interval: FigureInterval | null;
  /**
   * Latency percentiles: the same rule over whole windows (this result's interval of its median window value, or the
   * interval of the difference of mean window values); null when either result has too few whole windows with the
   * percentile, and then the queries alone were judged, as if independent.
   */
  readonly windowInterval: FigureInterval | null;
}

/** A figure of the results, the baseline's value and each candidate's. */
export interface ComparedFigure {
  /** Short name: `p50` … `p99.9`, `mean`, `samples/s`, `queries/s`, `errors`. */
  readonly figure: string;
  /** Unit of the values: nanoseconds, per second, or a fraction of requests. */
  readonly unit: 'ns' | 'per_second' | 'fraction';
  /** Which way is better: latency and errors `lower`, throughput `higher`. */
  readonly better: 'lower' | 'higher';
  /** How the noise was judged. */
  readonly test: NoiseTest;
  /** The baseline's value. */
  readonly baseline: number;
  /** With `overlap`: the baseline's own interval; null otherwise. */
  readonly baselineInterval: FigureInterval | null;
  /** Latency percentiles with `overlap`: the interval of the baseline's median window value; null otherwise or with too few windows. */
  readonly baselineWindowInterval: FigureInterval | null;
  /** Each candidate's value, in the order given. */
  readonly candidates: readonly FigureChange[];
}

/** Settings in which a candidate differs from the baseline. */
export interface SettingWarning {
  /** Index of the candidate, 0-based. */
  readonly candidate: number;
  /** Every differing setting, with both values. */
  readonly differences: readonly SettingDifference[];
  /** One line for people, naming each setting and both values. */
  readonly message: string;
}

/** A change in the worse direction larger than `failOnRegression`. */
export interface RegressionFailure {
  /** The figure. */
  readonly figure: string;
  /** The candidate's label. */
  readonly candidate: string;
  /** Its relative change; null when the baseline was 0. */
  readonly relativeChange: number | null;
}

/** The comparison of candidates with a baseline, JSON-safe. */
export interface ResultComparison {
  /** The noise rule applied. */
  readonly noise: NoiseRule;
  /** Confidence level of every interval. */
  readonly confidenceLevel: number;
  /** Resamples per bootstrap (and per normal approximation of the mean). */
  readonly resamples: number;
  /** Fewest values, and fewest whole windows, a figure is judged on: the count that bounds a median's interval (8 at 99%). */
  readonly minimumCount: number;
  /** Names of the results, baseline first. */
  readonly labels: readonly string[];
  /** Every figure compared. */
  readonly figures: readonly ComparedFigure[];
  /** Candidates that differ from the baseline in their settings; empty when none does. */
  readonly warnings: readonly SettingWarning[];
  /** The largest tolerated regression; null when none was set. */
  readonly failOnRegression: number | null;
  /** Regressions beyond `failOnRegression`, in figure order. */
  readonly failures: readonly RegressionFailure[];
  /**
   * Figures not judged (`significant` null) whose change is worse by more than `failOnRegression`, in figure order.
   * They do not fail the comparison, as nothing tells them from noise; they are listed so as not to pass unseen.
   */
  readonly unjudged: readonly RegressionFailure[];
  /** True when there is at least one failure. */
  readonly failed: boolean;
}

/** Resamples of each bootstrap unless told otherwise. */
const DEFAULT_RESAMPLES = 1000;
/** Fewer resamples cannot place a 99% interval's bounds. */
const MIN_RESAMPLES = 100;
/** Percentiles either side of the median whose spread stands in for the density there: p40 to p60. */
const DENSITY_SPAN_PERCENT = 10;

/**
 * Fewest values, and fewest whole windows, on each side for a figure to be judged at `confidenceLevel`: the count at
 * which the median's distribution-free interval is bounded (8 at 99%, 6 at 95%). Fewer say nothing of the spread.
 */
export function minimumComparedCount(confidenceLevel: number): number {
  return minimumCountForInterval(50, confidenceLevel);
}

/** {@link minimumComparedCount} at the default 99% confidence level: 8 whole windows. */
export const MIN_COMPARED_WINDOWS = minimumComparedCount(DEFAULT_CONFIDENCE_LEVEL);

/** What every figure's judgement needs. */
interface Judge {
  /** The noise rule. */
  readonly noise: NoiseRule;
  /** Confidence level of every interval. */
  readonly level: number;
  /** Draws per bootstrap. */
  readonly resamples: number;
  /** {@link minimumComparedCount} at `level`. */
  readonly minimumCount: number;
  /** The one seeded stream every draw comes from, in figure order. */
  readonly random: SeededRandom;
}

/** A figure's judgement for one candidate, before direction and relative change are added. */
interface Noise {
  /** Beyond the noise; null when not judged. */
  readonly significant: boolean | null;
  /** The interval judged, as {@link FigureChange.interval}. */
  readonly interval: FigureInterval | null;
  /** When significant: whether the candidate lies above the baseline. */
  readonly higher?: boolean;
}

const NOT_JUDGED: Noise = { significant: null, interval: null };

/** Bounds of the central `level` of sorted draws. */
function centralInterval(sorted: ArrayLike<number>, level: number): FigureInterval {
  const tail = (1 - level) / 2;
  const n = sorted.length;
  return { lower: sorted[Math.floor(tail * n)]!, upper: sorted[Math.min(n - 1, Math.ceil((1 - tail) * n) - 1)]! };
}

/** A difference's interval judged: beyond the noise when it excludes 0, upwards when it lies above it. */
function differenceNoise(interval: FigureInterval): Noise {
  const higher = interval.lower > 0;
  return { significant: higher || (interval.upper !== null && interval.upper < 0), interval, higher };
}

/**
 * Two own intervals judged: beyond the noise when they do not overlap; within it when they overlap and both are
 * bounded; not judged when they overlap only because one has no upper bound.
 */
function overlapNoise(baseline: FigureInterval, own: FigureInterval): Noise {
  if (baseline.upper !== null && own.lower > baseline.upper) return { significant: true, interval: own, higher: true };
  if (own.upper !== null && baseline.lower > own.upper) return { significant: true, interval: own, higher: false };
  return { significant: baseline.upper === null || own.upper === null ? null : false, interval: own };
}

/** 1-based rank of the value HDR reports at `percentile` of `count` values; the factor keeps float noise from adding a rank. */
const rankOf = (percentile: number, count: number): number => Math.max(1, Math.ceil((percentile / 100) * count * (1 - 1e-12)));

/**
 * One bootstrap draw of the value at `rank` of a resample: `count` values drawn with replacement from the recorded
 * ones, i.e. a multinomial over the histogram's buckets. That value is at most the i-th smallest recorded one exactly
 * when at least `rank` of the draws are, which happens with probability P(Binomial(count, i/count) ≥ rank); inverting
 * this in i for a uniform `u` draws the value without building the resample, however many values were recorded.
 */
function resampledValueNs(histogram: LatencyHistogram, rank: number, u: number): number {
  const count = histogram.count;
  // Invariant: P(resampled ≤ i-th value) < u at i = low, ≥ u at i = high (1 at i = count).
  let low = 0;
  let high = count;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (1 - binomialCdf(rank - 1, count, mid / count) >= u) high = mid;
    else low = mid;
  }
  return histogram.valueAtRankNs(high);
}

/** A percentile judged over the queries, each taken as an independent draw. */
function queryPercentileNoise(base: LatencyHistogram, candidate: LatencyHistogram, percentile: number, judge: Judge): Noise {
  if (base.count === 0 || candidate.count === 0) return NOT_JUDGED;
  if (judge.noise === 'intervals') {
    const own = percentileInterval(candidate, percentile, judge.level);
    const baseline = percentileInterval(base, percentile, judge.level);
    return overlapNoise({ lower: baseline.lowerNs, upper: baseline.upperNs }, { lower: own.lowerNs, upper: own.upperNs });
  }
  // The bootstrap cannot judge a percentile beyond the last few values (it only reshuffles them, and at the maximum
  // it calls any two samples different): below the count that bounds its interval at all, it is not judged.
  const needed = minimumCountForInterval(percentile, judge.level);
  if (base.count < needed || candidate.count < needed) return NOT_JUDGED;
  const baseRank = rankOf(percentile, base.count);
  const candidateRank = rankOf(percentile, candidate.count);
  const differences = new Float64Array(judge.resamples);
  for (let i = 0; i < judge.resamples; i++) {
    differences[i] = resampledValueNs(candidate, candidateRank, judge.random.float()) - resampledValueNs(base, baseRank, judge.random.float());
  }
  return differenceNoise(centralInterval(differences.sort(), judge.level));
}

/** Distribution-free interval of the median of per-window values, by the order statistics that bound latency percentiles. */
function medianInterval(values: readonly number[], level: number): FigureInterval {
  const sorted = [...values].sort((x, y) => x - y);
  const { lowerRank, upperRank } = percentileConfidenceRanks(sorted.length, 50, level);
  return { lower: lowerRank === 0 ? 0 : sorted[lowerRank - 1]!, upper: upperRank === null ? null : sorted[upperRank - 1]! };
}

/**
 * A figure judged on per-window values, each window one draw: `intervals`: the intervals of each result's median
 * window value must not overlap; `bootstrap`: the windows are resampled with replacement (a block bootstrap, the
 * window being the block) and the interval of the difference of mean window values must exclude 0. Not judged with
 * fewer than {@link minimumComparedCount} windows on either side.
 */
function windowNoise(base: readonly number[], candidate: readonly number[], judge: Judge): Noise {
  if (base.length < judge.minimumCount || candidate.length < judge.minimumCount) return NOT_JUDGED;
  if (judge.noise === 'intervals') return overlapNoise(medianInterval(base, judge.level), medianInterval(candidate, judge.level));
  const resampledMean = (values: readonly number[]): number => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[judge.random.int(0, values.length - 1)]!;
    return sum / values.length;
  };
  const differences = new Float64Array(judge.resamples);
  for (let i = 0; i < judge.resamples; i++) differences[i] = resampledMean(candidate) - resampledMean(base);
  return differenceNoise(centralInterval(differences.sort(), judge.level));
}

/**
 * A percentile judged over the queries and, where both results have enough whole windows, over the windows too: it
 * counts only when both find a change, the same way. Queries of one run are not independent (a busy machine slows a
 * stretch of them together), which narrows the queries' intervals below the truth; the windows' values vary with
 * that dependence, as long as it does not outlast a window.
 */
function percentileNoise(queries: Noise, windows: Noise): Noise & { windowInterval: FigureInterval | null } {
  if (queries.significant === null || windows.significant === null) return { ...queries, windowInterval: windows.interval };
  const agree = queries.significant && windows.significant && queries.higher === windows.higher;
  return { significant: agree, interval: queries.interval, ...(agree ? { higher: queries.higher! } : {}), windowInterval: windows.interval };
}

/** Whole windows' values of a percentile, keyed as written ("99.9"); windows without a completed query have none. */
const windowPercentilesNs = (result: BenchmarkResult, key: string): number[] =>
  result.measurement.windows.flatMap((w) => (w.partial || w.latencyPercentilesNs[key] === undefined ? [] : [w.latencyPercentilesNs[key]!]));

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * How much the dependence of a run's queries inflates the variance of its latency estimates: the variance of its
 * whole windows' medians over the variance they would have were queries independent, 1 / (4 f² nᵢ) for a window of
 * nᵢ queries, with f, the density at the median, read off the run's p40 to p60. At least 1 (dependence is not taken
 * to make an estimate more precise); 1 with fewer than {@link minimumComparedCount} windows with a median (p50 not
 * reported, or too short a run), when queries are taken as independent.
 */
function designEffect(result: BenchmarkResult, histogram: LatencyHistogram, judge: Judge): number {
  const windows = result.measurement.windows.filter((w) => !w.partial && w.completedQueries > 0 && w.latencyPercentilesNs['50'] !== undefined);
  const spreadNs = histogram.valueAtPercentileNs(50 + DENSITY_SPAN_PERCENT) - histogram.valueAtPercentileNs(50 - DENSITY_SPAN_PERCENT);
  if (windows.length < judge.minimumCount || !(spreadNs > 0)) return 1;
  const inverseDensityNs = spreadNs / ((2 * DENSITY_SPAN_PERCENT) / 100);
  const independent = (inverseDensityNs ** 2 / 4) * mean(windows.map((w) => 1 / w.completedQueries));
  const medians = windows.map((w) => w.latencyPercentilesNs['50']!);
  const centre = mean(medians);
  const observed = medians.reduce((a, m) => a + (m - centre) ** 2, 0) / (medians.length - 1);
  return Math.max(1, observed / independent);
}

/**
 * The mean has no distribution-free interval. Its difference is taken as normal with variance D₁s₁²/n₁ + D₂s₂²/n₂
 * (Welch's large-sample rule, each side widened by its {@link designEffect} D), and the interval is read off seeded
 * normal draws: the bootstrap of the mean by the central limit theorem, in both noise rules. Not judged with fewer
 * than {@link minimumComparedCount} values on either side.
 */
function meanNoise(base: BenchmarkResult, baseHistogram: LatencyHistogram, candidate: BenchmarkResult, candidateHistogram: LatencyHistogram, judge: Judge): Noise {
  if (baseHistogram.count < judge.minimumCount || candidateHistogram.count < judge.minimumCount) return NOT_JUDGED;
  const b = baseHistogram.summarize([]);
  const c = candidateHistogram.summarize([]);
  const difference = c.meanNs - b.meanNs;
  const variance = (designEffect(base, baseHistogram, judge) * b.stdevNs ** 2) / b.count + (designEffect(candidate, candidateHistogram, judge) * c.stdevNs ** 2) / c.count;
  const draws = Float64Array.from(judge.random.normals(judge.resamples, 1), (z) => difference + Math.sqrt(variance) * z);
  return differenceNoise(centralInterval(draws.sort(), judge.level));
}

/** Failed requests and all requests attempted. */
function errorsOf(result: BenchmarkResult): { failed: number; attempted: number } {
  const { errors, completedRequests } = result.measurement;
  return { failed: errors.total, attempted: errors.total + completedRequests };
}

/**
 * Error rates, in both noise rules, by the exact conditional test of two Poisson rates: given k failures in all,
 * the candidate's share of them is Binomial(k, its share of the requests) when the rates are equal; the change is
 * significant when the two-sided p-value is below 1 − confidence level.
 */
function errorNoise(base: BenchmarkResult, candidate: BenchmarkResult, level: number): Noise {
  const b = errorsOf(base);
  const c = errorsOf(candidate);
  if (b.attempted === 0 || c.attempted === 0) return NOT_JUDGED;
  const total = b.failed + c.failed;
  if (total === 0) return { significant: false, interval: null };
  const share = c.attempted / (b.attempted + c.attempted);
  const atMost = binomialCdf(c.failed, total, share);
  const atLeast = 1 - binomialCdf(c.failed - 1, total, share);
  return { significant: Math.min(1, 2 * Math.min(atMost, atLeast)) < 1 - level, interval: null };
}

const errorRate = (result: BenchmarkResult): number => {
  const { failed, attempted } = errorsOf(result);
  return attempted === 0 ? 0 : failed / attempted;
};

function relativeChange(baseline: number, value: number): number | null {
  if (baseline === 0) return value === 0 ? 0 : null;
  return (value - baseline) / baseline;
}

/** A figure's changes: each candidate's value and noise, with relative change and direction added. */
function figureOf(
  head: Omit<ComparedFigure, 'candidates' | 'baselineWindowInterval'> & { baselineWindowInterval?: FigureInterval | null },
  candidates: readonly (Noise & { value: number; windowInterval?: FigureInterval | null })[],
): ComparedFigure {
  const { baseline, better } = head;
  return {
    ...head,
    baselineWindowInterval: head.baselineWindowInterval ?? null,
    candidates: candidates.map(({ value, significant, interval, windowInterval }) => ({
      value,
      relativeChange: relativeChange(baseline, value),
      significant,
      regression: significant === true && (better === 'lower' ? value > baseline : value < baseline),
      interval,
      windowInterval: windowInterval ?? null,
    })),
  };
}

const wholeWindowRates = (result: BenchmarkResult, rate: 'samplesPerSecond' | 'queriesPerSecond'): number[] =>
  result.measurement.windows.filter((w) => !w.partial).map((w) => w[rate]);

/**
 * A result's latency histogram with the exact smallest and largest values its summary kept: decoding rounds them out
 * to bucket edges, and every percentile and bound read from it is capped at the largest, as in the run itself.
 */
const latencyOf = (result: BenchmarkResult): LatencyHistogram =>
  LatencyHistogram.decode(result.measurement.histograms.latency).withExactExtremes(result.measurement.latency.minNs, result.measurement.latency.maxNs);

/** Changes in the worse direction by more than `threshold` (any change from a baseline of 0), of the changes `picked`. */
function beyond(figures: readonly ComparedFigure[], labels: readonly string[], threshold: number, picked: (change: FigureChange) => boolean): RegressionFailure[] {
  return figures.flatMap((f) =>
    f.candidates.flatMap((c, i) => {
      const worse = f.better === 'lower' ? c.value > f.baseline : c.value < f.baseline;
      const large = c.relativeChange === null || Math.abs(c.relativeChange) > threshold;
      return picked(c) && worse && large ? [{ figure: f.figure, candidate: labels[i + 1]!, relativeChange: c.relativeChange }] : [];
    }),
  );
}

/**
 * Compares each candidate with the baseline, figure by figure: latency percentiles (the baseline's reported ones,
 * read from each decoded histogram, capped at the run's exact maximum) and mean, samples and queries per second,
 * and the error rate; each change with whether it is beyond the noise (see {@link NoiseRule}, and each figure's
 * {@link NoiseTest}), within it, or not judged:
 *
 * - percentiles, over the queries: `intervals`: the confidence intervals of {@link percentileInterval} must not
 *   overlap (overlapping only because one is unbounded above, too few values, it is not judged); `bootstrap`: each
 *   histogram is resampled (multinomially over its buckets) and the interval of the difference of the percentiles
 *   must exclude 0, judged only with at least {@link minimumCountForInterval} values on each side;
 * - percentiles, over the windows: these intervals assume independent queries, which a run's are not: a busy
 *   machine slows a stretch of them together, and two runs of one configuration then differ by more than the
 *   intervals allow. So where both results have at least {@link minimumComparedCount} whole windows with the
 *   percentile (8 at 99%: e.g. `--min-duration 10s` with 1 s windows), a change must also be found among the
 *   windows' own values of it, each window one draw (see `windowNoise`), the same way. This holds as long as the
 *   dependence does not outlast a window, and cannot see what differs between whole runs (a machine busier during
 *   one run than the other); with fewer windows, queries are taken as independent (`windowInterval` null);
 * - mean: Welch's normal approximation of the difference, in both rules, widened by the spread of the windows'
 *   medians where there are enough windows (see `designEffect`);
 * - throughput: whole windows' rates, the median's interval or a bootstrap of the mean;
 * - errors: an exact test of the two error rates, in both rules.
 *
 * A figure with fewer than {@link minimumComparedCount} values, or windows for throughput, on either side is not
 * judged (merged results keep no windows). A regression is a significant change in the worse direction (latency and
 * errors up, throughput down). With `failOnRegression`, a regression larger than it (or from a baseline of 0) fails
 * the comparison; a figure not judged never fails it, and when its change is that much worse it is listed in
 * `unjudged`. Candidates whose settings differ from the baseline's get a warning naming each setting with both values.
 */
export function compareResults(baseline: BenchmarkResult, candidates: readonly BenchmarkResult[], options: CompareOptions = {}): ResultComparison {
  if (candidates.length === 0) throw new InferbenchError('INVALID_OPTION', 'compareResults needs at least one candidate to compare with the baseline');
  const noise = options.noise ?? 'intervals';
  if (noise !== 'intervals' && noise !== 'bootstrap') throw new InferbenchError('INVALID_OPTION', `noise must be 'intervals' or 'bootstrap', got '${String(noise)}'`);
  const level = requireConfidenceLevel(options.confidenceLevel ?? baseline.measurement.confidenceLevel);
  const resamples = requireInteger('resamples', options.resamples ?? DEFAULT_RESAMPLES, MIN_RESAMPLES);
  const threshold = options.failOnRegression ?? null;
  if (threshold !== null && !(Number.isFinite(threshold) && threshold >= 0)) {
    throw new InferbenchError('INVALID_OPTION', `failOnRegression must be a fraction ≥ 0 (0.05 for 5%), got ${threshold}`);
  }
  if (options.labels !== undefined && options.labels.length !== candidates.length + 1) {
    throw new InferbenchError('INVALID_OPTION', `labels must name the baseline and each of the ${candidates.length} candidates (${candidates.length + 1} labels), got ${options.labels.length}`);
  }
  const labels = options.labels ?? ['baseline', ...candidates.map((_, i) => `candidate ${i + 1}`)];
  const minimumCount = minimumComparedCount(level);
  const judge: Judge = { noise, level, resamples, minimumCount, random: seededRandom(options.seed ?? 1) };
  const intervalTest: NoiseTest = noise === 'intervals' ? 'overlap' : 'difference';

  const baseHistogram = latencyOf(baseline);
  const histograms = candidates.map(latencyOf);
  const valueAt = (h: LatencyHistogram, p: number): number => (h.count === 0 ? 0 : h.valueAtPercentileNs(p));
  const meanOf = (h: LatencyHistogram): number => h.summarize([]).meanNs;
  const percentileFigure = (key: string): ComparedFigure => {
    const p = Number(key);
    const own = noise === 'intervals' && baseHistogram.count > 0 ? percentileInterval(baseHistogram, p, level) : undefined;
    const baseWindows = windowPercentilesNs(baseline, key);
    return figureOf(
      {
        figure: `p${key}`,
        unit: 'ns',
        better: 'lower',
        test: intervalTest,
        baseline: valueAt(baseHistogram, p),
        baselineInterval: own ? { lower: own.lowerNs, upper: own.upperNs } : null,
        baselineWindowInterval: noise === 'intervals' && baseWindows.length >= minimumCount ? medianInterval(baseWindows, level) : null,
      },
      histograms.map((h, i) => ({
        value: valueAt(h, p),
        ...percentileNoise(queryPercentileNoise(baseHistogram, h, p, judge), windowNoise(baseWindows, windowPercentilesNs(candidates[i]!, key), judge)),
      })),
    );
  };
  const rateFigure = (rate: 'samplesPerSecond' | 'queriesPerSecond'): ComparedFigure => {
    const baseRates = wholeWindowRates(baseline, rate);
    const judged = noise === 'intervals' && baseRates.length >= minimumCount;
    return figureOf(
      {
        figure: rate === 'samplesPerSecond' ? 'samples/s' : 'queries/s',
        unit: 'per_second',
        better: 'higher',
        test: intervalTest,
        baseline: baseline.measurement.throughput[rate],
        baselineInterval: judged ? medianInterval(baseRates, level) : null,
      },
      candidates.map((c) => ({ value: c.measurement.throughput[rate], ...windowNoise(baseRates, wholeWindowRates(c, rate), judge) })),
    );
  };

  const figures: ComparedFigure[] = [
    ...Object.keys(baseline.measurement.latency.percentilesNs).map(percentileFigure),
    figureOf(
      { figure: 'mean', unit: 'ns', better: 'lower', test: 'difference', baseline: meanOf(baseHistogram), baselineInterval: null },
      histograms.map((h, i) => ({ value: meanOf(h), ...meanNoise(baseline, baseHistogram, candidates[i]!, h, judge) })),
    ),
    rateFigure('samplesPerSecond'),
    rateFigure('queriesPerSecond'),
    figureOf(
      { figure: 'errors', unit: 'fraction', better: 'lower', test: 'exact-test', baseline: errorRate(baseline), baselineInterval: null },
      candidates.map((c) => ({ value: errorRate(c), ...errorNoise(baseline, c, level) })),
    ),
  ];

  const warnings = candidates.flatMap((candidate, i): SettingWarning[] => {
    const differences = settingDifferences(baseline, candidate);
    if (differences.length === 0) return [];
    return [{ candidate: i, differences, message: `${labels[i + 1]} and ${labels[0]} differ: ${describeSettingDifferences(differences, labels[0]!, labels[i + 1]!)}` }];
  });
  const failures = threshold === null ? [] : beyond(figures, labels, threshold, (c) => c.regression);
  const unjudged = threshold === null ? [] : beyond(figures, labels, threshold, (c) => c.significant === null);
  return { noise, confidenceLevel: level, resamples, minimumCount, labels, figures, warnings, failOnRegression: threshold, failures, unjudged, failed: failures.length > 0 };
}

import { InferbenchError } from '../errors.js';
import type { BenchmarkResult } from '../pipeline/benchmark-result.js';
import { seededRandom, type SeededRandom } from '../random.js';
import { binomialCdf } from '../stats/binomial.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import { minimumCountForInterval, percentileConfidenceRanks, percentileInterval, requireConfidenceLevel } from '../stats/percentile-confidence.js';
import { requireInteger } from '../validate.js';
import { describeSettingDifferences, settingDifferences, type SettingDifference } from './setting-differences.js';

/**
 * How a change is told from noise. `intervals` (default): each value's distribution-free confidence interval, and a
 * change counts when the baseline's and the candidate's do not overlap. `bootstrap`: the difference candidate −
 * baseline is resampled, and a change counts when its interval excludes 0. See {@link compareResults} for each figure.
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
  /** Largest tolerated regression, as a fraction of the baseline (0.05 for 5%); unset, no regression fails the comparison. */
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
  /** True when the change is beyond the noise; null when it cannot be judged (no values, too few windows). */
  readonly significant: boolean | null;
  /** True for a significant change in the worse direction. */
  readonly regression: boolean;
  /** With `overlap`: this value's own interval; with `difference`: the interval of candidate − baseline; null for `exact-test` or when not judged. */
  readonly interval: FigureInterval | null;
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

/** A regression larger than `failOnRegression`. */
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
  /** True when there is at least one failure. */
  readonly failed: boolean;
}

/** Resamples of each bootstrap unless told otherwise. */
const DEFAULT_RESAMPLES = 1000;
/** Fewer resamples cannot place a 99% interval's bounds. */
const MIN_RESAMPLES = 100;
/** Fewest whole windows on each side for a throughput change to be judged; fewer say nothing about its spread. */
export const MIN_COMPARED_WINDOWS = 5;

/** What every figure's judgement needs. */
interface Judge {
  /** The noise rule. */
  readonly noise: NoiseRule;
  /** Confidence level of every interval. */
  readonly level: number;
  /** Draws per bootstrap. */
  readonly resamples: number;
  /** The one seeded stream every draw comes from, in figure order. */
  readonly random: SeededRandom;
}

/** A figure's judgement for one candidate, before direction and relative change are added. */
interface Noise {
  /** Beyond the noise; null when not judged. */
  readonly significant: boolean | null;
  /** The interval judged, as {@link FigureChange.interval}. */
  readonly interval: FigureInterval | null;
}

/** Bounds of the central `level` of sorted draws. */
function centralInterval(sorted: ArrayLike<number>, level: number): FigureInterval {
  const tail = (1 - level) / 2;
  const n = sorted.length;
  return { lower: sorted[Math.floor(tail * n)]!, upper: sorted[Math.min(n - 1, Math.ceil((1 - tail) * n) - 1)]! };
}

const excludesZero = (i: FigureInterval): boolean => i.lower > 0 || (i.upper !== null && i.upper < 0);
const disjoint = (a: FigureInterval, b: FigureInterval): boolean => (a.upper !== null && b.lower > a.upper) || (b.upper !== null && a.lower > b.upper);

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

function percentileNoise(base: LatencyHistogram, candidate: LatencyHistogram, percentile: number, judge: Judge): Noise {
  if (base.count === 0 || candidate.count === 0) return { significant: null, interval: null };
  if (judge.noise === 'intervals') {
    const interval = percentileInterval(candidate, percentile, judge.level);
    const own = { lower: interval.lowerNs, upper: interval.upperNs };
    const baseline = percentileInterval(base, percentile, judge.level);
    return { significant: disjoint({ lower: baseline.lowerNs, upper: baseline.upperNs }, own), interval: own };
  }
  // The bootstrap cannot judge a percentile beyond the last few values (it only reshuffles them, and at the maximum
  // it calls any two samples different): below the count that bounds its interval at all, it is not judged.
  const needed = minimumCountForInterval(percentile, judge.level);
  if (base.count < needed || candidate.count < needed) return { significant: null, interval: null };
  const baseRank = rankOf(percentile, base.count);
  const candidateRank = rankOf(percentile, candidate.count);
  const differences = new Float64Array(judge.resamples);
  for (let i = 0; i < judge.resamples; i++) {
    differences[i] = resampledValueNs(candidate, candidateRank, judge.random.float()) - resampledValueNs(base, baseRank, judge.random.float());
  }
  const interval = centralInterval(differences.sort(), judge.level);
  return { significant: excludesZero(interval), interval };
}

/**
 * The mean has no distribution-free interval. Its difference is taken as normal with variance s₁²/n₁ + s₂²/n₂
 * (Welch's large-sample rule), and the interval is read off seeded normal draws:
 * the bootstrap of the mean by the central limit theorem, in both noise rules.
 */
function meanNoise(base: LatencyHistogram, candidate: LatencyHistogram, judge: Judge): Noise {
  if (base.count === 0 || candidate.count === 0) return { significant: null, interval: null };
  const b = base.summarize([]);
  const c = candidate.summarize([]);
  const difference = c.meanNs - b.meanNs;
  const standardError = Math.sqrt(b.stdevNs ** 2 / b.count + c.stdevNs ** 2 / c.count);
  const draws = Float64Array.from(judge.random.normals(judge.resamples, 1), (z) => difference + standardError * z);
  const interval = centralInterval(draws.sort(), judge.level);
  return { significant: excludesZero(interval), interval };
}

/** Distribution-free interval of the median of window rates, by the order statistics that bound latency percentiles. */
function medianRateInterval(rates: readonly number[], level: number): FigureInterval {
  const sorted = [...rates].sort((x, y) => x - y);
  const { lowerRank, upperRank } = percentileConfidenceRanks(sorted.length, 50, level);
  return { lower: lowerRank === 0 ? 0 : sorted[lowerRank - 1]!, upper: upperRank === null ? null : sorted[upperRank - 1]! };
}

/**
 * Throughput is judged on the whole (not cut short) windows' rates. `intervals`: the intervals of each result's
 * median window rate must not overlap. `bootstrap`: the windows are resampled with replacement and the interval of
 * the difference of mean window rates must exclude 0.
 */
function windowNoise(base: readonly number[], candidate: readonly number[], judge: Judge): Noise {
  if (base.length < MIN_COMPARED_WINDOWS || candidate.length < MIN_COMPARED_WINDOWS) return { significant: null, interval: null };
  if (judge.noise === 'intervals') {
    const own = medianRateInterval(candidate, judge.level);
    return { significant: disjoint(medianRateInterval(base, judge.level), own), interval: own };
  }
  const resampledMean = (rates: readonly number[]): number => {
    let sum = 0;
    for (let i = 0; i < rates.length; i++) sum += rates[judge.random.int(0, rates.length - 1)]!;
    return sum / rates.length;
  };
  const differences = new Float64Array(judge.resamples);
  for (let i = 0; i < judge.resamples; i++) differences[i] = resampledMean(candidate) - resampledMean(base);
  const interval = centralInterval(differences.sort(), judge.level);
  return { significant: excludesZero(interval), interval };
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
  if (b.attempted === 0 || c.attempted === 0) return { significant: null, interval: null };
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
function figureOf(head: Omit<ComparedFigure, 'candidates'>, candidates: readonly (Noise & { value: number })[]): ComparedFigure {
  const { baseline, better } = head;
  return {
    ...head,
    candidates: candidates.map(({ value, significant, interval }) => ({
      value,
      relativeChange: relativeChange(baseline, value),
      significant,
      regression: significant === true && (better === 'lower' ? value > baseline : value < baseline),
      interval,
    })),
  };
}

const wholeWindowRates = (result: BenchmarkResult, rate: 'samplesPerSecond' | 'queriesPerSecond'): number[] =>
  result.measurement.windows.filter((w) => !w.partial).map((w) => w[rate]);

/**
 * Compares each candidate with the baseline, figure by figure: latency percentiles (the baseline's reported ones,
 * read from each decoded histogram) and mean, samples and queries per second, and the error rate; each change
 * with whether it is beyond the noise (see {@link NoiseRule}, and each figure's {@link NoiseTest}):
 *
 * - percentiles, `intervals`: the confidence intervals of {@link percentileInterval} must not overlap (an
 *   unbounded one overlaps everything above it); `bootstrap`: each histogram is resampled (multinomially over its
 *   buckets) and the interval of the difference of the percentiles must exclude 0, judged only with at least
 *   {@link minimumCountForInterval} values on each side;
 * - mean: Welch's normal approximation of the difference, in both rules;
 * - throughput: whole windows' rates, the median's interval or a bootstrap of the mean; at least
 *   {@link MIN_COMPARED_WINDOWS} windows on each side, else not judged (merged results keep no windows);
 * - errors: an exact test of the two error rates, in both rules.
 *
 * A regression is a significant change in the worse direction (latency and errors up, throughput down). With
 * `failOnRegression`, a regression larger than it (or from a baseline of 0) fails the comparison. Candidates whose
 * settings differ from the baseline's get a warning naming each setting with both values.
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
  const judge: Judge = { noise, level, resamples, random: seededRandom(options.seed ?? 1) };
  const intervalTest: NoiseTest = noise === 'intervals' ? 'overlap' : 'difference';

  const baseHistogram = LatencyHistogram.decode(baseline.measurement.histograms.latency);
  const histograms = candidates.map((c) => LatencyHistogram.decode(c.measurement.histograms.latency));
  const valueAt = (h: LatencyHistogram, p: number): number => (h.count === 0 ? 0 : h.valueAtPercentileNs(p));
  const meanOf = (h: LatencyHistogram): number => h.summarize([]).meanNs;
  const percentileFigure = (p: number): ComparedFigure => {
    const own = noise === 'intervals' && baseHistogram.count > 0 ? percentileInterval(baseHistogram, p, level) : undefined;
    return figureOf(
      { figure: `p${p}`, unit: 'ns', better: 'lower', test: intervalTest, baseline: valueAt(baseHistogram, p), baselineInterval: own ? { lower: own.lowerNs, upper: own.upperNs } : null },
      histograms.map((h) => ({ value: valueAt(h, p), ...percentileNoise(baseHistogram, h, p, judge) })),
    );
  };
  const rateFigure = (rate: 'samplesPerSecond' | 'queriesPerSecond'): ComparedFigure => {
    const baseRates = wholeWindowRates(baseline, rate);
    const judged = noise === 'intervals' && baseRates.length >= MIN_COMPARED_WINDOWS;
    return figureOf(
      {
        figure: rate === 'samplesPerSecond' ? 'samples/s' : 'queries/s',
        unit: 'per_second',
        better: 'higher',
        test: intervalTest,
        baseline: baseline.measurement.throughput[rate],
        baselineInterval: judged ? medianRateInterval(baseRates, level) : null,
      },
      candidates.map((c) => ({ value: c.measurement.throughput[rate], ...windowNoise(baseRates, wholeWindowRates(c, rate), judge) })),
    );
  };

  const figures: ComparedFigure[] = [
    ...Object.keys(baseline.measurement.latency.percentilesNs).map((key) => percentileFigure(Number(key))),
    figureOf(
      { figure: 'mean', unit: 'ns', better: 'lower', test: 'difference', baseline: meanOf(baseHistogram), baselineInterval: null },
      histograms.map((h) => ({ value: meanOf(h), ...meanNoise(baseHistogram, h, judge) })),
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
  const failures: RegressionFailure[] =
    threshold === null
      ? []
      : figures.flatMap((f) =>
          f.candidates.flatMap((c, i) =>
            c.regression && (c.relativeChange === null || Math.abs(c.relativeChange) > threshold) ? [{ figure: f.figure, candidate: labels[i + 1]!, relativeChange: c.relativeChange }] : [],
          ),
        );
  return { noise, confidenceLevel: level, resamples, labels, figures, warnings, failOnRegression: threshold, failures, failed: failures.length > 0 };
}

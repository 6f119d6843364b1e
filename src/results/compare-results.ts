import { InferbenchError } from '../core/errors.js';
import type { BenchmarkResult } from './benchmark-result.js';
import { seededRandom } from '../core/random.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import { percentileInterval, requireConfidenceLevel } from '../stats/percentile-confidence.js';
import { requireInteger } from '../core/validate.js';
import { errorNoise, errorsOf, meanNoise, medianInterval, minimumComparedCount, percentileNoise, queryPercentileNoise, windowNoise } from './figure-noise.js';
import type { FigureInterval, Judge, Noise, NoiseRule, NoiseTest } from './figure-noise.js';
import { describeSettingDifferences, settingDifferences, type SettingDifference } from './setting-differences.js';
import { refuseInterrupted } from './interrupted-results.js';

export { MIN_COMPARED_WINDOWS, minimumComparedCount } from './figure-noise.js';
export type { FigureInterval, NoiseRule, NoiseTest } from './figure-noise.js';

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
  /** Compare results of interrupted runs too, which are refused by default; default false. */
  readonly acceptInterrupted?: boolean;
}

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

/** Whole windows' values of a percentile, keyed as written ("99.9"); windows without a completed query have none. */
const windowPercentilesNs = (result: BenchmarkResult, key: string): number[] =>
  result.measurement.windows.flatMap((w) => (w.partial || w.latencyPercentilesNs[key] === undefined ? [] : [w.latencyPercentilesNs[key]!]));

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
 *   must exclude 0, judged only with enough values on each side to bound the percentile's own interval;
 * - percentiles, over the windows: these intervals assume independent queries, which a run's are not: a busy
 *   machine slows a stretch of them together, and two runs of one configuration then differ by more than the
 *   intervals allow. So where both results have at least `minimumComparedCount` whole windows with the
 *   percentile (8 at 99%: e.g. `--min-duration-ms 10s` with 1 s windows), a change must also be found among the
 *   windows' own values of it, each window one draw, the same way. This holds as long as the
 *   dependence does not outlast a window, and cannot see what differs between whole runs (a machine busier during
 *   one run than the other); with fewer windows, queries are taken as independent (`windowInterval` null);
 * - mean: Welch's normal approximation of the difference, in both rules, widened by the spread of the windows'
 *   medians where there are enough windows (see `medianDesignEffect`);
 * - throughput: whole windows' rates, the median's interval or a bootstrap of the mean;
 * - errors: an exact test of the two error rates, in both rules.
 *
 * A figure with fewer than `minimumComparedCount` values, or windows for throughput, on either side is not
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
  refuseInterrupted([baseline, ...candidates], labels, 'compare', options.acceptInterrupted);
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

import * as hdr from 'hdr-histogram-js';
import { InferbenchError } from '../errors.js';
import type { ErrorCounts, ErrorKindCount, StopReason } from '../load/load-generator.js';
import type { BenchmarkResult } from '../pipeline/benchmark-result.js';
import { computeEfficiency } from '../pipeline/efficiency.js';
import { summarizeMeasurement, type ReportedWindow } from '../pipeline/measurement.js';
import { thresholdMetricsOf } from '../pipeline/threshold-metrics.js';
import { judgeMeasurement } from '../pipeline/verdict.js';
import { LatencyHistogram, type LatencySummary } from '../stats/latency-histogram.js';
import type { StabilityCheck } from '../stats/stability.js';
import { evaluateThresholds, parseThresholds } from '../stats/thresholds.js';
import { describeSettingDifferences, settingDifferences } from './setting-differences.js';

/** One measured run inside a merged result: what merging cannot fold into the totals. */
export interface MergedSource {
  /** The file it was read from; undefined when merged from memory. */
  readonly file: string | undefined;
  /** When the run started, ISO 8601. */
  readonly startedAt: string;
  /** Its measured time. */
  readonly elapsedNs: number;
  /** Its own samples per second. */
  readonly samplesPerSecond: number;
  /** Why it stopped. */
  readonly stopReason: StopReason;
  /** Its stability verdict. */
  readonly stability: StabilityCheck;
  /** Its time series, relative to its own start. */
  readonly windows: readonly ReportedWindow[];
  /** The machine and software it ran on. */
  readonly environment: BenchmarkResult['environment'];
}

/** How a merged result came about. */
export interface MergeInfo {
  /** Every run merged, in the order given; runs of a merged input are listed one by one. */
  readonly sources: readonly MergedSource[];
  /** True when some runs' measured times overlapped (processes or machines measured at once). */
  readonly overlapping: boolean;
  /** Sum of the runs' own samples per second, when they overlapped: the rate all of them reached together; null otherwise. */
  readonly aggregateSamplesPerSecond: number | null;
}

/** A result of several runs merged, marked as such. */
export type MergedResult = BenchmarkResult & {
  /** The runs merged and how their times combined. */
  readonly merged: MergeInfo;
};

/** What {@link mergeResults} takes besides the results. */
export interface MergeOptions {
  /** The file of each result, in the same order: named in refusals and kept in `merged.sources`. */
  readonly files?: readonly string[];
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

const isMerged = (result: BenchmarkResult): result is MergedResult => (result as Partial<MergedResult>).merged !== undefined;

function sourcesOf(result: BenchmarkResult, file: string | undefined): readonly MergedSource[] {
  if (isMerged(result)) return result.merged.sources;
  const m = result.measurement;
  return [{ file, startedAt: result.startedAt, elapsedNs: m.elapsedNs, samplesPerSecond: m.throughput.samplesPerSecond, stopReason: m.stopReason, stability: m.stability, windows: m.windows, environment: result.environment }];
}

/** An encoded histogram and the exact extremes its run reported, which the encoding does not keep. */
interface HistogramPart {
  /** HDR compressed encoding. */
  readonly encoded: string;
  /** The run's summary of it; undefined where none was written (a closed loop's send delay). */
  readonly summary: LatencySummary | undefined;
}

/**
 * The histograms added. HDR's encoding keeps bucket counts but not the exact smallest and largest values, which
 * decoding rounds out to bucket edges; the runs' summaries kept them, and they are put back when they fall in the
 * same buckets, so that min, max and the percentiles capped at the max equal those of one histogram of every value.
 */
function addHistograms(parts: readonly HistogramPart[]): LatencyHistogram {
  // Decoded through LatencyHistogram first, so that a corrupt one fails with its one-line error.
  const decoded = parts.map((p) => LatencyHistogram.decode(p.encoded));
  const raw = hdr.decodeFromCompressedBase64(parts[0]!.encoded, 64) as hdr.JsHistogram;
  // Decoding fixes the range to the first run's values; the sum grows like a recording histogram.
  raw.autoResize = true;
  const sum = new LatencyHistogram(raw);
  for (const h of decoded.slice(1)) sum.add(h);
  const summaries = parts.flatMap((p) => (p.summary === undefined || p.summary.count === 0 ? [] : [p.summary]));
  if (sum.count > 0 && summaries.length === parts.filter((_, i) => decoded[i]!.count > 0).length) {
    const minNs = Math.min(...summaries.map((s) => s.minNs));
    const maxNs = Math.max(...summaries.map((s) => s.maxNs));
    if (raw.lowestEquivalentValue(minNs) === raw.minNonZeroValue) raw.minNonZeroValue = minNs;
    if (raw.highestEquivalentValue(maxNs) === raw.maxValue) raw.maxValue = maxNs;
  }
  return sum;
}

function addErrors(all: readonly ErrorCounts[]): ErrorCounts {
  const byKind: Record<string, ErrorKindCount> = {};
  for (const errors of all) {
    for (const [kind, e] of Object.entries(errors.byKind)) {
      // The first example of a kind stays, as each run keeps its first.
      byKind[kind] = { count: (byKind[kind]?.count ?? 0) + e.count, example: byKind[kind]?.example ?? e.example };
    }
  }
  return { total: sum(all.map((e) => e.total)), timeouts: sum(all.map((e) => e.timeouts)), byKind };
}

/**
 * Measured intervals of the sources on one clock, and the length of their union. A result records when its run
 * started (before the model, compile and warm-up), not when measuring began; taking each measurement to begin at its
 * startedAt assumes the runs took equally long to set up, which holds for one configuration with a warm compile
 * cache; the error is the difference of their set-up times.
 */
function joinTimes(sources: readonly MergedSource[]): { elapsedNs: number; overlapping: boolean } {
  const spans = sources.map((s) => ({ start: Date.parse(s.startedAt) * 1e6, end: Date.parse(s.startedAt) * 1e6 + s.elapsedNs })).sort((a, b) => a.start - b.start);
  let elapsedNs = 0;
  let overlapping = false;
  let reach = -Infinity;
  for (const { start, end } of spans) {
    if (start < reach) overlapping = true;
    elapsedNs += Math.max(0, end - Math.max(start, reach));
    reach = Math.max(reach, end);
  }
  return { elapsedNs, overlapping };
}

/** Stable only when every run was; the widest ratios, and the first run's reason. */
function joinStability(sources: readonly MergedSource[]): StabilityCheck {
  const widest = (ratios: readonly (number | null)[]): number | null => (ratios.some((r) => r === null) ? null : Math.max(...(ratios as number[])));
  const unstable = sources.findIndex((s) => !s.stability.stable);
  const first = sources[unstable];
  return {
    stable: unstable === -1,
    windowsJudged: sum(sources.map((s) => s.stability.windowsJudged)),
    throughputRatio: widest(sources.map((s) => s.stability.throughputRatio)),
    latencyRatio: widest(sources.map((s) => s.stability.latencyRatio)),
    reason: first === undefined ? null : `run ${unstable + 1} of ${sources.length}${first.file === undefined ? '' : ` (${first.file})`}: ${first.stability.reason}`,
  };
}

/**
 * Combines results of one configuration, measured by several processes or machines, without losing a value:
 *
 * - latency, queue, compute and send-delay histograms are added, and every summary, confidence interval, early-stopping
 *   estimate, latency-target check and precision outcome is recomputed from the sums ({@link summarizeMeasurement});
 * - query, request, warm-up and late-query counts are summed, and errors by kind; `requestsPerCopy` and the first
 *   inferences are concatenated (one entry per copy of every run), `backend.copies` is their number, and the load
 *   time the longest run's;
 * - `elapsedNs` is the union of the runs' measured times (see `joinTimes`): the span from the earliest start to the
 *   latest end when they overlap, without the gaps when they ran one after another. Throughput is the total over it,
 *   the rate the runs delivered over the time they measured, never more. When runs overlapped, the sum of their own
 *   rates is kept too, as `merged.aggregateSamplesPerSecond`: it is the larger figure, right only if they measured
 *   over the same span;
 * - an open loop's target and achieved rates are summed: the load all runs offered together;
 * - windows are kept per run in `merged.sources` (their clocks differ), and the merged measurement has none; its
 *   stability is every run's, and its stop reason the first run's;
 * - the verdict, thresholds and efficiency are judged again on the merged figures; the Server search, which belongs
 *   to one run, is dropped. Model, compile, settings and environment are the first result's.
 *
 * @throws InferbenchError `INVALID_OPTION` for fewer than two results, or results whose configuration differs
 *   (model, batch size, scenario, sequence length and the other settings that change what is measured), naming the
 *   setting, both values and their files.
 */
export function mergeResults(results: readonly BenchmarkResult[], options: MergeOptions = {}): MergedResult {
  if (results.length < 2) throw new InferbenchError('INVALID_OPTION', `merging needs at least two results, got ${results.length}`);
  if (options.files !== undefined && options.files.length !== results.length) {
    throw new InferbenchError('INVALID_OPTION', `files must name each of the ${results.length} results, got ${options.files.length}`);
  }
  const label = (i: number): string => options.files?.[i] ?? `result ${i + 1}`;
  const first = results[0]!;
  results.forEach((result, i) => {
    const differences = settingDifferences(first, result).filter((d) => d.kind === 'configuration');
    if (differences.length > 0) {
      throw new InferbenchError('INVALID_OPTION', `cannot merge results of different configurations: ${describeSettingDifferences(differences, label(0), label(i))}; merge only runs of one configuration`);
    }
  });

  const sources = results.flatMap((result, i) => sourcesOf(result, options.files?.[i]));
  const { elapsedNs, overlapping } = joinTimes(sources);
  const measurements = results.map((r) => r.measurement);
  const latency = addHistograms(measurements.map((m) => ({ encoded: m.histograms.latency, summary: m.latency })));
  const offered = measurements.map((m) => m.offeredLoad);
  const achieved = offered.map((o) => o?.achievedQps);
  const settings = first.settings;
  const measurement = summarizeMeasurement(
    {
      // The rate of every run together, for the offered load's target.
      settings: { ...settings, rateQps: settings.rateQps === undefined ? undefined : sum(offered.map((o) => o?.targetQps ?? 0)) },
      latency,
      queue: addHistograms(measurements.map((m) => ({ encoded: m.histograms.queue, summary: m.queue }))),
      compute: addHistograms(measurements.map((m) => ({ encoded: m.histograms.compute, summary: m.compute }))),
      sendDelay: addHistograms(measurements.map((m) => ({ encoded: m.histograms.sendDelay, summary: m.offeredLoad?.sendDelay }))),
      issuedQueries: sum(measurements.map((m) => m.issuedQueries)),
      completedQueries: sum(measurements.map((m) => m.completedQueries)),
      completedRequests: sum(measurements.map((m) => m.completedRequests)),
      errors: addErrors(measurements.map((m) => m.errors)),
      lateQueries: sum(offered.map((o) => o?.lateQueries ?? 0)),
      achievedQps: achieved.every((q) => q !== undefined) ? sum(achieved as number[]) : undefined,
      warmupQueries: sum(measurements.map((m) => m.warmupQueries)),
      firstInference: { latencyNs: measurements.flatMap((m) => m.firstInference.latencyNs), computeNs: measurements.flatMap((m) => m.firstInference.computeNs) },
      elapsedNs,
      requestsPerCopy: measurements.flatMap((m) => m.requestsPerCopy),
      windows: [],
      stability: joinStability(sources),
      // Recomputed from the merged intervals by summarizeMeasurement.
      precisionMet: undefined,
      stopReason: first.measurement.stopReason,
    },
    first.inputs.batchSize,
  );
  const copies = measurement.requestsPerCopy.length;
  const samplesPerSecond = measurement.throughput.samplesPerSecond;
  return {
    ...first,
    startedAt: sources.map((s) => s.startedAt).reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a)),
    backend: { ...first.backend, copies, loadNs: Math.max(...results.map((r) => r.backend.loadNs)) },
    measurement,
    efficiency: computeEfficiency(settings, samplesPerSecond, copies, first.backend.effectiveSettings),
    verdict: judgeMeasurement(measurement, settings),
    thresholds: evaluateThresholds(parseThresholds(settings.thresholds), thresholdMetricsOf(latency, measurement)),
    serverSearch: null,
    merged: { sources, overlapping, aggregateSamplesPerSecond: overlapping ? sum(sources.map((s) => s.samplesPerSecond)) : null },
  };
}

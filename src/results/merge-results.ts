import { createHash } from 'node:crypto';
import { InferbenchError } from '../core/errors.js';
import type { ErrorCounts, ErrorKindCount, StopReason } from '../load/load-generator.js';
import type { BenchmarkResult } from './benchmark-result.js';
import { computeEfficiency, type Efficiency } from './efficiency.js';
import { summarizeMeasurement, type ReportedWindow } from './measurement.js';
import { thresholdMetricsOf } from './threshold-metrics.js';
import { judgeMeasurement } from './verdict.js';
import { LatencyHistogram, type LatencySummary } from '../stats/latency-histogram.js';
import type { StabilityCheck } from '../stats/stability.js';
import { evaluateThresholds, parseThresholds } from '../stats/thresholds.js';
import { joinTimes, peakConcurrent, rateOverTime } from './run-timeline.js';
import { describeSettingDifferences, settingDifferences } from './setting-differences.js';
import { refuseInterrupted } from './interrupted-results.js';

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
  /** Its model copies. */
  readonly copies: number;
  /** Devices its copies ran on (its `efficiency.devices`: the host, GPUs or NeuronCores). */
  readonly devices: number;
  /** An open loop's target queries per second; null for a closed loop. */
  readonly targetQps: number | null;
  /** An open loop's achieved queries per second; null for a closed loop or when not measured. */
  readonly achievedQps: number | null;
  /** SHA-256 of its latency histogram's encoding: with `startedAt`, what tells one run from another. */
  readonly latencySha256: string;
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
  /** Most runs measuring at one time: the hosts, by the rule of {@link mergeResults}. */
  readonly concurrentRuns: number;
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
  /** Merge results of interrupted runs too, which are refused by default; default false. */
  readonly acceptInterrupted?: boolean;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

const isMerged = (result: BenchmarkResult): result is MergedResult => (result as Partial<MergedResult>).merged !== undefined;

/** Where a run came from, for messages: the file given, and the run's own file when it came inside a merged one. */
interface LabelledSource extends MergedSource {
  /** The file given (or "result N"), with the run's own file inside it when it differs. */
  readonly label: string;
}

function sourcesOf(result: BenchmarkResult, given: string | undefined, label: string): readonly LabelledSource[] {
  if (isMerged(result)) return result.merged.sources.map((s) => ({ ...s, label: s.file === undefined || s.file === given ? label : `${s.file} in ${label}` }));
  const m = result.measurement;
  return [
    {
      file: given,
      startedAt: result.startedAt,
      elapsedNs: m.elapsedNs,
      samplesPerSecond: m.throughput.samplesPerSecond,
      copies: m.requestsPerCopy.length,
      devices: result.efficiency.devices,
      targetQps: m.offeredLoad?.targetQps ?? null,
      achievedQps: m.offeredLoad?.achievedQps ?? null,
      latencySha256: createHash('sha256').update(m.histograms.latency).digest('hex'),
      stopReason: m.stopReason,
      stability: m.stability,
      windows: m.windows,
      environment: result.environment,
      label,
    },
  ];
}

/** An encoded histogram and the exact extremes its run reported, which the encoding does not keep. */
interface HistogramPart {
  /** HDR compressed encoding. */
  readonly encoded: string;
  /** The run's summary of it; undefined where none was written (a closed loop's send delay). */
  readonly summary: LatencySummary | undefined;
}

/**
 * The histograms added, with the exact smallest and largest values of the runs' summaries put back (see
 * {@link LatencyHistogram.withExactExtremes}), so that min, max and the percentiles capped at the max equal those of one histogram of
 * every value. Without every non-empty run's summary the extremes stay rounded.
 */
function addHistograms(parts: readonly HistogramPart[]): LatencyHistogram {
  const decoded = parts.map((p) => LatencyHistogram.decode(p.encoded));
  const [sum, ...rest] = decoded;
  for (const h of rest) sum!.add(h);
  const summaries = parts.flatMap((p) => (p.summary === undefined || p.summary.count === 0 ? [] : [p.summary]));
  if (summaries.length === 0 || summaries.length !== decoded.filter((h) => h.count > 0).length) return sum!;
  return sum!.withExactExtremes(Math.min(...summaries.map((s) => s.minNs)), Math.max(...summaries.map((s) => s.maxNs)));
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

/** Refuses a run given twice, alone or inside a merged result: the same start and the same latency histogram. */
function refuseDuplicates(sources: readonly LabelledSource[]): void {
  const seen = new Map<string, LabelledSource>();
  for (const source of sources) {
    const key = `${source.startedAt} ${source.latencySha256}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new InferbenchError('INVALID_OPTION', `cannot merge a run with itself: the run started at ${source.startedAt} is in ${earlier.label} and again in ${source.label}; give each run once`);
    }
    seen.set(key, source);
  }
}

/** Refuses open-loop runs at different target rates; each run's own, as a merged result's offered load is its runs' together. */
function refuseMixedRates(sources: readonly LabelledSource[]): void {
  const first = sources[0]!;
  const other = sources.find((s) => s.targetQps !== first.targetQps);
  if (other === undefined) return;
  const rate = (s: LabelledSource): string => (s.targetQps === null ? 'a closed loop' : `${s.targetQps} queries/s`);
  throw new InferbenchError('INVALID_OPTION', `cannot merge runs at different open-loop rates: ${first.label} ran at ${rate(first)} but ${other.label} at ${rate(other)}; merge only runs of one rate`);
}

/**
 * Throughput per copy and per device over the copies and devices at work together ({@link peakConcurrent}), not
 * their sum, as runs one after another reuse them. A run measuring at the same time as another is taken to have its
 * own host (nothing in a result tells two identical machines apart, so processes sharing one machine count as one
 * host each): a CPU run's devices, and the price per hour of one machine, are multiplied by the most runs measuring
 * at once. Exact when runs overlap wholly or not at all.
 */
function mergedEfficiency(first: BenchmarkResult, sources: readonly MergedSource[], samplesPerSecond: number): Efficiency {
  const hosts = peakConcurrent(sources, () => 1);
  const devices = peakConcurrent(sources, (s) => s.devices);
  const price = first.settings.costPerHour;
  const efficiency = computeEfficiency(
    { ...first.settings, costPerHour: price === undefined ? undefined : price * hosts },
    samplesPerSecond,
    peakConcurrent(sources, (s) => s.copies),
    first.backend.effectiveSettings,
  );
  return { ...efficiency, devices, samplesPerSecondPerDevice: samplesPerSecond / devices };
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

/** The offered load's rate, compared run by run by `refuseMixedRates` instead, as a merged result's is its runs' together. */
const OFFERED_RATE = 'measurement.offeredLoad.targetQps';

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
 * - an open loop's offered load is kept (a Server search's too): its target and achieved rates are each run's,
 *   weighted by its measured time, over that union, like throughput: the sum for runs that measured together, the
 *   one rate for runs one after another;
 * - efficiency is over the copies and devices at work together, the most at any time, and a price per hour of one
 *   machine is multiplied by the most runs measuring at once, each taken as its own host (see `mergedEfficiency`);
 * - windows are kept per run in `merged.sources` (their clocks differ), and the merged measurement has none; its
 *   stability is every run's, and its stop reason the first run's;
 * - the verdict and thresholds are judged again on the merged figures; the Server search, which belongs to one run,
 *   is dropped. Model, compile, settings and environment are the first result's.
 *
 * @throws InferbenchError `INVALID_OPTION` for fewer than two results; for results whose configuration differs
 *   (model, batch size, scenario, sequence length and the other settings that change what is measured), or runs at
 *   different open-loop rates, naming the setting, both values and their files; and for a run given twice (the same
 *   start and latency histogram), alone or inside a merged result, naming both files.
 */
export function mergeResults(results: readonly BenchmarkResult[], options: MergeOptions = {}): MergedResult {
  if (results.length < 2) throw new InferbenchError('INVALID_OPTION', `merging needs at least two results, got ${results.length}`);
  if (options.files !== undefined && options.files.length !== results.length) {
    throw new InferbenchError('INVALID_OPTION', `files must name each of the ${results.length} results, got ${options.files.length}`);
  }
  const label = (i: number): string => options.files?.[i] ?? `result ${i + 1}`;
  refuseInterrupted(results, results.map((_, i) => label(i)), 'merge', options.acceptInterrupted);
  const first = results[0]!;
  results.forEach((result, i) => {
    const differences = settingDifferences(first, result).filter((d) => d.kind === 'configuration' && d.setting !== OFFERED_RATE);
    if (differences.length > 0) {
      throw new InferbenchError('INVALID_OPTION', `cannot merge results of different configurations: ${describeSettingDifferences(differences, label(0), label(i))}; merge only runs of one configuration`);
    }
  });
  const labelled = results.flatMap((result, i) => sourcesOf(result, options.files?.[i], label(i)));
  refuseDuplicates(labelled);
  refuseMixedRates(labelled);

  const sources: MergedSource[] = labelled.map(({ label: _, ...source }) => source);
  const { elapsedNs, overlapping } = joinTimes(sources);
  const measurements = results.map((r) => r.measurement);
  const latency = addHistograms(measurements.map((m) => ({ encoded: m.histograms.latency, summary: m.latency })));
  const openLoop = sources[0]!.targetQps !== null;
  const achieved = sources.every((s) => s.achievedQps !== null) ? rateOverTime(sources, (s) => s.achievedQps!, elapsedNs) : undefined;
  const settings = first.settings;
  const measurement = summarizeMeasurement(
    {
      // The offered load is written when rateQps is set; a Server search's result has it unset.
      settings: { ...settings, rateQps: openLoop ? rateOverTime(sources, (s) => s.targetQps!, elapsedNs) : undefined },
      latency,
      queue: addHistograms(measurements.map((m) => ({ encoded: m.histograms.queue, summary: m.queue }))),
      compute: addHistograms(measurements.map((m) => ({ encoded: m.histograms.compute, summary: m.compute }))),
      sendDelay: addHistograms(measurements.map((m) => ({ encoded: m.histograms.sendDelay, summary: m.offeredLoad?.sendDelay }))),
      issuedQueries: sum(measurements.map((m) => m.issuedQueries)),
      completedQueries: sum(measurements.map((m) => m.completedQueries)),
      completedRequests: sum(measurements.map((m) => m.completedRequests)),
      errors: addErrors(measurements.map((m) => m.errors)),
      lateQueries: sum(measurements.map((m) => m.offeredLoad?.lateQueries ?? 0)),
      // Results written before open loops cut their backlog off have no count.
      unfinishedQueries: sum(measurements.map((m) => m.offeredLoad?.unfinishedQueries ?? 0)),
      achievedQps: openLoop ? achieved : undefined,
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
  const samplesPerSecond = measurement.throughput.samplesPerSecond;
  return {
    ...first,
    startedAt: sources.map((s) => s.startedAt).reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a)),
    backend: { ...first.backend, copies: measurement.requestsPerCopy.length, loadNs: Math.max(...results.map((r) => r.backend.loadNs)) },
    measurement,
    efficiency: mergedEfficiency(first, sources, samplesPerSecond),
    verdict: judgeMeasurement(measurement, settings),
    thresholds: evaluateThresholds(parseThresholds(settings.thresholds), thresholdMetricsOf(latency, measurement)),
    serverSearch: null,
    merged: {
      sources,
      overlapping,
      aggregateSamplesPerSecond: overlapping ? sum(sources.map((s) => s.samplesPerSecond)) : null,
      concurrentRuns: peakConcurrent(sources, () => 1),
    },
  };
}

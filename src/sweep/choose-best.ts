import { InferbenchError } from '../core/errors.js';
import type { BenchmarkResult } from '../results/benchmark-result.js';
import { thresholdMetricsOf } from '../results/threshold-metrics.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import { evaluateThresholds, parseThresholds, type Threshold } from '../stats/thresholds.js';

/**
 * Parses a latency objective such as `p95<50ms` (several separated by commas must all hold). Only
 * upper bounds on latency make sense here: throughput is what the sweep maximises within them.
 */
export function parseSlo(slo: string): Threshold[] {
  const thresholds = parseThresholds([slo]);
  if (thresholds.length === 0) throw new InferbenchError('INVALID_OPTION', `empty SLO '${slo}'; write a latency limit such as p95<50ms`);
  for (const t of thresholds) {
    if (t.unit !== 'ns') {
      throw new InferbenchError('INVALID_OPTION', `SLO '${t.expression}' is not a latency limit; the sweep maximises throughput within a limit such as p95<50ms (pNN, mean, min or max)`);
    }
    if (t.comparator === '>' || t.comparator === '>=') {
      throw new InferbenchError('INVALID_OPTION', `SLO '${t.expression}' sets a lower bound; a latency objective is an upper bound such as ${t.metric}<50ms`);
    }
  }
  return thresholds;
}

/** True when the result's latency meets every threshold of the SLO; always true without one. */
export function meetsSlo(result: BenchmarkResult, slo: readonly Threshold[]): boolean {
  if (slo.length === 0) return true;
  // Any percentile is read from the full histogram, not only those the run reported.
  const metrics = thresholdMetricsOf(LatencyHistogram.decode(result.measurement.histograms.latency), result.measurement);
  return evaluateThresholds(slo, metrics).every((outcome) => outcome.passed);
}

/**
 * The index of the highest throughput (samples/s) among the configurations that meet the SLO,
 * VALID ones first: an INVALID run is chosen only when no VALID one meets the SLO, and the reports
 * show its verdict beside the star. Undefined when none meets the SLO.
 */
export function chooseBest(configurations: readonly { readonly result: BenchmarkResult; readonly meetsSlo: boolean }[]): number | undefined {
  const meeting = configurations.flatMap((c, i) => (c.meetsSlo ? [i] : []));
  const valid = meeting.filter((i) => configurations[i]!.result.verdict.valid);
  const pool = valid.length > 0 ? valid : meeting;
  const rate = (i: number): number => configurations[i]!.result.measurement.throughput.samplesPerSecond;
  return pool.reduce<number | undefined>((best, i) => (best === undefined || rate(i) > rate(best) ? i : best), undefined);
}

import { InferbenchError } from '../errors.js';
import type { BenchmarkResult } from '../pipeline/benchmark-result.js';
import { thresholdMetricsOf } from '../pipeline/threshold-metrics.js';
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

/** The index of the highest throughput (samples/s) among the configurations that meet the SLO; undefined when none does. */
export function chooseBest(configurations: readonly { readonly result: BenchmarkResult; readonly meetsSlo: boolean }[]): number | undefined {
  let best: number | undefined;
  configurations.forEach((c, i) => {
    if (c.meetsSlo && (best === undefined || c.result.measurement.throughput.samplesPerSecond > configurations[best]!.result.measurement.throughput.samplesPerSecond)) best = i;
  });
  return best;
}

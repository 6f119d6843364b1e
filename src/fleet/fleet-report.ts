import { stringify } from 'csv-stringify/sync';
import { formatMs, formatRate } from '../core/format.js';
import type { BenchmarkResult } from '../results/benchmark-result.js';
import { latencyPercentilesNs } from '../reporters/csv-report.js';
import { DEFAULT_MODEL } from '../models/resolve-model-source.js';
import { parseSlo } from '../sweep/choose-best.js';
import type { CollectedConfiguration, FleetCollection } from './collect.js';

const PERCENTILES = [50, 90, 95, 99] as const;

/** The latency percentile a sweep's SLO judges (p95 without one): the answer's tables and chart show it. */
export function sloPercentile(slo: string | undefined): number {
  return (slo === undefined ? [] : parseSlo(slo)).find((t) => t.percentile !== null)?.percentile ?? 95;
}

/** `12.3 ms [12.1, 12.6]`: a percentile with its confidence interval, where the run bounded it. */
export function percentileWithInterval(result: BenchmarkResult, percentile: number): string {
  const interval = result.measurement.latencyIntervals.find((i) => i.percentile === percentile);
  const [valueNs] = latencyPercentilesNs(result, [percentile]);
  if (interval === undefined) return formatMs(valueNs!);
  return `${formatMs(valueNs!)} [${(interval.lowerNs / 1e6).toPrecision(3)}, ${interval.upperNs === null ? '∞' : (interval.upperNs / 1e6).toPrecision(3)}]`;
}

/** The cost of a million inferences to 3 digits; `–` for an unpriced target. */
export const costText = (result: BenchmarkResult): string => (result.efficiency.costPerMillionSamples === null ? '–' : result.efficiency.costPerMillionSamples.toPrecision(3));

/** The sweep's CSV: one row per configuration found, with its target, price, figures and standing. */
export function formatFleetCsv(collection: FleetCollection): string {
  const best = new Set(Object.values(collection.bestByTarget));
  const rows = collection.configurations.map((c, i) => {
    const { result, configuration } = c;
    const latencyMs = latencyPercentilesNs(result, PERCENTILES).map((ns) => ns / 1e6);
    return {
      target: configuration.target,
      device: collection.plan.targets[configuration.target]!.device,
      configuration: configuration.label,
      configuration_id: configuration.id,
      runs: c.runs,
      cost_per_hour: collection.plan.targets[configuration.target]!.costPerHour ?? '',
      samples_per_second: result.measurement.throughput.samplesPerSecond,
      ...Object.fromEntries(PERCENTILES.map((p, k) => [`latency_ms_p${p}`, latencyMs[k]])),
      cost_per_1m_inf: result.efficiency.costPerMillionSamples ?? '',
      // As words: csv-stringify writes true as 1 and false as nothing.
      meets_slo: String(c.meetsSlo),
      best_of_target: String(best.has(i)),
      cheapest: String(collection.cheapest === i),
      verdict: result.verdict.valid ? 'VALID' : 'INVALID',
    };
  });
  return stringify(rows, { header: true, columns: rows.length === 0 ? ['target'] : Object.keys(rows[0]!) });
}

function configurationRow(c: CollectedConfiguration, marks: string): string {
  const { result } = c;
  const cells = [
    `${c.configuration.label}${marks}`,
    formatRate(result.measurement.throughput.samplesPerSecond),
    ...PERCENTILES.map((p) => percentileWithInterval(result, p)),
    costText(result),
    c.meetsSlo ? 'yes' : 'no',
  ];
  return `| ${cells.join(' | ')} |`;
}

/**
 * The sweep's Markdown: first the workshop's question — which target serves this model within the SLO for the least
 * money — then each target's configurations, then what is missing.
 */
export function formatFleetMarkdown(collection: FleetCollection): string {
  const { plan, configurations, bestByTarget, cheapest, missing } = collection;
  const confidence = configurations[0]?.result.measurement.confidenceLevel;
  const percentile = sloPercentile(plan.slo);
  const lines = [
    `# Fleet sweep ${plan.planId}`,
    '',
    `Model ${String(plan.fixed['model'] ?? DEFAULT_MODEL)}; SLO ${plan.slo ?? 'none'}; ${configurations.length} of ${plan.configurations.length} configurations found${missing.length > 0 ? `, ${missing.length} missing` : ''}. Latency percentiles with their ${confidence === undefined ? '' : `${confidence * 100}% `}confidence intervals in brackets.`,
    '',
    '## The cheapest target within the SLO',
    '',
    `| target | device | price per hour | best configuration | samples/s | p${percentile} | cost per million inferences |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [target, best] of Object.entries(bestByTarget)) {
    const { device, costPerHour } = plan.targets[target]!;
    if (best === undefined) {
      lines.push(`| ${target} | ${device} | ${costPerHour ?? '–'} | none meets the SLO | | | |`);
      continue;
    }
    const { configuration, result } = configurations[best]!;
    const mark = best === cheapest ? ' **cheapest**' : '';
    lines.push(`| ${target}${mark} | ${device} | ${costPerHour ?? '–'} | ${configuration.label} | ${formatRate(result.measurement.throughput.samplesPerSecond)} | ${percentileWithInterval(result, percentile)} | ${costText(result)} |`);
  }
  for (const target of Object.keys(plan.targets)) {
    lines.push('', `## ${target}`, '', '| configuration | samples/s | p50 | p90 | p95 | p99 | cost per million inferences | meets SLO |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    configurations.forEach((c, i) => {
      if (c.configuration.target === target) lines.push(configurationRow(c, `${bestByTarget[target] === i ? ' (best)' : ''}${c.runs > 1 ? ` (${c.runs} runs merged)` : ''}`));
    });
  }
  if (missing.length > 0) {
    lines.push('', '## Missing', '');
    for (const { configuration, shard } of missing) lines.push(`- ${configuration.target} ${configuration.label} (id ${configuration.id}): shard ${shard.index}/${shard.count} of ${configuration.target} did not store it`);
  }
  return `${lines.join('\n')}\n`;
}

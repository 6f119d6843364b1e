import Table from 'cli-table3';
import { latencyPercentilesNs } from '../reporters/csv-report.js';
import { formatMs, formatRate } from '../core/format.js';
import type { SweepOutcome, SweepResult } from './run-sweep.js';
import { formatAxisValue } from './sweep-grid.js';

const cost = (outcome: SweepOutcome): string => (outcome.costPerMillionSamples === undefined ? '–' : outcome.costPerMillionSamples.toPrecision(3));
const verdictOf = (outcome: SweepOutcome): string => (outcome.result.verdict.valid ? 'VALID' : 'INVALID');

/** One line for a configuration as it finishes (or is read back): `[2/4] batchSize=1 copies=2: p95 0.84 ms · 4118.0 samples/s · …`. */
export function formatSweepLine(outcome: SweepOutcome, total: number, slo: string | undefined): string {
  const [p95 = 0] = latencyPercentilesNs(outcome.result, [95]);
  const parts = [`p95 ${formatMs(p95)}`, `${formatRate(outcome.result.measurement.throughput.samplesPerSecond)} samples/s`];
  if (outcome.costPerMillionSamples !== undefined) parts.push(`${cost(outcome)} per 1M samples`);
  if (slo !== undefined) parts.push(`${outcome.meetsSlo ? 'meets' : 'misses'} ${slo}`);
  parts.push(verdictOf(outcome));
  return `[${outcome.index + 1}/${total}] ${outcome.label}: ${parts.join(' · ')}${outcome.resumed ? ' (resumed)' : ''}`;
}

/**
 * The sweep as a table, a row per configuration: its axis values, p50/p95/p99, samples/s, the cost of
 * a million samples when priced, the SLO outcome when one is set, the verdict, and a ★ on the best;
 * then a line naming the best, or saying that none meets the SLO. No colour.
 */
export function formatSweepTable(result: SweepResult): string {
  const { configurations, bestIndex, slo } = result;
  const settings = Object.keys(configurations[0]?.settings ?? {});
  const priced = result.costPerHour !== undefined;
  const table = new Table({
    head: ['#', ...settings, 'p50', 'p95', 'p99', 'samples/s', ...(priced ? ['cost/1M'] : []), ...(slo === undefined ? [] : ['SLO']), 'verdict', 'best'],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const [i, outcome] of configurations.entries()) {
    table.push([
      String(outcome.index + 1),
      ...settings.map((s) => formatAxisValue(outcome.settings[s])),
      ...latencyPercentilesNs(outcome.result, [50, 95, 99]).map(formatMs),
      formatRate(outcome.result.measurement.throughput.samplesPerSecond),
      ...(priced ? [cost(outcome)] : []),
      ...(slo === undefined ? [] : [outcome.meetsSlo ? 'meets' : 'misses']),
      verdictOf(outcome),
      i === bestIndex ? '★' : '',
    ]);
  }
  const best = bestIndex === undefined ? undefined : configurations[bestIndex];
  const within = slo === undefined ? '' : ` within ${slo}`;
  const summary =
    best === undefined
      ? `best     none: no configuration meets ${slo}`
      : `best     #${best.index + 1} ${best.label}: ${formatRate(best.result.measurement.throughput.samplesPerSecond)} samples/s${within}`;
  return `${table.toString()}\n${summary}`;
}

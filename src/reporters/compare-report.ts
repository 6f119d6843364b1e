import Table from 'cli-table3';
import type { ComparedFigure, FigureChange, RegressionFailure, ResultComparison } from '../results/compare-results.js';
import { formatThresholdValue } from '../stats/thresholds.js';
import { formatMs, formatRate } from './format.js';

function formatValue(value: number, unit: ComparedFigure['unit']): string {
  if (unit === 'ns') return formatMs(value);
  return unit === 'per_second' ? formatRate(value) : formatThresholdValue(value, 'fraction');
}

/** "+12.3%", "-4.0%", or "from 0" when the baseline was 0. */
const formatChange = (relativeChange: number | null): string =>
  relativeChange === null ? 'from 0' : `${relativeChange > 0 ? '+' : ''}${(relativeChange * 100).toFixed(1)}%`;

/** What the change means: beyond the noise and which way, within it, or not judged. */
function meaning(change: FigureChange): string {
  if (change.significant === null) return 'not judged';
  if (!change.significant) return 'noise';
  return change.regression ? 'worse' : 'better';
}

/** The failing regressions as one clause: "p99 +20.6% in b.json, samples/s -8.0% in b.json". */
function listFailures(failures: readonly RegressionFailure[]): string {
  return failures.map((f) => `${f.figure} ${formatChange(f.relativeChange)} in ${f.candidate}`).join(', ');
}

/** The one line that explains a failed comparison, e.g. for stderr. */
export function formatRegressionFailures(comparison: ResultComparison): string {
  return `regression beyond ${formatThresholdValue(comparison.failOnRegression ?? 0, 'fraction')}: ${listFailures(comparison.failures)}`;
}

/**
 * The comparison side by side: a row per figure, the baseline's value, then each candidate's value and change with
 * its meaning (worse, better, noise, not judged); then the noise rule and the regression limit. No colour.
 */
export function formatCompareReport(comparison: ResultComparison): string {
  const [baseline, ...candidates] = comparison.labels;
  const table = new Table({
    head: ['', baseline!, ...candidates.flatMap((label) => [label, 'change'])],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const f of comparison.figures) {
    table.push([
      f.figure,
      formatValue(f.baseline, f.unit),
      ...f.candidates.flatMap((c) => [formatValue(c.value, f.unit), `${formatChange(c.relativeChange)} ${meaning(c)}`]),
    ]);
  }
  const level = `${Number((comparison.confidenceLevel * 100).toFixed(2))}%`;
  const lines = [
    table.toString(),
    comparison.noise === 'intervals'
      ? `noise    ${level} intervals: a change counts when the baseline's and the candidate's do not overlap (mean: Welch; errors: exact test)`
      : `noise    bootstrap, ${comparison.resamples} resamples: a change counts when the ${level} interval of the difference excludes 0 (errors: exact test)`,
  ];
  if (comparison.failOnRegression !== null) {
    const limit = formatThresholdValue(comparison.failOnRegression, 'fraction');
    lines.push(comparison.failed ? `regressions beyond ${limit}: ${listFailures(comparison.failures)}` : `no regression beyond ${limit}`);
  }
  return lines.join('\n');
}

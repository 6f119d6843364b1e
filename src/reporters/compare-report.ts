import Table from 'cli-table3';
import type { ComparedFigure, FigureChange, RegressionFailure, ResultComparison } from '../results/compare-results.js';
import { formatThresholdValue } from '../stats/thresholds.js';
import { formatMs, formatRate } from '../core/format.js';

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

/** The one line that names figures not judged but worse than the limit (`comparison.unjudged`), e.g. for a warning on stderr. */
export function formatUnjudgedRegressions(comparison: ResultComparison): string {
  return `not judged, so not failing the comparison, though worse than ${formatThresholdValue(comparison.failOnRegression ?? 0, 'fraction')}: ${listFailures(comparison.unjudged)} (too few values or windows to tell from noise)`;
}

/** True when some latency percentile was judged on queries alone, too few whole windows being at hand. */
const judgedWithoutWindows = (comparison: ResultComparison): boolean =>
  comparison.figures.some((f) => f.unit === 'ns' && f.figure !== 'mean' && f.candidates.some((c) => c.significant !== null && c.windowInterval === null));

/**
 * The comparison side by side: a row per figure, the baseline's value, then each candidate's value and change with
 * its meaning (worse, better, noise, not judged); then the noise rule, a note when percentiles were judged without
 * windows, the regression limit and the figures not judged beyond it. No colour.
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
      ? `noise    ${level} intervals, of the queries and of whole windows: a change counts when neither pair overlaps (mean: Welch, widened by the windows; errors: exact test)`
      : `noise    bootstrap, ${comparison.resamples} resamples, of the queries and of whole windows: a change counts when each ${level} interval of the difference excludes 0 (mean: Welch, widened by the windows; errors: exact test)`,
  ];
  if (judgedWithoutWindows(comparison)) {
    lines.push(`windows  fewer than ${comparison.minimumCount} whole windows: some percentiles judged on queries taken as independent, which a busy machine makes them not`);
  }
  if (comparison.failOnRegression !== null) {
    const limit = formatThresholdValue(comparison.failOnRegression, 'fraction');
    lines.push(comparison.failed ? `regressions beyond ${limit}: ${listFailures(comparison.failures)}` : `no regression beyond ${limit}`);
    if (comparison.unjudged.length > 0) lines.push(formatUnjudgedRegressions(comparison));
  }
  return lines.join('\n');
}

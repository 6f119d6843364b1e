import type { BenchmarkResult } from '../results/benchmark-result.js';
import { formatThresholdValue } from '../stats/thresholds.js';
import { latencyPercentilesNs } from './csv-report.js';
import { describeLoad } from './describe-load.js';
import { formatCostPerMillion, formatEfficiency, formatPerDevice } from './format-efficiency.js';
import { formatMs, formatPercent, formatRate, plural } from '../core/format.js';
import type { ReportSubject } from './report-subject.js';

/**
 * Text from results (model names come from file names, error examples from runtimes) as literal Markdown: every
 * character that could open emphasis, code, a link, HTML or an entity, or close a heading, is backslash-escaped,
 * pipes included so that table cells stay cells; line breaks become spaces so that a row stays one line.
 */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_~[\]<>|&#]/g, '\\$&').replace(/\r\n|[\r\n]/g, ' ');
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A GitHub-flavoured table; `align` gives each column's alignment, right for figures. */
function table(head: readonly string[], align: readonly ('left' | 'right')[], rows: readonly (readonly string[])[]): string[] {
  return [tableRow(head), tableRow(align.map((a) => (a === 'right' ? '---:' : '---'))), ...rows.map(tableRow)];
}


/** Failed requests in all, then by kind with each kind's first message; "none" without failures. */
function errorsOf(result: BenchmarkResult): string {
  const { total, byKind } = result.measurement.errors;
  if (total === 0) return 'none';
  const kinds = Object.entries(byKind).map(([kind, e]) => `${e.count} ${escapeMarkdown(kind)} (${escapeMarkdown(e.example)})`);
  return `${plural(total, 'failed request')}: ${kinds.join(' · ')}`;
}

function verdictWord(result: BenchmarkResult): string {
  return result.verdict.valid ? 'VALID' : 'INVALID';
}

/** Each reason the run is INVALID, with what to change, as list items. */
function reasonItems(result: BenchmarkResult): string[] {
  return result.verdict.reasons.map((r) => `- ${escapeMarkdown(`${r.message}; ${r.advice}`)}`);
}

function singleRunReport(result: BenchmarkResult): string[] {
  const { settings, measurement: m, backend, model } = result;
  const t = m.throughput;
  const sequence = model.task === 'text' ? ` · sequence ${settings.sequenceLength}` : '';
  const lines = [
    `## inferbench: ${escapeMarkdown(model.name)}`,
    '',
    `- **Model** ${escapeMarkdown(model.name)} (${model.task}, sha256 \`${model.sha256.slice(0, 12)}\`)`,
    `- **Configuration** batch ${settings.batchSize}${sequence} · ${backend.copies} ${backend.copies === 1 ? 'copy' : 'copies'} · ${escapeMarkdown(backend.name)}`,
    `- **Load** ${m.scenario} · ${describeLoad(result)} · ${m.completedQueries} queries in ${(m.elapsedNs / 1e9).toFixed(2)} s after ${m.warmupQueries} warm-up · stop: ${m.stopReason}`,
    `- **Started** ${escapeMarkdown(result.startedAt)} · inferbench ${escapeMarkdown(result.environment.inferbench)}`,
    '',
  ];
  const confidence = `±${(m.confidenceLevel * 100).toFixed(0)}% CI`;
  const latencyRows = m.latencyIntervals.map((i) => [
    `latency p${i.percentile}`,
    formatMs(i.valueNs),
    i.relativeHalfWidth === null ? 'unbounded' : `±${formatPercent(i.relativeHalfWidth)}`,
  ]);
  const throughputRows = [['throughput', `${formatRate(t.samplesPerSecond)} samples/s`, '']];
  if (t.windowsAveraged > 0) {
    throughputRows.push([`throughput over ${plural(t.windowsAveraged, 'window')}`, `${formatRate(t.averageSamplesPerSecond)} average, ${formatRate(t.peakSamplesPerSecond)} peak samples/s`, '']);
  }
  lines.push(
    ...table(
      ['', 'value', confidence],
      ['left', 'right', 'right'],
      [...latencyRows, ['latency mean', formatMs(m.latency.meanNs), ''], ['latency max', formatMs(m.latency.maxNs), ''], ...throughputRows],
    ),
    '',
    `- **Efficiency** ${formatEfficiency(result.efficiency)}`,
    `- **Errors** ${errorsOf(result)}`,
    '',
    `**Verdict: ${verdictWord(result)}**`,
  );
  if (!result.verdict.valid) lines.push('', ...reasonItems(result));
  if (result.thresholds.length > 0) {
    const rows = result.thresholds.map((o) => [escapeMarkdown(o.expression), escapeMarkdown(formatThresholdValue(o.actual, o.unit)), o.passed ? 'pass' : '**FAIL**']);
    lines.push('', '**Thresholds**', '', ...table(['threshold', 'actual', 'result'], ['left', 'right', 'left'], rows));
  }
  return lines;
}

function comparisonReport(subject: ReportSubject): string[] {
  const { results, bestIndex, slo } = subject;
  const names = new Set(results.map((r) => r.model.name));
  const [only] = names;
  const title = names.size === 1 && only !== undefined ? `${escapeMarkdown(only)}, ${results.length} configurations` : `${results.length} configurations`;
  // The cost column only when some configuration was priced: a column of dashes says nothing.
  const priced = results.some((r) => r.efficiency.costPerMillionSamples !== null);
  const rows = results.map((result, i) => {
    const [p50 = 0, p95 = 0, p99 = 0] = latencyPercentilesNs(result, [50, 95, 99]);
    return [
      `${i + 1}${i === bestIndex ? ' ★' : ''}`,
      escapeMarkdown(result.model.name),
      String(result.settings.batchSize),
      String(result.backend.copies),
      describeLoad(result),
      formatMs(p50),
      formatMs(p95),
      formatMs(p99),
      formatRate(result.measurement.throughput.samplesPerSecond),
      formatRate(result.efficiency.samplesPerSecondPerCopy),
      formatPerDevice(result.efficiency),
      ...(priced ? [formatCostPerMillion(result.efficiency)] : []),
      verdictWord(result),
    ];
  });
  const lines = [
    `## inferbench: ${title}`,
    '',
    ...table(
      ['#', 'model', 'batch', 'copies', 'clients/rate', 'p50', 'p95', 'p99', 'samples/s', 'per copy', 'per device', ...(priced ? ['cost/1M samples'] : []), 'verdict'],
      ['left', 'left', 'right', 'right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', ...(priced ? ['right' as const] : []), 'left'],
      rows,
    ),
  ];
  const limit = slo === undefined ? '' : ` within ${escapeMarkdown(slo)}`;
  if (bestIndex !== undefined) lines.push('', `★ best: the highest samples/s${limit}.`);
  else if (slo !== undefined) lines.push('', `No configuration met ${escapeMarkdown(slo)}.`);
  const invalid = results.flatMap((result, i) =>
    result.verdict.valid ? [] : [`- **${i + 1}** INVALID`, ...result.verdict.reasons.map((r) => `  - ${escapeMarkdown(r.message)}`)],
  );
  if (invalid.length > 0) lines.push('', ...invalid);
  return lines;
}

/**
 * The results as GitHub-flavoured Markdown, for pull requests and wikis. One run: its settings, a table of latency
 * percentiles with their confidence intervals and of throughput, samples/s per copy and per device (and the cost of a
 * million samples when priced), the errors, the verdict with its reasons, and the thresholds. Several: one comparison
 * table, a row per configuration with the same efficiency figures, the best starred and the latency limit named under it.
 */
export function formatMarkdownReport(subject: ReportSubject): string {
  const [first] = subject.results;
  const lines = subject.results.length === 1 && first !== undefined ? singleRunReport(first) : comparisonReport(subject);
  return `${lines.join('\n')}\n`;
}

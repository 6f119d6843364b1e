import Table from 'cli-table3';
import type { TestDirectoryReport } from '../runtimes/onnxruntime/check-test-dir.js';

/** An error for display: 0 as "0", others in three significant digits, unbounded ones as "inf". */
const formatError = (value: number): string => (value === 0 ? '0' : Number.isFinite(value) ? value.toExponential(2) : 'inf');

/** The report as a heading, one row per data set and output, and a summary line. */
export function formatCheckReport(report: TestDirectoryReport): string {
  const { rtol, atol } = report.tolerance;
  const heading = [`model     ${report.modelPath}`, `tolerance rtol ${rtol} · atol ${atol}`];
  if (report.status === 'unsupported') return [...heading, `UNSUPPORTED ${report.reason}`].join('\n');
  const table = new Table({
    head: ['data set', 'output', 'max abs', 'max rel', 'result'],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const set of report.dataSets) {
    for (const output of set.outputs) {
      table.push([set.name, output.name, formatError(output.maxAbsError), formatError(output.maxRelError), output.passed ? 'PASS' : 'FAIL']);
    }
  }
  const outputCount = report.dataSets.reduce((n, set) => n + set.outputs.length, 0);
  const summary =
    report.status === 'pass'
      ? `PASS ${outputCount} ${outputCount === 1 ? 'output' : 'outputs'} in ${report.dataSets.length} data ${report.dataSets.length === 1 ? 'set' : 'sets'} within tolerance`
      : `FAIL ${report.reason}`;
  return [...heading, table.toString(), summary].join('\n');
}

/** The report as JSON; JSON has no Infinity, so an unbounded error is written as the string "Infinity". */
export function checkReportJson(report: TestDirectoryReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2);
}

import Table from 'cli-table3';
import { defineCommand, type ArgsDef } from 'citty';
import { checkTestDirectory, type TestDirectoryReport } from '../check/check-test-dir.js';
import { DEFAULT_ATOL, DEFAULT_RTOL } from '../check/compare-outputs.js';
import { InferbenchError } from '../errors.js';
import { assertKnownFlags } from './_flags.js';

export const checkArgs = {
  dir: { type: 'positional', required: true, description: 'Directory in the ONNX test layout: model.onnx and test_data_set_N/ with input_K.pb and output_K.pb', valueHint: 'dir' },
  rtol: { type: 'string', description: `Relative tolerance (default ${DEFAULT_RTOL})`, valueHint: 'x' },
  atol: { type: 'string', description: `Absolute tolerance (default ${DEFAULT_ATOL})`, valueHint: 'x' },
  json: { type: 'boolean', description: 'Print the report as JSON on stdout' },
} as const satisfies ArgsDef;

/** Exit status of each outcome; bad input exits 2 through the CLI's error handling. */
export const CHECK_EXIT_CODES = { pass: 0, fail: 1, unsupported: 3 } as const;

/** A tolerance flag as a number ≥ 0, named as the user typed it. */
function parseToleranceFlag(flag: string, raw: string | boolean | undefined): number | undefined {
  if (raw === undefined || typeof raw === 'boolean') return undefined;
  // The parser reads a value flag at the end as '' and one followed by a flag as that flag.
  if (raw === '' || raw.startsWith('--')) throw new InferbenchError('INVALID_OPTION', `${flag} needs a value, e.g. ${flag} 1e-4`);
  const value = Number(raw);
  if (!/^\+?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw.trim()) || !Number.isFinite(value)) {
    throw new InferbenchError('INVALID_OPTION', `${flag} must be a number ≥ 0 such as 1e-4, got '${raw}'`);
  }
  return value;
}

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

/** JSON has no Infinity; an unbounded error is written as the string "Infinity". */
const jsonNumbers = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value);

/** `inferbench check DIR`: runs an ONNX test directory with ONNX Runtime and compares every output. */
export const checkCommand = defineCommand({
  meta: { name: 'check', description: `Check a model's outputs against ONNX test data; exits 0 when all pass, 1 when any fails, 3 when onnxruntime cannot run the model` },
  args: checkArgs,
  async run({ args, rawArgs }) {
    assertKnownFlags('check', rawArgs, checkArgs);
    const rtol = parseToleranceFlag('--rtol', args.rtol);
    const atol = parseToleranceFlag('--atol', args.atol);
    if (args._.length > 1) {
      throw new InferbenchError('INVALID_OPTION', `unexpected argument '${args._[1]}'; 'inferbench check' takes one test directory`);
    }
    const abort = new AbortController();
    const onSigint = (): void => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      const report = await checkTestDirectory(args.dir, { rtol, atol, signal: abort.signal });
      process.stdout.write(`${args.json ? JSON.stringify(report, jsonNumbers, 2) : formatCheckReport(report)}\n`);
      return CHECK_EXIT_CODES[report.status];
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
});

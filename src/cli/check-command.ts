import { defineCommand, type ArgsDef } from 'citty';
import { checkTestDirectory } from '../runtimes/onnxruntime/check-test-dir.js';
import { DEFAULT_ATOL, DEFAULT_RTOL } from '../tensors/compare-outputs.js';
import { InferbenchError } from '../core/errors.js';
import { assertKnownFlags, flagValue } from './_flags.js';
import { abortOnSigint } from './abort-on-sigint.js';
import { ioOf, resolveFrom } from './cli-io.js';
import { checkReportJson, formatCheckReport } from '../reporters/check-report.js';
import { terminalSafe } from '../core/terminal-text.js';

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
  const text = flagValue(flag, raw);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\+?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text.trim()) || !Number.isFinite(value)) {
    throw new InferbenchError('INVALID_OPTION', `${flag} must be a number ≥ 0 such as 1e-4, got '${text}'`);
  }
  return value;
}

/** `inferbench check DIR`: runs an ONNX test directory with ONNX Runtime and compares every output. */
export const checkCommand = defineCommand({
  meta: { name: 'check', description: `Check a model's outputs against ONNX test data; exits 0 when all pass, 1 when any fails, 3 when onnxruntime cannot run the model` },
  args: checkArgs,
  async run(context) {
    const { args, rawArgs } = context;
    const io = ioOf(context);
    assertKnownFlags('check', rawArgs, checkArgs);
    const rtol = parseToleranceFlag('--rtol', args.rtol);
    const atol = parseToleranceFlag('--atol', args.atol);
    if (args._.length > 1) {
      throw new InferbenchError('INVALID_OPTION', `unexpected argument '${args._[1]}'; 'inferbench check' takes one test directory`);
    }
    const report = await abortOnSigint((signal) => checkTestDirectory(resolveFrom(io, args.dir), { rtol, atol, signal }));
    io.stdout.write(`${args.json ? checkReportJson(report) : terminalSafe(formatCheckReport(report))}\n`);
    return CHECK_EXIT_CODES[report.status];
  },
});

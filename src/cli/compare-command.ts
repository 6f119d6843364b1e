import { defineCommand, type ArgsDef } from 'citty';
import { InferbenchError } from '../core/errors.js';
import { formatCompareReport, formatRegressionFailures, formatUnjudgedRegressions } from '../reporters/compare-report.js';
import { compareResults, type NoiseRule } from '../results/compare-results.js';
import { readResultFile } from '../results/read-result.js';
import { assertKnownFlags, flagValue, parseFractionFlag, parseIntegerFlag } from './_flags.js';
import { ioOf, resolveFrom } from './cli-io.js';
import { oldSpelling } from './option-args.js';
import { CHECKS_FAILED_EXIT_CODE } from './run-outcome.js';
import { terminalSafe } from '../core/terminal-text.js';

export const compareArgs = {
  files: { type: 'positional', required: false, description: 'Result files: the baseline first, then one or more to compare with it', valueHint: 'file…' },
  'fail-on-regression': {
    type: 'string',
    description: `Exit ${CHECKS_FAILED_EXIT_CODE} when a change beyond the noise makes a figure this much worse, e.g. 5%; a figure too short of values or windows to judge is named in a warning but does not fail`,
    valueHint: '%',
  },
  noise: {
    type: 'enum',
    options: ['intervals', 'bootstrap'],
    description:
      "How changes are told from noise: each value's confidence intervals must not overlap (default), or a bootstrap of the difference. Latency is judged over the queries and, with 8 whole windows or more in each result (at 99%), over the windows too, so that queries slowed together by a busy machine are not taken as independent; with fewer, they are. Differences between whole runs are never seen",
  },
  'confidence-level': { type: 'string', description: "Confidence level of the intervals (default the baseline's, 99%)", valueHint: '%' },
  confidence: oldSpelling('confidence-level', 'value'),
  seed: { type: 'string', description: 'Seed of the resamples (default 1)', valueHint: 'n' },
  json: { type: 'boolean', description: 'Print the comparison as JSON on stdout' },
  'accept-interrupted': { type: 'boolean', description: 'Compare results of interrupted runs too (refused by default)' },
} as const satisfies ArgsDef;

/** `inferbench compare BASE OTHER…`: each figure side by side, whether it changed beyond the noise, and regressions. */
export const compareCommand = defineCommand({
  meta: { name: 'compare', description: `Compare result files with the first: latency, throughput and errors, each change judged against the noise; exits ${CHECKS_FAILED_EXIT_CODE} on a regression beyond --fail-on-regression` },
  args: compareArgs,
  async run(context) {
    const { args, rawArgs } = context;
    const io = ioOf(context);
    assertKnownFlags('compare', rawArgs, compareArgs);
    const failOnRegression = parseFractionFlag('--fail-on-regression', flagValue('--fail-on-regression', args['fail-on-regression']));
    const confidenceFlag = args['confidence-level'] === undefined && args.confidence !== undefined ? '--confidence' : '--confidence-level';
    const confidenceLevel = parseFractionFlag(confidenceFlag, flagValue(confidenceFlag, args['confidence-level'] ?? args.confidence));
    const seed = parseIntegerFlag('--seed', flagValue('--seed', args.seed), 0);
    const files = args._;
    if (files.length < 2) {
      throw new InferbenchError('INVALID_OPTION', `'inferbench compare' needs a baseline and at least one result to compare with it, got ${files.length} file${files.length === 1 ? '' : 's'}`);
    }
    // One at a time, so that of several bad files the first is named.
    const results = [];
    for (const file of files) results.push(await readResultFile(resolveFrom(io, file)));
    const [baseline, ...candidates] = results;
    const comparison = compareResults(baseline!, candidates, { noise: args.noise as NoiseRule | undefined, confidenceLevel, seed, labels: files, failOnRegression, acceptInterrupted: args['accept-interrupted'] === true });
    for (const warning of comparison.warnings) io.stderr.write(`inferbench: warning: ${terminalSafe(warning.message)}\n`);
    if (comparison.unjudged.length > 0) io.stderr.write(`inferbench: warning: ${terminalSafe(formatUnjudgedRegressions(comparison))}\n`);
    io.stdout.write(`${args.json ? JSON.stringify(comparison, null, 2) : terminalSafe(formatCompareReport(comparison))}\n`);
    if (!comparison.failed) return 0;
    io.stderr.write(`inferbench: ${terminalSafe(formatRegressionFailures(comparison))}\n`);
    return CHECKS_FAILED_EXIT_CODE;
  },
});

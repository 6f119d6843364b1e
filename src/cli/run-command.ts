import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { InferbenchError, firstLine } from '../core/errors.js';
import { writeResultJson } from '../reporters/json-file.js';
import type { BenchmarkResult } from '../results/benchmark-result.js';
import { defineCommand } from 'citty';
import { layerOptions, optionsFromEnv } from '../options/option-layers.js';
import { runBenchmark } from '../pipeline/run-benchmark.js';
import { resolveBenchmarkSettings, type BenchmarkSettingsInput } from '../options/benchmark-options.js';
import { SETTABLE_OPTIONS } from '../options/option-registry.js';
import type { OptionNamer } from '../options/option-schema.js';
import { describeWrittenReport, parseReportFormats, writeReports } from '../reporters/write-reports.js';
import { abortOnSigint } from './abort-on-sigint.js';
import { ioOf, resolveOptionPaths } from './cli-io.js';
import { colourReport } from './colour-report.js';
import { terminalSafe } from '../core/terminal-text.js';
import { assertKnownFlags, flagValue, outputTarget, refuseArguments, withRepeatedFlags } from './_flags.js';
import { commandLineNames, optionArgs, optionsFromFlags, typedFlags, type OptionArgDef } from './option-args.js';
import { readRunConfig } from './run-config.js';
import { attachRunProgress } from './progress.js';
import { assertResultWritableIn, resultPathIn } from './result-path.js';
import { runOutcome } from './run-outcome.js';

export const runArgs = {
  config: { type: 'string', description: 'JSON file of run options, or a result file to run again; the environment and flags take precedence', valueHint: 'file' },
  'output-dir': { type: 'string', alias: 'o', description: 'Folder of the JSON result, under a new name; other reports go beside it (an -o ending in .json is the file)', valueHint: 'dir' },
  output: { type: 'string', description: 'The JSON result file itself', defaultText: 'results/<model>-<time>-<pid>.json', valueHint: 'file' },
  report: { type: 'string', alias: 'r', description: 'Reports: console, json, csv, md, html, separated by commas (default console,json)', help: 'Reports: console, json, csv, md, html', defaultText: 'console,json', valueHint: 'formats' },
  'require-valid': { type: 'boolean', description: 'Exit 99 when the verdict is INVALID' },
  progress: { type: 'boolean', default: true, description: 'Show a progress bar on a terminal', negativeDescription: 'No progress bar (drawn only on a terminal anyway) and no phase lines on stderr' },
  ...optionArgs(),
} as const satisfies Record<string, OptionArgDef>;

/** The run options a command line gives, and how a refusal names each: as the user gave it (`-n`, not queryCount). */
export interface CommandLineOptions {
  /** The options in force. */
  readonly options: BenchmarkSettingsInput;
  /** How to name them when refusing a combination. */
  readonly names: OptionNamer;
}

/** The run options in force: defaults < `--config` file < the workshop's environment variables < flags (`rawArgs` as typed). */
export async function runOptionsFromFlags(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
  rawArgs: readonly string[] = [],
): Promise<CommandLineOptions> {
  const configPath = flagValue('--config', flags.config as string | undefined);
  const config = configPath === undefined ? {} : await readRunConfig(resolve(cwd, configPath));
  const typed = typedFlags(rawArgs);
  const fromEnv = optionsFromEnv(env);
  return {
    options: layerOptions({ config, env: fromEnv, flags: optionsFromFlags(flags, SETTABLE_OPTIONS, typed) }),
    names: commandLineNames(typed, { env: fromEnv, config }),
  };
}

/** `inferbench run`: the workshop benchmark on one model. */
export const runCommand = defineCommand({
  meta: { name: 'run', description: 'Benchmark a model: compile for one batch size, load copies, drive concurrent clients, report latency and throughput' },
  args: runArgs,
  async run(context) {
    const { args, rawArgs } = context;
    const io = ioOf(context);
    assertKnownFlags('run', rawArgs, runArgs);
    const given = await runOptionsFromFlags(withRepeatedFlags(args, rawArgs, runArgs), io.env, io.cwd, rawArgs);
    // Checked here too, so that a combination that cannot be is refused naming the flags typed, not the API's options.
    resolveBenchmarkSettings(given.options, given.names);
    const options = resolveOptionPaths(io, given.options);
    refuseArguments('run', args._);
    const output = outputTarget(args);
    const formats = parseReportFormats(flagValue('--report', args.report) ?? 'console,json');
    // Checked before measuring, so that no run is lost to a path it cannot write.
    await assertResultWritableIn(io, output);
    const result = await abortOnSigint(async (signal) => {
      const run = runBenchmark({ ...options, signal, env: io.env });
      const progress = args.progress ? attachRunProgress(run, io.stderr) : undefined;
      try {
        return await run;
      } finally {
        progress?.stop();
      }
    });
    const path = resultPathIn(io, output, result);
    const written = await writeReports(
      { results: [result] },
      { formats, path, printConsole: (text) => io.stdout.write(`${colourReport(terminalSafe(text), io)}\n`) },
    ).catch((error: unknown) => keepResultElsewhere(result, path, error));
    for (const report of written) io.stdout.write(`${describeWrittenReport(report)}\n`);
    const outcome = runOutcome(result, args['require-valid'] === true);
    if (outcome.message !== undefined) io.stderr.write(`inferbench: ${terminalSafe(outcome.message)}\n`);
    return outcome.exitCode;
  },
});

/**
 * What was measured is never lost to a path that became unwritable while measuring (a full disk, a folder removed):
 * the result goes to the temporary folder instead, and the error line names both places.
 */
async function keepResultElsewhere(result: BenchmarkResult, path: string, error: unknown): Promise<never> {
  const fallback = join(tmpdir(), basename(path).replace(/(\.json)?$/i, '.json'));
  const kept = await writeResultJson(result, fallback).then(
    (written) => `it is kept in ${written} instead`,
    (again: unknown) => `nor in ${fallback} (${firstLine(again)})`,
  );
  throw new InferbenchError('RESULT_NOT_WRITTEN', `cannot write the result to ${path} (${firstLine(error)}); ${kept}`, { cause: error });
}

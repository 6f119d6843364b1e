import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { InferbenchError } from '../core/errors.js';
import { layerOptions, optionsFromEnv } from '../options/option-layers.js';
import { optionNamed, readOptionText, SETTABLE_OPTIONS } from '../options/option-registry.js';
import { describeWrittenReport, parseReportFormats, writeReports } from '../reporters/write-reports.js';
import { sweep, type SweepResult } from '../sweep/run-sweep.js';
import type { SweepAxes, SweepOptions } from '../sweep/sweep-options.js';
import { sweepManifestPath } from '../sweep/sweep-state.js';
import { formatSweepLine, formatSweepTable } from '../sweep/sweep-report.js';
import { assertKnownFlags, flagValue, integerListEnv, integerListFlag, listFlagText, refuseArguments, withRepeatedFlags } from './_flags.js';
import { abortOnSigint } from './abort-on-sigint.js';
import { ioOf, resolveFrom, resolveOptionPaths } from './cli-io.js';
import { attachRunProgress, type RunProgress } from './progress.js';
import { CHECKS_FAILED_EXIT_CODE } from './run-outcome.js';
import { oldSpelling, optionsFromFlags, typedFlags, type OptionArgDef } from './option-args.js';
import { runArgs } from './run-command.js';
import { readSweepConfig, type SweepConfig } from './sweep-config.js';
import { terminalSafe } from '../core/terminal-text.js';
import { runShardCommand, type FleetFlagOptions, type SweepFlagOptions } from './sweep-shard-command.js';

// A sweep writes one result per configuration into --output-dir, and its own reports there; its --config is its own.
const { output: _output, 'output-dir': _outputDir, 'require-valid': _requireValid, config: _config, ...sharedRunArgs } = runArgs;

export const sweepArgs = {
  'batch-size-list': { type: 'string', description: 'Batch sizes to sweep, e.g. 2,4,8; each is compiled once [env BATCH_SIZES, e.g. "2 4 8"]', valueHint: 'n,…', env: 'BATCH_SIZES' },
  'copies-list': { type: 'string', description: 'Model copies to sweep, e.g. 1,2,4', valueHint: 'n,…' },
  'clients-list': { type: 'string', description: 'Concurrent clients to sweep, e.g. 1,2,4', valueHint: 'n,…' },
  'device-list': { type: 'string', description: 'Devices to sweep, e.g. cpu,cuda', valueHint: 'name,…' },
  vary: { type: 'string', description: 'Any other run option to sweep, by its name or flag, e.g. sequence-length=64,128; repeat for more', valueHint: 'option=v,…', repeatable: true },
  config: { type: 'string', description: 'JSON file of the sweep: { "fixed": {run options}, "axes": {batchSizes, copies, clients, devices, vary}, "slo", "costPerHour", and for a fleet "targets", "image", "results" }; the environment and flags take precedence', valueHint: 'file' },
  slo: { type: 'string', description: 'Latency objective of the best configuration, e.g. "p95<50ms"; exit 99 when none meets it', valueHint: 'expr' },
  'output-dir': { type: 'string', alias: 'o', description: "Folder of each configuration's result, sweep.json and sweep.csv; the same sweep run again resumes there", valueHint: 'dir' },
  fresh: { type: 'boolean', description: 'Start over instead of resuming what --output-dir holds' },
  results: { type: 'string', description: "A fleet sweep's results: a folder every machine reaches, or s3://bucket/prefix; this process runs one shard there", valueHint: 'dir|s3://…' },
  shard: { type: 'string', description: 'Which shard of its target this process runs, i/N (default: from AWS Batch, Kubernetes or Slurm, else 1/1)', valueHint: 'i/N' },
  target: { type: 'string', description: "This machine's target among the config's targets [env INFERBENCH_TARGET]", valueHint: 'name' },
  ...sharedRunArgs,
  report: { ...sharedRunArgs.report, description: 'Reports: console, json, csv, md, html, separated by commas (default console,json,csv)', defaultText: 'console,json,csv' },
  'batch-sizes': oldSpelling('batch-size-list', 'value'),
  devices: oldSpelling('device-list', 'value'),
} as const satisfies Record<string, OptionArgDef>;

/**
 * `--vary sequence-length=64,128 --vary scenario=closed,offline`: each run option, named by its API
 * name, its flag or an old spelling, and its values, read and checked as its flag reads them.
 */
function parseVary(raw: unknown): Record<string, unknown[]> {
  const vary: Record<string, unknown[]> = {};
  for (const text of [raw ?? []].flat()) {
    const value = flagValue('--vary', text as string)!;
    const match = /^([A-Za-z][\w.-]*)=(.+)$/.exec(value.trim());
    if (!match) throw new InferbenchError('INVALID_OPTION', `--vary takes option=value,value, e.g. sequence-length=64,128; got '${value}'`);
    const [, spelled, list] = match as unknown as [string, string, string];
    const named = optionNamed(spelled);
    if (named === undefined) throw new InferbenchError('INVALID_OPTION', `--vary ${spelled}: no run option has that name or flag; e.g. --vary sequence-length=64,128`);
    if (vary[named.name] !== undefined) throw new InferbenchError('INVALID_OPTION', `--vary gives ${named.name} twice; list its values once`);
    vary[named.name] = list.split(',').map((v) => readOptionText(named.name, `--vary ${spelled}`, v.trim(), named.oldFlag));
  }
  return vary;
}

/** The devices of `--device-list` (or its old spelling `--devices`, not both), each checked as `--device` is. */
function deviceList(flags: Readonly<Record<string, unknown>>): SweepAxes['devices'] {
  const given = listFlagText(flags, 'device-list', 'devices');
  return given?.text.split(',').map((d) => readOptionText('device', `--${given.flag}`, d.trim()) as NonNullable<SweepAxes['devices']>[number]);
}

/**
 * Turns flags, a `--config` file and the workshop's environment into sweep options, with run's
 * precedence: defaults < config file < environment (BATCH_SIZES and the run's variables) < flags.
 */
export async function sweepOptionsFromFlags(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
  rawArgs: readonly string[] = [],
): Promise<SweepFlagOptions> {
  return (await sweepAndFleetFromFlags(flags, env, cwd, rawArgs)).sweep;
}

/** {@link sweepOptionsFromFlags}, and what the flags and config file say of a fleet. */
export async function sweepAndFleetFromFlags(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
  rawArgs: readonly string[] = [],
): Promise<{ readonly sweep: SweepFlagOptions; readonly fleet: FleetFlagOptions }> {
  const text = (flag: string): string | undefined => flagValue(`--${flag}`, [flags[flag]].flat().at(-1) as string | undefined);
  const configPath = text('config');
  const config: SweepConfig = configPath === undefined ? {} : await readSweepConfig(resolve(cwd, configPath));
  const outputDir = text('output-dir');
  const fromConfig = { ...config.fixed, ...(config.costPerHour === undefined ? {} : { costPerHour: config.costPerHour }) };
  const vary = { ...config.axes?.vary, ...parseVary(flags.vary) };
  const results = text('results') ?? config.results;
  const fleet: FleetFlagOptions = {
    ...(config.targets === undefined ? {} : { targets: config.targets }),
    ...(config.image === undefined ? {} : { image: config.image }),
    ...(results === undefined ? {} : { results }),
    configGiven: configPath !== undefined,
    axesFlagged: ['batch-size-list', 'batch-sizes', 'copies-list', 'clients-list', 'device-list', 'devices', 'vary'].some((flag) => flags[flag] !== undefined),
  };
  const sweep: SweepFlagOptions = {
    ...layerOptions({ config: fromConfig, env: optionsFromEnv(env), flags: optionsFromFlags(flags, SETTABLE_OPTIONS, typedFlags(rawArgs)) }),
    axes: {
      batchSizes: integerListFlag(flags, 'batch-size-list', 'batch-sizes') ?? integerListEnv(env, 'BATCH_SIZES') ?? config.axes?.batchSizes,
      copies: integerListFlag(flags, 'copies-list') ?? config.axes?.copies,
      clients: integerListFlag(flags, 'clients-list') ?? config.axes?.clients,
      devices: deviceList(flags) ?? config.axes?.devices,
      vary: Object.keys(vary).length > 0 ? vary : undefined,
    },
    outputDir,
    slo: text('slo') ?? config.slo,
    fresh: flags.fresh === true,
  };
  return { sweep, fleet };
}

/** `inferbench sweep`: a benchmark per configuration of a grid, the best one within an SLO, resumable. */
export const sweepCommand = defineCommand({
  meta: { name: 'sweep', description: 'Benchmark every combination of batch sizes, copies, clients, devices and other options; pick the highest throughput within a latency SLO' },
  args: sweepArgs,
  async run(context) {
    const { args, rawArgs } = context;
    const io = ioOf(context);
    assertKnownFlags('sweep', rawArgs, sweepArgs);
    refuseArguments('sweep', args._);
    const { sweep: flagOptions, fleet } = await sweepAndFleetFromFlags(withRepeatedFlags(args, rawArgs, sweepArgs), io.env, io.cwd, rawArgs);
    // With --results (or a config's results and no --output-dir), this process is one shard of a fleet sweep.
    const shardRun = args.results !== undefined || args.shard !== undefined || (fleet.results !== undefined && flagOptions.outputDir === undefined);
    if (shardRun) return runShardCommand(flagOptions, fleet, args, io);
    const { outputDir, ...rest } = flagOptions;
    if (outputDir === undefined) throw new InferbenchError('INVALID_OPTION', "give --output-dir DIR: it keeps each configuration's result, and a rerun of the same sweep resumes there");
    const options = { ...resolveOptionPaths(io, rest), outputDir: resolveFrom(io, outputDir) };
    // Each configuration's JSON result and sweep.csv are always written: resuming reads them.
    const formats = parseReportFormats(flagValue('--report', args.report) ?? 'console,json,csv');
    let progress: RunProgress | undefined;
    const result: SweepResult = await abortOnSigint(async (signal) => {
      const run = sweep({ ...options, signal, env: io.env });
      let total = 0;
      run.on('start', (configurations) => (total = configurations.length));
      run.on('config-start', (configuration, inner) => {
        io.stderr.write(`[${configuration.index + 1}/${total}] ${configuration.label}\n`);
        if (args.progress) progress = attachRunProgress(inner, io.stderr);
      });
      const report = (outcome: Parameters<typeof formatSweepLine>[0]): void => {
        progress?.stop();
        io.stdout.write(`${terminalSafe(formatSweepLine(outcome, total, options.slo))}\n`);
      };
      run.on('config-done', report);
      run.on('config-skipped', report);
      try {
        return await run;
      } finally {
        progress?.stop();
      }
    });
    if (formats.includes('console')) io.stdout.write(`${terminalSafe(formatSweepTable(result))}\n`);
    io.stdout.write(`results  ${result.outputDir}\ncsv      ${result.csvPath}\n`);
    // The whole sweep's Markdown and HTML go beside its manifest, as sweep.md and sweep.html;
    // each configuration's JSON and sweep.csv are already written.
    const written = await writeReports(
      { results: result.configurations.map((c) => c.result), bestIndex: result.bestIndex, slo: result.slo },
      { formats: formats.filter((f) => f === 'md' || f === 'html'), path: sweepManifestPath(result.outputDir), printConsole: () => {} },
    );
    for (const report of written) io.stdout.write(`${describeWrittenReport(report)}\n`);
    if (result.bestIndex === undefined) {
      io.stderr.write(`inferbench: no configuration meets ${result.slo}; relax the SLO or sweep other settings\n`);
      return CHECKS_FAILED_EXIT_CODE;
    }
    return 0;
  },
});

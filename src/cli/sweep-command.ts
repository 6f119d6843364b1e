import { readFile } from 'node:fs/promises';
import { defineCommand, type ArgsDef } from 'citty';
import { z } from 'zod';
import { InferbenchError, firstLine } from '../core/errors.js';
import type { BenchmarkOptions } from '../options/benchmark-options.js';
import { describeWrittenReport, parseReportFormats, writeReports } from '../reporters/write-reports.js';
import { sweep, type SweepResult } from '../sweep/run-sweep.js';
import type { SweepAxes, SweepOptions } from '../sweep/sweep-options.js';
import { sweepManifestPath } from '../sweep/sweep-state.js';
import { formatSweepLine, formatSweepTable } from '../sweep/sweep-report.js';
import { assertKnownFlags, flagValue, parseIntegerList, parseScenarioFlag, refuseArguments } from './_flags.js';
import { abortOnSigint } from './abort-on-sigint.js';
import { attachRunProgress, type RunProgress } from './progress.js';
import { CHECKS_FAILED_EXIT_CODE } from './run-outcome.js';
import { runArgs, runOptionsFromFlags } from './run-command.js';

// A sweep writes one result per configuration into --output-dir and its own reports there.
const { output: _output, 'require-valid': _requireValid, ...sharedRunArgs } = runArgs;

export const sweepArgs = {
  ...sharedRunArgs,
  'batch-sizes': { type: 'string', description: 'Batch sizes to sweep, e.g. 2,4,8; each is compiled once [env BATCH_SIZES, e.g. "2 4 8"]', valueHint: 'n,…' },
  'copies-list': { type: 'string', description: 'Model copies to sweep, e.g. 1,2,4', valueHint: 'n,…' },
  'clients-list': { type: 'string', description: 'Concurrent clients to sweep, e.g. 1,2,4', valueHint: 'n,…' },
  devices: { type: 'string', description: 'Devices to sweep, e.g. cpu,cuda', valueHint: 'name,…' },
  vary: { type: 'string', description: 'Any other run option to sweep, by its API name, e.g. sequenceLength=64,128; repeat for more', valueHint: 'option=v,…' },
  config: { type: 'string', description: 'JSON file of the sweep: { "fixed": {run options}, "axes": {batchSizes, copies, clients, devices, vary}, "slo", "costPerHour" }; flags take precedence', valueHint: 'file' },
  slo: { type: 'string', description: 'Latency objective of the best configuration, e.g. "p95<50ms"; exit 99 when none meets it', valueHint: 'expr' },
  'output-dir': { type: 'string', alias: 'o', description: 'Folder of each configuration\'s result, sweep.json and sweep.csv; the same sweep run again resumes there', valueHint: 'dir' },
  fresh: { type: 'boolean', description: 'Start over instead of resuming what --output-dir holds' },
} as const satisfies ArgsDef;

type SweepFlags = { [K in keyof typeof sweepArgs]?: string | boolean | string[] };

const positiveIntegers = z
  .array(z.int({ error: 'must list integers ≥ 1' }).min(1, { error: 'must list integers ≥ 1' }), { error: 'must be a list such as [2, 4, 8]' })
  .min(1, { error: 'must list at least one value' });
const AXES_KEYS = 'batchSizes, copies, clients, devices, vary';

/** The layout of a `--config` file. */
const configFileShape = z.strictObject({
  fixed: z.record(z.string(), z.unknown(), { error: 'must be an object of run options, e.g. { "sequenceLength": 128 }' }).optional(),
  axes: z
    .strictObject({
      batchSizes: positiveIntegers,
      copies: positiveIntegers,
      clients: positiveIntegers,
      devices: z.array(z.enum(['cpu', 'cuda', 'tensorrt', 'neuron'], { error: "must list 'cpu', 'cuda', 'tensorrt' or 'neuron'" })).min(1, { error: 'must list at least one device' }),
      vary: z.record(z.string(), z.array(z.unknown(), { error: 'must be a list of values' }).min(1, { error: 'must list at least one value' }), { error: 'must map run options to lists, e.g. { "sequenceLength": [64, 128] }' }),
    })
    .partial()
    .optional(),
  slo: z.string({ error: 'must be a latency objective such as "p95<50ms"' }).optional(),
  costPerHour: z.number({ error: 'must be a positive price per hour' }).positive({ error: 'must be a positive price per hour' }).optional(),
});

type ConfigFile = z.infer<typeof configFileShape>;

/** Reads and checks a `--config` file; the first problem is named on one line, with the file and the key. */
async function readConfigFile(path: string): Promise<ConfigFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InferbenchError('INVALID_OPTION', `cannot read the sweep config ${path}: ${firstLine(error)}`, { cause: error });
  }
  const parsed = configFileShape.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const key = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    if (issue.code === 'unrecognized_keys') {
      const known = key === 'axes' ? AXES_KEYS : 'fixed, axes, slo, costPerHour';
      return `${path}: unknown key ${issue.keys.map((k) => `'${key === '' ? k : `${key}.${k}`}'`).join(', ')}; the keys are ${known}`;
    }
    return `${path}: ${key === '' ? 'the top level' : key} ${issue.message}`;
  });
  // One line, as every user error: the first problem, and how many more there are.
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
  throw new InferbenchError('INVALID_OPTION', `${lines[0]}${more}`);
}

/** A --vary value as the option takes it: a number, true/false, a scenario in any spelling, or text. */
function varyValue(option: string, text: string): unknown {
  if (option === 'scenario') return parseScenarioFlag(text);
  if (/^[-+]?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text === 'true' ? true : text === 'false' ? false : text;
}

/** `--vary sequenceLength=64,128 --vary scenario=closed,offline` as a record of lists. */
function parseVary(raw: SweepFlags['vary']): Record<string, unknown[]> {
  const given = [raw ?? []].flat().filter((v): v is string => typeof v === 'string');
  return Object.fromEntries(
    given.map((text) => {
      const value = flagValue('--vary', text)!;
      const match = /^([A-Za-z][\w.]*)=(.+)$/.exec(value.trim());
      if (!match) throw new InferbenchError('INVALID_OPTION', `--vary takes option=value,value, e.g. sequenceLength=64,128; got '${value}'`);
      const [, option, list] = match as unknown as [string, string, string];
      return [option, list.split(',').map((v) => varyValue(option, v.trim()))];
    }),
  );
}

/** Drops unset options; an empty list is how the run flags say "not given" (thresholds). */
function given(options: BenchmarkOptions): BenchmarkOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

/**
 * Turns flags, a `--config` file and the workshop's environment into sweep options. Flags take
 * precedence over the file, and the file over the environment (BATCH_SIZES, and the run's own variables).
 */
export async function sweepOptionsFromFlags(flags: SweepFlags, env: NodeJS.ProcessEnv): Promise<SweepOptions> {
  const str = (key: keyof SweepFlags): string | undefined => {
    const raw = flags[key];
    return flagValue(`--${key}`, Array.isArray(raw) ? raw.at(-1) : raw);
  };
  const configPath = str('config');
  const config: ConfigFile = configPath === undefined ? {} : await readConfigFile(configPath);
  const list = (key: keyof SweepFlags): number[] | undefined => {
    const raw = str(key);
    return raw === undefined ? undefined : parseIntegerList(`--${key}`, raw);
  };
  const devices = str('devices')
    ?.split(',')
    .map((d) => d.trim()) as SweepAxes['devices'];
  const vary = { ...config.axes?.vary, ...parseVary(flags.vary) };
  const outputDir = str('output-dir');
  if (outputDir === undefined) throw new InferbenchError('INVALID_OPTION', "give --output-dir DIR: it keeps each configuration's result, and a rerun of the same sweep resumes there");
  return {
    ...given(runOptionsFromFlags(flags, env)),
    ...config.fixed,
    ...(config.costPerHour === undefined ? {} : { costPerHour: config.costPerHour }),
    ...given(runOptionsFromFlags(flags, {})),
    axes: {
      batchSizes: list('batch-sizes') ?? config.axes?.batchSizes ?? (env.BATCH_SIZES ? parseIntegerList('BATCH_SIZES', env.BATCH_SIZES) : undefined),
      copies: list('copies-list') ?? config.axes?.copies,
      clients: list('clients-list') ?? config.axes?.clients,
      devices: devices ?? config.axes?.devices,
      vary: Object.keys(vary).length > 0 ? vary : undefined,
    },
    outputDir,
    slo: str('slo') ?? config.slo,
    fresh: flags.fresh === true,
  };
}

/** `inferbench sweep`: a benchmark per configuration of a grid, the best one within an SLO, resumable. */
export const sweepCommand = defineCommand({
  meta: { name: 'sweep', description: 'Benchmark every combination of batch sizes, copies, clients, devices and other options; pick the highest throughput within a latency SLO' },
  args: sweepArgs,
  async run({ args, rawArgs }) {
    assertKnownFlags('sweep', rawArgs, sweepArgs);
    refuseArguments('sweep', args._);
    const options = await sweepOptionsFromFlags(args, process.env);
    // Each configuration's JSON result and sweep.csv are always written: resuming reads them.
    const formats = parseReportFormats(flagValue('--report', args.report) ?? 'console,json,csv');
    let progress: RunProgress | undefined;
    const result: SweepResult = await abortOnSigint(async (signal) => {
      const run = sweep({ ...options, signal });
      let total = 0;
      run.on('start', (configurations) => (total = configurations.length));
      run.on('config-start', (configuration, inner) => {
        process.stderr.write(`[${configuration.index + 1}/${total}] ${configuration.label}\n`);
        if (args.progress) progress = attachRunProgress(inner, process.stderr);
      });
      const report = (outcome: Parameters<typeof formatSweepLine>[0]): void => {
        progress?.stop();
        process.stdout.write(`${formatSweepLine(outcome, total, options.slo)}\n`);
      };
      run.on('config-done', report);
      run.on('config-skipped', report);
      try {
        return await run;
      } finally {
        progress?.stop();
      }
    });
    if (formats.includes('console')) process.stdout.write(`${formatSweepTable(result)}\n`);
    process.stdout.write(`results  ${result.outputDir}\ncsv      ${result.csvPath}\n`);
    // The whole sweep's Markdown and HTML go beside its manifest, as sweep.md and sweep.html;
    // each configuration's JSON and sweep.csv are already written.
    const written = await writeReports(
      { results: result.configurations.map((c) => c.result), bestIndex: result.bestIndex, slo: result.slo },
      { formats: formats.filter((f) => f === 'md' || f === 'html'), path: sweepManifestPath(result.outputDir), printConsole: () => {} },
    );
    for (const report of written) process.stdout.write(`${describeWrittenReport(report)}\n`);
    if (result.bestIndex === undefined) {
      process.stderr.write(`inferbench: no configuration meets ${result.slo}; relax the SLO or sweep other settings\n`);
      return CHECKS_FAILED_EXIT_CODE;
    }
    return 0;
  },
});

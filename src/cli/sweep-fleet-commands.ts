import { join } from 'node:path';
import { defineCommand } from 'citty';
import { InferbenchError } from '../core/errors.js';
import { makeFolders, writeFileAtomic } from '../core/fs-utils.js';
import { terminalSafe } from '../core/terminal-text.js';
import { collectFleet } from '../fleet/collect.js';
import { FLEET_ENGINES, type EmittedPlan, type FleetEngine } from '../fleet/emit-plan.js';
import { FLEET_PLAN_FILE, formatFleetPlan, type FleetPlan } from '../fleet/fleet-plan.js';
import { formatFleetCsv, formatFleetMarkdown } from '../fleet/fleet-report.js';
import { openResultStore } from '../fleet/open-result-store.js';
import { publishPlan } from '../fleet/run-shard.js';
import { assertKnownFlags, flagValue, refuseArguments, withRepeatedFlags } from './_flags.js';
import { abortOnSigint } from './abort-on-sigint.js';
import { ioOf, resolveFrom, type CliIo } from './cli-io.js';
import { CHECKS_FAILED_EXIT_CODE } from './run-outcome.js';
import { sweepAndFleetFromFlags, sweepArgs } from './sweep-command.js';
import { fleetPlanOf, resultsLocation } from './sweep-shard-command.js';
import type { OptionArgDef } from './option-args.js';

const { 'output-dir': _outputDir, fresh: _fresh, shard: _shard, target: _target, report: _report, progress: _progress, results: _results, ...planSweepArgs } = sweepArgs;

export const sweepPlanArgs = {
  emit: { type: 'string', description: `What to write for the job engine: ${FLEET_ENGINES.join(', ')}`, valueHint: 'engine' },
  'output-dir': { type: 'string', alias: 'o', description: 'Folder of plan.json and the engine files', valueHint: 'dir' },
  shards: { type: 'string', description: 'Shards (jobs of an array) per target (default one per configuration)', valueHint: 'n' },
  results: { type: 'string', description: 'Where the jobs store their results: a folder every machine reaches, or s3://bucket/prefix; the plan is stored there too', valueHint: 'dir|s3://…' },
  ...planSweepArgs,
} as const satisfies Record<string, OptionArgDef>;

/** The engine's emitter, loaded only when asked for: the AWS and Kubernetes ones bring their SDKs' types only. */
async function emitterOf(engine: FleetEngine): Promise<(plan: FleetPlan, results: string) => EmittedPlan> {
  switch (engine) {
    case 'aws-batch':
      return (await import('../fleet/emit-aws-batch.js')).emitAwsBatch;
    case 'kubernetes':
      return (await import('../fleet/emit-kubernetes.js')).emitKubernetes;
    case 'slurm':
      return (await import('../fleet/emit-slurm.js')).emitSlurm;
  }
}

/** The engine `flag` names, refused in one line unless it is one inferbench writes for. */
function engineNamed(flag: '--emit' | '--engine', engine: string | undefined): FleetEngine {
  if (engine !== undefined && (FLEET_ENGINES as readonly string[]).includes(engine)) return engine as FleetEngine;
  throw new InferbenchError('INVALID_OPTION', `${flag} must be ${FLEET_ENGINES.map((e) => `'${e}'`).join(', ')}, got ${engine === undefined ? 'nothing' : `'${engine}'`}`);
}

/** The fleet plan the flags and config describe, and where its results go. */
async function planFromFlags(args: Readonly<Record<string, unknown>>, rawArgs: readonly string[], defs: Record<string, OptionArgDef>, io: CliIo): Promise<{ plan: FleetPlan; results: string }> {
  const shardsText = flagValue('--shards', args.shards as string | undefined);
  if (shardsText !== undefined && !/^[1-9]\d*$/.test(shardsText)) throw new InferbenchError('INVALID_OPTION', `--shards must be an integer ≥ 1, got '${shardsText}'`);
  const { sweep: options, fleet } = await sweepAndFleetFromFlags(withRepeatedFlags(args, rawArgs, defs), io.env, io.cwd, rawArgs);
  if (fleet.results === undefined) throw new InferbenchError('INVALID_OPTION', 'give --results (or "results" in the config): the folder every machine reaches, or s3://bucket/prefix, where the jobs store their results');
  const results = resultsLocation(io, fleet.results);
  return { plan: await fleetPlanOf(options, { ...fleet, configGiven: true }, undefined, shardsText === undefined ? undefined : Number(shardsText)), results };
}

/** `inferbench sweep plan`: the fleet's plan.json and what each engine takes, ready to submit with its own tools. */
export const sweepPlanCommand = defineCommand({
  meta: { name: 'sweep plan', description: "Write a fleet sweep's plan and the AWS Batch, Kubernetes or Slurm jobs that run it" },
  args: sweepPlanArgs,
  async run(context) {
    const { args, rawArgs } = context;
    const io = ioOf(context);
    assertKnownFlags('sweep plan', rawArgs, sweepPlanArgs);
    refuseArguments('sweep plan', args._);
    const engine = flagValue('--emit', args.emit);
    if (engine === undefined) throw new InferbenchError('INVALID_OPTION', `give --emit ${FLEET_ENGINES.join('|')}: the engine the plan's jobs are written for`);
    const emit = await emitterOf(engineNamed('--emit', engine));
    const outputDir = flagValue('--output-dir', args['output-dir']);
    if (outputDir === undefined) throw new InferbenchError('INVALID_OPTION', 'give --output-dir DIR (-o): the folder plan.json and the job files go to');
    const { plan, results } = await planFromFlags(args, rawArgs, sweepPlanArgs, io);
    const emitted = emit(plan, results);
    // Beside the results first: a place that holds another plan refuses before any file is written here.
    await publishPlan(await openResultStore(results, io.env), plan);
    const dir = resolveFrom(io, outputDir);
    await makeFolders(dir);
    await writeFileAtomic(join(dir, FLEET_PLAN_FILE), formatFleetPlan(plan));
    for (const [name, text] of Object.entries(emitted.files)) await writeFileAtomic(join(dir, name), text);
    io.stdout.write(`plan ${plan.planId}: ${plan.configurations.length} configurations on ${Object.entries(plan.shards).map(([t, n]) => `${t} (${n} shards)`).join(', ')}\n`);
    io.stdout.write(`wrote ${[FLEET_PLAN_FILE, ...Object.keys(emitted.files)].map((f) => join(dir, f)).join(', ')}\n`);
    io.stdout.write(`submit: cd ${terminalSafe(dir)} && ${emitted.submit}\ncollect: inferbench sweep collect ${terminalSafe(results)}\n`);
    return 0;
  },
});

const { emit: _emit, 'output-dir': _planOutput, ...submitPlanArgs } = sweepPlanArgs;

export const sweepSubmitArgs = {
  engine: { type: 'string', description: `The job engine to submit to: ${FLEET_ENGINES.join(', ')}`, valueHint: 'engine' },
  ...submitPlanArgs,
} as const satisfies Record<string, OptionArgDef>;

/** `inferbench sweep submit`: what `sweep plan` writes, submitted through the engine's own client; prints the job ids and the collect command. */
export const sweepSubmitCommand = defineCommand({
  meta: { name: 'sweep submit', description: "Submit a fleet sweep's jobs to AWS Batch, Kubernetes or Slurm" },
  args: sweepSubmitArgs,
  async run(context) {
    const { args, rawArgs } = context;
    const io = ioOf(context);
    assertKnownFlags('sweep submit', rawArgs, sweepSubmitArgs);
    refuseArguments('sweep submit', args._);
    const engine = engineNamed('--engine', flagValue('--engine', args.engine));
    const { plan, results } = await planFromFlags(args, rawArgs, sweepSubmitArgs, io);
    // Everything the engine needs is checked (placements, image, a volume) before the plan is stored or a job sent.
    (await emitterOf(engine))(plan, results);
    const { submitPlan } = await import('../fleet/submit-plan.js');
    await publishPlan(await openResultStore(results, io.env), plan);
    const submitted = await abortOnSigint((signal) => submitPlan({ plan, results, engine, env: io.env, signal }));
    for (const [job, id] of Object.entries(submitted.jobIds)) io.stdout.write(`${job} ${terminalSafe(id)}\n`);
    io.stdout.write(`${submitted.then ?? `collect: inferbench sweep collect ${terminalSafe(results)}`}\n`);
    return 0;
  },
});

export const sweepCollectArgs = {
  'output-dir': { type: 'string', alias: 'o', description: 'Where the reports go (fleet.csv, fleet.md, fleet.html): a folder or s3://bucket/prefix; default report/ in the results location', valueHint: 'dir|s3://…' },
} as const satisfies Record<string, OptionArgDef>;

/** `inferbench sweep collect LOCATION…`: every stored result, merged and reported; exit 1 when any is missing, 99 when none meets the SLO. */
export const sweepCollectCommand = defineCommand({
  meta: { name: 'sweep collect', description: "Read a fleet sweep's results, say what is missing, and report the best target within the SLO" },
  args: sweepCollectArgs,
  async run(context) {
    const { args, rawArgs } = context;
    const io = ioOf(context);
    assertKnownFlags('sweep collect', rawArgs, sweepCollectArgs);
    const locations = (args._ as string[]).map((l) => resultsLocation(io, l));
    if (locations.length === 0) throw new InferbenchError('INVALID_OPTION', 'give the results location: inferbench sweep collect <folder|s3://bucket/prefix>');
    const given = flagValue('--output-dir', args['output-dir']);
    const output = given === undefined ? `${locations[0]!.replace(/\/$/, '')}/report` : resultsLocation(io, given);
    const stores = await Promise.all(locations.map((location) => openResultStore(location, io.env)));
    const collection = await abortOnSigint((signal) => collectFleet({ stores, signal }));
    // Through a store too: a collect job in a container keeps its reports where its results are, in S3 or a volume.
    const reports = await openResultStore(output, io.env);
    const markdown = formatFleetMarkdown(collection);
    const { renderFleetHtml } = await import('../fleet/fleet-html.js');
    await reports.write('fleet.csv', formatFleetCsv(collection));
    await reports.write('fleet.md', markdown);
    await reports.write('fleet.html', await renderFleetHtml(collection));
    const cheapest = collection.cheapest;
    io.stdout.write(terminalSafe(markdown));
    io.stdout.write(`reports  ${['fleet.csv', 'fleet.md', 'fleet.html'].map((f) => `${output.replace(/\/$/, '')}/${f}`).join(', ')}\n`);
    if (collection.missing.length > 0) {
      const first = collection.missing[0]!;
      io.stderr.write(`inferbench: ${collection.missing.length} of ${collection.plan.configurations.length} configurations are missing, e.g. ${first.configuration.target} ${terminalSafe(first.configuration.label)} (shard ${first.shard.index}/${first.shard.count}); rerun those shards, then collect again\n`);
      return 1;
    }
    if (cheapest === undefined) {
      io.stderr.write(`inferbench: no configuration of any target meets ${collection.plan.slo}; relax the SLO or sweep other settings\n`);
      return CHECKS_FAILED_EXIT_CODE;
    }
    return 0;
  },
});

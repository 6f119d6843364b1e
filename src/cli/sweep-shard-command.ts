import { InferbenchError } from '../core/errors.js';
import { formatMs, formatRate, plural } from '../core/format.js';
import { terminalSafe } from '../core/terminal-text.js';
import { FLEET_PLAN_FILE, planFleet, readStoredPlan, type FleetPlan, type FleetPlanOptions } from '../fleet/fleet-plan.js';
import { openResultStore } from '../fleet/open-result-store.js';
import type { ResultStore } from '../fleet/result-store.js';
import { runFleetShard } from '../fleet/run-shard.js';
import { TARGET_ENV, parseShard, shardFromEnv } from '../fleet/shard.js';
import { latencyPercentilesNs } from '../reporters/csv-report.js';
import { flagValue } from './_flags.js';
import { abortOnSigint } from './abort-on-sigint.js';
import { resolveFrom, resolveOptionPaths, type CliIo } from './cli-io.js';
import type { SweepOptions } from '../sweep/sweep-options.js';

/** A sweep as its flags and config file give it, where its results go still to be checked. */
export type SweepFlagOptions = Omit<SweepOptions, 'outputDir'> & { readonly outputDir: string | undefined };

/** What makes a sweep a fleet's: its targets and image from the config file, and where its shards store results. */
export interface FleetFlagOptions extends Pick<FleetPlanOptions, 'targets' | 'image'> {
  /** A fleet's results location (`--results`, or the config's `results`): a folder or `s3://bucket/prefix`. */
  readonly results?: string;
  /** True when a `--config` file gave the sweep. */
  readonly configGiven: boolean;
  /**
   * True when flags gave axes. Inside a job, the plan stored beside the results decides, not the workshop's
   * `BATCH_SIZES` that the job's environment may also hold.
   */
  readonly axesFlagged: boolean;
}

/** A results location as given: `s3://…` as it is, a folder against the CLI's working directory. */
export const resultsLocation = (io: CliIo, location: string): string => (location.startsWith('s3://') ? location : resolveFrom(io, location));

/** True when the flags or a config file describe a sweep; otherwise a shard reads the plan its results location holds. */
const describesSweep = (fleet: FleetFlagOptions): boolean => fleet.configGiven || fleet.axesFlagged;

/** The fleet plan of `options`, or the one stored beside the results when they describe none. */
export async function fleetPlanOf(options: SweepFlagOptions, fleet: FleetFlagOptions, store: ResultStore | undefined, shardsPerTarget?: number, signal?: AbortSignal): Promise<FleetPlan> {
  if (describesSweep(fleet)) {
    const { outputDir: _outputDir, fresh: _fresh, ...sweep } = options;
    return planFleet({ ...sweep, ...(fleet.targets ? { targets: fleet.targets } : {}), ...(fleet.image ? { image: fleet.image } : {}), ...(shardsPerTarget === undefined ? {} : { shardsPerTarget }) });
  }
  const stored = store === undefined ? undefined : await readStoredPlan(store, signal);
  if (stored === undefined) {
    throw new InferbenchError('INVALID_OPTION', `no sweep to run: give --config, or axes such as --batch-size-list, or a --results location that holds the ${FLEET_PLAN_FILE} of inferbench sweep plan`);
  }
  return stored;
}

/** This machine's target: `--target`, else INFERBENCH_TARGET, else the plan's only one. */
function targetOf(plan: FleetPlan, given: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const names = Object.keys(plan.targets);
  const named = given ?? env[TARGET_ENV];
  if (named === undefined) {
    if (names.length === 1) return names[0]!;
    throw new InferbenchError('INVALID_OPTION', `the sweep has targets ${names.join(', ')}; name this machine's with --target or ${TARGET_ENV}`);
  }
  if (!names.includes(named)) throw new InferbenchError('INVALID_OPTION', `${given === undefined ? TARGET_ENV : '--target'} names target '${named}', which the sweep lacks; its targets are ${names.join(', ')}`);
  return named;
}

/** `inferbench sweep --results …`: one shard of a fleet sweep, its slice measured and stored; exit 1 for its own failures. */
export async function runShardCommand(options: SweepFlagOptions, fleet: FleetFlagOptions, args: Readonly<Record<string, unknown>>, io: CliIo): Promise<number> {
  if (fleet.results === undefined) throw new InferbenchError('INVALID_OPTION', '--shard runs one shard of a fleet sweep: give --results, the folder or s3://bucket/prefix where the shards store their results');
  const shardText = flagValue('--shard', args.shard as string | undefined);
  const shard = shardText === undefined ? (shardFromEnv(io.env) ?? { index: 1, count: 1 }) : parseShard(shardText);
  const store = await openResultStore(resultsLocation(io, fleet.results), io.env);
  // A plan made here splits each target as this shard says; a stored plan must agree (publishPlan checks).
  const plan = await fleetPlanOf(options, fleet, store, shard.count);
  const target = targetOf(plan, flagValue('--target', args.target as string | undefined), io.env);
  if (plan.shards[target] !== shard.count) {
    throw new InferbenchError('INVALID_OPTION', `the plan splits target ${target} into ${plan.shards[target]} shards, but this is shard ${shard.index}/${shard.count}; run the plan's jobs as written, or plan again with --shards ${shard.count}`);
  }
  const { cacheDir } = resolveOptionPaths(io, { cacheDir: options.cacheDir });
  const result = await abortOnSigint((signal) =>
    runFleetShard({
      plan,
      store,
      target,
      shard,
      ...(cacheDir === undefined ? {} : { cacheDir }),
      env: io.env,
      signal,
      onStart: (configuration) => io.stderr.write(`${target} ${terminalSafe(configuration.label)}\n`),
      onDone: (configuration, stored, resumed) => {
        const m = stored.result.measurement;
        const [p95Ns] = latencyPercentilesNs(stored.result, [95]);
        io.stdout.write(`${target} ${terminalSafe(configuration.label)}: ${formatRate(m.throughput.samplesPerSecond)} samples/s, p95 ${formatMs(p95Ns!)}${resumed ? ' (stored earlier)' : ''}\n`);
      },
    }),
  );
  io.stdout.write(`shard ${shard.index}/${shard.count} of ${target}: ${result.measured.length} measured, ${result.resumed.length} stored earlier, ${result.failed.length} failed · results ${store.location}\n`);
  if (result.failed.length === 0) return 0;
  const failures = result.failed.map(({ configuration, error }) => `${configuration.label} (${error})`).join('; ');
  io.stderr.write(`inferbench: shard ${shard.index}/${shard.count} of ${target}: ${plural(result.failed.length, 'configuration')} of ${result.configurations.length} failed: ${terminalSafe(failures)}\n`);
  return 1;
}

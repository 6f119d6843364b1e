import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferbenchError, firstLine } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs-utils.js';
import type { BenchmarkOptions } from '../pipeline/run-benchmark-options.js';
import { runBenchmark } from '../pipeline/run-benchmark.js';
import type { BenchmarkRun } from '../pipeline/benchmark-run.js';
import { FLEET_PLAN_FILE, canonicalJson, configurationRunOptions, formatFleetPlan, readStoredPlan, type FleetConfiguration, type FleetPlan } from './fleet-plan.js';
import { FLEET_RESULT_VERSION, isFleetResultOfAnotherPlan, parseFleetResult, resultKey, type FleetResultObject } from './fleet-result.js';
import { storedLocation, type ResultStore } from './result-store.js';
import { shardSlice, type Shard } from './shard.js';

/** What {@link runFleetShard} takes. */
export interface FleetShardOptions {
  readonly plan: FleetPlan;
  /** Where the results go, and the plan beside them. */
  readonly store: ResultStore;
  /** The target this machine is. */
  readonly target: string;
  /** Which slice of the target's configurations this shard runs; default all of them (1/1). */
  readonly shard?: Shard;
  /** Cache of generated and compiled models on this machine. */
  readonly cacheDir?: string;
  /** The environment the runs read (Hugging Face variables, the cache); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Stops the shard: the running configuration is not stored, and the next run of the shard measures it again. */
  readonly signal?: AbortSignal;
  /** Hears of each configuration as it starts, with its run. */
  readonly onStart?: (configuration: FleetConfiguration, run: BenchmarkRun) => void;
  /** Hears of each configuration that is stored, or found already stored. */
  readonly onDone?: (configuration: FleetConfiguration, stored: FleetResultObject, resumed: boolean) => void;
}

/** What a shard did. */
export interface FleetShardResult {
  /** The shard's configurations, in order. */
  readonly configurations: readonly FleetConfiguration[];
  /** Those measured and stored now. */
  readonly measured: readonly FleetConfiguration[];
  /** Those whose complete result was already stored: a retry does not measure them again. */
  readonly resumed: readonly FleetConfiguration[];
  /** Those that failed, with the one line of each failure. */
  readonly failed: readonly { readonly configuration: FleetConfiguration; readonly error: string }[];
}

/**
 * Puts the plan beside the results, or checks that the one there is this plan: results of two plans in one place would
 * be collected as one sweep.
 */
export async function publishPlan(store: ResultStore, plan: FleetPlan, signal?: AbortSignal): Promise<void> {
  const existing = await readStoredPlan(store, signal);
  if (existing === undefined) return store.write(FLEET_PLAN_FILE, formatFleetPlan(plan), signal);
  const source = storedLocation(store, FLEET_PLAN_FILE);
  if (existing.planId !== plan.planId) {
    throw new InferbenchError('INVALID_OPTION', `${source} is the plan of another sweep (plan ${existing.planId}, this one ${plan.planId}); give this sweep its own --results location, or rerun that sweep's own config`);
  }
  // The same configurations split otherwise: collect would name the wrong shards for what is missing.
  const differing = Object.keys(plan.shards).find((target) => existing.shards[target] !== plan.shards[target]);
  if (differing !== undefined) {
    throw new InferbenchError('INVALID_OPTION', `${source} splits target ${differing} into ${existing.shards[differing]} shards, this run into ${plan.shards[differing]}; run the stored plan's shards (--shard i/${existing.shards[differing]})`);
  }
  // The same configurations under another SLO, price, image or placement: collect would judge by the stored one.
  if (canonicalJson(existing) !== canonicalJson(plan)) {
    throw new InferbenchError('INVALID_OPTION', `${source} holds this sweep's configurations with other settings (its SLO, prices, image or placements); give the changed sweep its own --results location`);
  }
}

/**
 * Runs one shard of a fleet sweep: the shard's slice of its target's configurations, each measured with runBenchmark
 * and stored whole as `<target>/<configuration id>.json`. A configuration whose complete result is already stored is
 * skipped, so a retried job resumes; configurations of one batch size are neighbours and share the compile cache.
 * One configuration's failure does not stop the others; the result lists each.
 */
export async function runFleetShard(options: FleetShardOptions): Promise<FleetShardResult> {
  const { plan, store, target, shard = { index: 1, count: 1 }, signal } = options;
  if (plan.targets[target] === undefined) {
    throw new InferbenchError('INVALID_OPTION', `the plan has no target '${target}'; its targets are ${Object.keys(plan.targets).join(', ')}`);
  }
  await publishPlan(store, plan, signal);
  const configurations = shardSlice(
    plan.configurations.filter((c) => c.target === target),
    shard,
  );
  const measured: FleetConfiguration[] = [];
  const resumed: FleetConfiguration[] = [];
  const failed: { configuration: FleetConfiguration; error: string }[] = [];
  for (const configuration of configurations) {
    const key = resultKey(configuration);
    const stored = await readStored(store, key, plan, configuration, signal);
    if (stored !== undefined) {
      resumed.push(configuration);
      options.onDone?.(configuration, stored, true);
      continue;
    }
    if (signal?.aborted) throw new InferbenchError('ABORTED', `the shard was interrupted before ${configuration.label}; run it again to resume`);
    const runOptions = { ...(configurationRunOptions(plan, configuration) as BenchmarkOptions), cacheDir: options.cacheDir, env: options.env, signal };
    const run = runBenchmark(runOptions);
    options.onStart?.(configuration, run);
    let object: FleetResultObject;
    try {
      const result = await run;
      // Cut short: not a result of this configuration; the shard's next run measures it again.
      if (result.measurement.stopReason === 'interrupted') throw new InferbenchError('ABORTED', `the shard was interrupted during ${configuration.label}; run it again to resume`);
      object = { inferbenchFleetResult: FLEET_RESULT_VERSION, planId: plan.planId, configurationId: configuration.id, target, label: configuration.label, shard: `${shard.index}/${shard.count}`, result };
    } catch (error) {
      if (error instanceof InferbenchError && error.code === 'ABORTED') throw error;
      failed.push({ configuration, error: firstLine(error) });
      continue;
    }
    try {
      await store.write(key, `${JSON.stringify(object)}\n`, signal);
    } catch (error) {
      if (error instanceof InferbenchError && error.code === 'ABORTED') throw error;
      // Measured, but not stored: kept on this machine, and counted as this shard's failure.
      const kept = join(tmpdir(), `inferbench-fleet-${configuration.target}-${configuration.id}.json`);
      await writeFileAtomic(kept, `${JSON.stringify(object)}\n`);
      failed.push({ configuration, error: `${firstLine(error)}; the result is kept in ${kept}` });
      continue;
    }
    measured.push(configuration);
    options.onDone?.(configuration, object, false);
  }
  return { configurations, measured, resumed, failed };
}

/**
 * The stored result of a configuration when it is whole and this plan's; undefined when there is none, or only a
 * broken one (a write cut short elsewhere), which is measured again. Another plan's result is refused: it is not this
 * shard's to replace.
 */
async function readStored(store: ResultStore, key: string, plan: FleetPlan, configuration: FleetConfiguration, signal: AbortSignal | undefined): Promise<FleetResultObject | undefined> {
  const bytes = await store.read(key, signal);
  if (bytes === undefined) return undefined;
  try {
    return parseFleetResult(bytes, storedLocation(store, key), plan, configuration);
  } catch (error) {
    if (error instanceof InferbenchError && error.code === 'RESULT_INVALID' && !isFleetResultOfAnotherPlan(bytes, plan)) return undefined;
    throw error;
  }
}

import { InferbenchError } from '../core/errors.js';
import type { BenchmarkResult } from '../results/benchmark-result.js';
import { mergeResults } from '../results/merge-results.js';
import { chooseBest, meetsSlo, parseSlo } from '../sweep/choose-best.js';
import { FLEET_PLAN_FILE, readStoredPlan, type FleetConfiguration, type FleetPlan } from './fleet-plan.js';
import { parseFleetResult, resultKey } from './fleet-result.js';
import { storedLocation, type ResultStore } from './result-store.js';
import { shardOf, type Shard } from './shard.js';

/** Objects read at once: enough to hide each request's latency, few enough for any store. */
const DEFAULT_CONCURRENCY = 16;

/** What {@link collectFleet} takes. */
export interface CollectOptions {
  /** Where the shards stored their results; the first holds the plan. Several: the runs of one plan, merged. */
  readonly stores: readonly ResultStore[];
  /** Objects read at once; default 16. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/** A configuration whose result was found. */
export interface CollectedConfiguration {
  readonly configuration: FleetConfiguration;
  /** Its result; several runs of it merged exactly (histograms added, counts summed). */
  readonly result: BenchmarkResult;
  /** How many stored results made it. */
  readonly runs: number;
  /** True when its latency meets the plan's SLO; always true without one. */
  readonly meetsSlo: boolean;
}

/** A configuration no store holds, and the shard that should have made it. */
export interface MissingConfiguration {
  readonly configuration: FleetConfiguration;
  readonly shard: Shard;
}

/** What collect found. */
export interface FleetCollection {
  readonly plan: FleetPlan;
  /** The configurations found, in plan order. */
  readonly configurations: readonly CollectedConfiguration[];
  readonly missing: readonly MissingConfiguration[];
  /** Per target, the index in `configurations` of its highest throughput within the SLO; undefined when none meets it. */
  readonly bestByTarget: Readonly<Record<string, number | undefined>>;
  /** Among the targets' best, the lowest cost per million samples (the highest throughput when unpriced). */
  readonly cheapest: number | undefined;
}

/** Runs `work` on every item, at most `limit` at once, in order of the items. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function readPlan(store: ResultStore, signal: AbortSignal | undefined): Promise<FleetPlan> {
  const plan = await readStoredPlan(store, signal);
  if (plan === undefined) throw new InferbenchError('INVALID_OPTION', `${storedLocation(store, FLEET_PLAN_FILE)} does not exist: no fleet sweep stored its results there; give the --results location of the sweep`);
  return plan;
}

/**
 * Reads a fleet sweep's plan and every result its shards stored, in parallel, bounded. Each result is checked against
 * the plan; an object under a target's folder that answers no configuration of the plan is refused in one line, as
 * is a store holding another plan. Results of one configuration from several stores are merged exactly.
 */
export async function collectFleet(options: CollectOptions): Promise<FleetCollection> {
  const { stores, signal, concurrency = DEFAULT_CONCURRENCY } = options;
  if (stores.length === 0) throw new InferbenchError('INVALID_OPTION', 'collect needs at least one results location');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InferbenchError('INVALID_OPTION', `concurrency must be an integer ≥ 1, got ${concurrency}`);
  const plan = await readPlan(stores[0]!, signal);
  for (const store of stores.slice(1)) {
    const other = await readPlan(store, signal);
    if (other.planId !== plan.planId) throw new InferbenchError('INVALID_OPTION', `${store.location} holds plan ${other.planId}, ${stores[0]!.location} plan ${plan.planId}; collect the locations of one sweep together`);
  }
  const byKey = new Map(plan.configurations.map((c) => [resultKey(c), c]));
  const targets = new Set(Object.keys(plan.targets));
  const found: { store: ResultStore; key: string; configuration: FleetConfiguration }[] = [];
  for (const store of stores) {
    for (const key of await store.list('', signal)) {
      const [folder] = key.split('/');
      if (key.split('/').length !== 2 || !targets.has(folder!)) continue; // the plan, reports, anything beside the results
      const configuration = byKey.get(key);
      if (configuration === undefined) {
        throw new InferbenchError('RESULT_INVALID', `${storedLocation(store, key)} answers no configuration of plan ${plan.planId}; remove it, or collect from the location its own plan wrote`);
      }
      found.push({ store, key, configuration });
    }
  }
  const read = await mapBounded(found, concurrency, async ({ store, key, configuration }) => {
    const bytes = await store.read(key, signal);
    // Listed, then gone: a store being cleaned while collected.
    if (bytes === undefined) return undefined;
    return { configuration, object: parseFleetResult(bytes, storedLocation(store, key), plan, configuration) };
  });
  const runsOf = new Map<string, BenchmarkResult[]>();
  for (const entry of read) if (entry !== undefined) runsOf.set(entry.configuration.id, [...(runsOf.get(entry.configuration.id) ?? []), entry.object.result]);
  const slo = plan.slo === undefined ? [] : parseSlo(plan.slo);
  const configurations: CollectedConfiguration[] = [];
  const missing: MissingConfiguration[] = [];
  for (const target of targets) {
    const ofTarget = plan.configurations.filter((c) => c.target === target);
    ofTarget.forEach((configuration, position) => {
      const runs = runsOf.get(configuration.id);
      if (runs === undefined) {
        missing.push({ configuration, shard: shardOf(position, ofTarget.length, plan.shards[target]!) });
        return;
      }
      const result = runs.length === 1 ? runs[0]! : mergeResults(runs);
      configurations.push({ configuration, result, runs: runs.length, meetsSlo: meetsSlo(result, slo) });
    });
  }
  const bestByTarget = Object.fromEntries(
    [...targets].map((target) => {
      const indexes = configurations.flatMap((c, i) => (c.configuration.target === target ? [i] : []));
      const best = chooseBest(indexes.map((i) => configurations[i]!));
      return [target, best === undefined ? undefined : indexes[best]];
    }),
  );
  return { plan, configurations, missing, bestByTarget, cheapest: cheapestOf(configurations, Object.values(bestByTarget)) };
}

/**
 * Among the targets' best, the lowest cost per million samples, VALID runs first as `chooseBest` prefers them; the
 * highest throughput when no target is priced. An unpriced target never wins against priced ones: its cost is unknown.
 */
function cheapestOf(configurations: readonly CollectedConfiguration[], candidates: readonly (number | undefined)[]): number | undefined {
  const found = candidates.filter((i): i is number => i !== undefined);
  const valid = found.filter((i) => configurations[i]!.result.verdict.valid);
  const pool = valid.length > 0 ? valid : found;
  const cost = (i: number): number | null => configurations[i]!.result.efficiency.costPerMillionSamples;
  const priced = pool.filter((i) => cost(i) !== null);
  if (priced.length > 0) return priced.reduce((best, i) => (cost(i)! < cost(best)! ? i : best));
  const rate = (i: number): number => configurations[i]!.result.measurement.throughput.samplesPerSecond;
  return pool.reduce<number | undefined>((best, i) => (best === undefined || rate(i) > rate(best) ? i : best), undefined);
}

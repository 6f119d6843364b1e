import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InferbenchError } from '../core/errors.js';
import type { SweepAxis, SweepSettings } from '../sweep/sweep-grid.js';
import { resolveSweepGrid, type SweepOptions } from '../sweep/sweep-options.js';
import { LOCAL_TARGET, fleetTargetShape, type FleetTarget } from './fleet-target.js';
import { storedLocation, type ResultStore } from './result-store.js';

/** One configuration of a fleet sweep: a point of the grid on one target. */
export interface FleetConfiguration {
  /** A hash of its canonical settings and target: the same configuration has the same id in every plan and retry. */
  readonly id: string;
  /** The target it runs on. */
  readonly target: string;
  /** The value of each axis. */
  readonly settings: SweepSettings;
  /** The settings as `batchSize=2 copies=1`, for lines and messages. */
  readonly label: string;
}

/** A sweep laid out for a fleet: every configuration on every target, and how many shards each target's are split into. */
export interface FleetPlan {
  /** A hash of every configuration's id: results of another plan are told apart by it. */
  readonly planId: string;
  /** The options every configuration shares, as plain JSON (the model by its id). */
  readonly fixed: Readonly<Record<string, unknown>>;
  /** The axes in grid order. */
  readonly axes: readonly SweepAxis[];
  /** The latency objective the best configuration of each target must meet, as written. */
  readonly slo?: string;
  /** Container image of the jobs, where a target names none. */
  readonly image?: string;
  /** The targets by name. */
  readonly targets: Readonly<Record<string, FleetTarget>>;
  /** Every configuration, target by target, each in grid order. */
  readonly configurations: readonly FleetConfiguration[];
  /** How many shards (jobs of an array) each target's configurations are split into. */
  readonly shards: Readonly<Record<string, number>>;
}

/** What {@link planFleet} takes: a sweep without a results folder, its targets, and how to split it. */
export interface FleetPlanOptions extends Omit<SweepOptions, 'outputDir' | 'fresh'> {
  /** Named kinds of machine; default one, `local`, on the device of the options. */
  readonly targets?: Readonly<Record<string, FleetTarget>>;
  /** Container image of the jobs. */
  readonly image?: string;
  /** Shards per target; default one per configuration, as the workshop ran one job per configuration. */
  readonly shardsPerTarget?: number;
}

/** JSON with every object's keys sorted: one text for one value, whatever order it was written in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

const invalid = (message: string): InferbenchError => new InferbenchError('INVALID_OPTION', message);

/**
 * Lays a sweep out over its targets: the grid on each target, with stable ids, split into shards. Every setting is
 * checked here, as `sweep` checks it, so that no job of the fleet fails on a value that could have been refused now.
 */
export function planFleet(options: FleetPlanOptions): FleetPlan {
  const { targets: given, image, shardsPerTarget, ...sweepOptions } = options;
  for (const key of ['model', 'compiler', 'backend'] as const) {
    if (typeof sweepOptions[key] === 'object') throw invalid(`a fleet sweep runs on other machines, which get its options as JSON: give ${key} by its name or path, not as an object`);
  }
  if (given !== undefined && sweepOptions.device !== undefined) throw invalid('a sweep with targets takes each target’s device from the target; drop the fixed device (--device)');
  const grid = resolveSweepGrid(sweepOptions);
  if (given !== undefined && grid.axes.some((axis) => axis.setting === 'device')) {
    throw invalid('a sweep with targets takes each target’s device from the target; drop the devices axis (--device-list)');
  }
  const targets: Record<string, FleetTarget> = given ?? {
    [LOCAL_TARGET]: { device: (grid.fixed['device'] as FleetTarget['device'] | undefined) ?? 'cpu', ...(options.costPerHour === undefined ? {} : { costPerHour: options.costPerHour }) },
  };
  const configurations = Object.entries(targets).flatMap(([target, { device }]) =>
    grid.points.map(({ settings, label }): FleetConfiguration => ({
      // What runs, however it was written (fixed or a one-value axis, keys in any order), and where.
      id: hash(canonicalJson({ options: { ...grid.fixed, ...settings, device }, target })),
      target,
      settings,
      label,
    })),
  );
  if (shardsPerTarget !== undefined && (!Number.isInteger(shardsPerTarget) || shardsPerTarget < 1)) throw invalid(`shardsPerTarget (--shards) must be an integer ≥ 1, got ${shardsPerTarget}`);
  // More shards than configurations are as asked: the shards past them have nothing to do, and say so.
  const shards = Object.fromEntries(Object.keys(targets).map((target) => [target, shardsPerTarget ?? grid.points.length]));
  return {
    // Whatever order the targets were written in.
    planId: hash(configurations.map((c) => c.id).sort().join(',')),
    fixed: grid.fixed,
    axes: grid.axes,
    ...(grid.slo === undefined ? {} : { slo: grid.slo }),
    ...(image === undefined ? {} : { image }),
    targets,
    configurations,
    shards,
  };
}

/** Version of plan.json's layout. */
export const FLEET_PLAN_VERSION = 1;

/** Name of the plan in a fleet's results location. */
export const FLEET_PLAN_FILE = 'plan.json';

const planShape = z.object({
  inferbenchFleetPlan: z.literal(FLEET_PLAN_VERSION),
  planId: z.string(),
  fixed: z.record(z.string(), z.unknown()),
  axes: z.array(z.object({ setting: z.string(), values: z.array(z.unknown()) })),
  slo: z.string().optional(),
  image: z.string().optional(),
  targets: z.record(z.string(), fleetTargetShape),
  configurations: z.array(z.object({ id: z.string(), target: z.string(), settings: z.record(z.string(), z.unknown()), label: z.string() })),
  shards: z.record(z.string(), z.int().min(1)),
});

/** plan.json's text. */
export function formatFleetPlan(plan: FleetPlan): string {
  return `${JSON.stringify({ inferbenchFleetPlan: FLEET_PLAN_VERSION, ...plan }, null, 2)}\n`;
}

/** A plan.json read back, refused in one line naming `source` unless it is one. */
export function parseFleetPlan(text: string, source: string): FleetPlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InferbenchError('RESULT_INVALID', `${source} is not JSON (${(error as Error).message}); write the plan again with inferbench sweep plan`);
  }
  const parsed = planShape.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InferbenchError('RESULT_INVALID', `${source} is not an inferbench fleet plan (${issue.path.join('.') || 'top level'}: ${issue.message}); write the plan again with inferbench sweep plan`);
  }
  const { inferbenchFleetPlan: _version, ...plan } = parsed.data;
  return plan as FleetPlan;
}

/** The plan stored in `store`, undefined when there is none; refused in one line when it is not a plan. */
export async function readStoredPlan(store: ResultStore, signal?: AbortSignal): Promise<FleetPlan | undefined> {
  const bytes = await store.read(FLEET_PLAN_FILE, signal);
  return bytes === undefined ? undefined : parseFleetPlan(bytes.toString('utf8'), storedLocation(store, FLEET_PLAN_FILE));
}

/** Each configuration's run options: the shared ones, its settings, and its target's device and price. */
export function configurationRunOptions(plan: FleetPlan, configuration: FleetConfiguration): Record<string, unknown> {
  const target = plan.targets[configuration.target]!;
  return { ...plan.fixed, ...configuration.settings, device: target.device, ...(target.costPerHour === undefined ? {} : { costPerHour: target.costPerHour }) };
}

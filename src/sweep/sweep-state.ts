import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { InferbenchError, firstLine } from '../core/errors.js';
import { folderObstacle, makeFolders, obstacleIn, writeFileAtomic } from '../core/fs-utils.js';
import type { BenchmarkResult } from '../results/benchmark-result.js';
import { readResultFile } from '../results/read-result.js';
import type { SweepAxis, SweepSettings } from './sweep-grid.js';
import type { SweepConfiguration, SweepPlan } from './sweep-options.js';

/** Name of the manifest in a sweep's output folder. */
export const SWEEP_MANIFEST_FILE = 'sweep.json';

/** Version of the manifest layout below; a sweep refuses to resume from one it does not know. */
export const SWEEP_MANIFEST_VERSION = 1;

/** A configuration as the manifest records it. */
export interface SweepManifestEntry {
  /** The value of each axis. */
  readonly settings: SweepSettings;
  /** Its result file, relative to the output folder. */
  readonly file: string;
  /** True once its result file is written whole. */
  readonly done: boolean;
}

/** The on-disk record of a sweep (sweep.json): what it runs and how far it got. */
export interface SweepManifest {
  /** {@link SWEEP_MANIFEST_VERSION} at the time of writing. */
  readonly sweepManifestVersion: typeof SWEEP_MANIFEST_VERSION;
  /** The options every configuration shares, as plain JSON. */
  readonly fixed: Readonly<Record<string, unknown>>;
  /** The axes in grid order. */
  readonly axes: readonly SweepAxis[];
  /** Every configuration in grid order. */
  readonly configurations: readonly SweepManifestEntry[];
}

const manifestShape = z.object({
  sweepManifestVersion: z.literal(SWEEP_MANIFEST_VERSION),
  fixed: z.record(z.string(), z.unknown()),
  axes: z.array(z.object({ setting: z.string(), values: z.array(z.unknown()) })),
  configurations: z.array(z.object({ settings: z.record(z.string(), z.unknown()), file: z.string(), done: z.boolean() })),
});

/** Path of the manifest of a sweep writing into `outputDir`. */
export function sweepManifestPath(outputDir: string): string {
  return join(outputDir, SWEEP_MANIFEST_FILE);
}

const shown = (value: unknown): string => (value === undefined ? 'unset' : JSON.stringify(value));

/** The first setting in which the recorded sweep differs from the planned one, as "X was A, now B"; undefined when they match. */
function firstDifference(recorded: SweepManifest, plan: SweepPlan): string | undefined {
  const keys = [...new Set([...Object.keys(recorded.fixed), ...Object.keys(plan.fixed)])];
  const key = keys.find((k) => JSON.stringify(recorded.fixed[k]) !== JSON.stringify(plan.fixed[k]));
  if (key !== undefined) return `${key} was ${shown(recorded.fixed[key])}, now ${shown(plan.fixed[key])}`;
  const settings = (axes: readonly SweepAxis[]): string => axes.map((a) => a.setting).join(', ');
  if (settings(recorded.axes) !== settings(plan.axes)) return `the axes were ${settings(recorded.axes)}, now ${settings(plan.axes)}`;
  const i = plan.axes.findIndex((a, i) => JSON.stringify(a.values) !== JSON.stringify(recorded.axes[i]!.values));
  return i < 0 ? undefined : `${plan.axes[i]!.setting} values were ${shown(recorded.axes[i]!.values)}, now ${shown(plan.axes[i]!.values)}`;
}

async function readManifest(path: string): Promise<SweepManifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InferbenchError('INVALID_OPTION', `cannot read the sweep manifest ${path} (${firstLine(error)}); use another --output-dir, or --fresh to start over`, { cause: error });
  }
  try {
    return manifestShape.parse(JSON.parse(text)) as SweepManifest;
  } catch (error) {
    throw new InferbenchError('RESULT_INVALID', `${path} is not a sweep manifest of this inferbench (${firstLine(error)}); use another --output-dir, or --fresh to start over`, { cause: error });
  }
}

/** Refuses, before anything runs, an output folder that cannot be made or written; makes nothing. */
export async function assertSweepFolderWritable(outputDir: string): Promise<void> {
  const obstacle = await folderObstacle(outputDir);
  if (obstacle !== undefined) throw new InferbenchError('INVALID_OPTION', `cannot write the sweep into ${outputDir}: ${obstacleIn(outputDir, obstacle)}; pass another --output-dir`);
}

/**
 * The results a previous run of the same sweep left in the plan's output folder, by configuration
 * index. A folder that holds another sweep is refused, naming the first setting that changed; a
 * finished configuration whose file has gone or does not read back is simply run again.
 */
export async function readFinishedConfigurations(plan: SweepPlan): Promise<Map<number, BenchmarkResult>> {
  const finished = new Map<number, BenchmarkResult>();
  if (plan.fresh) return finished;
  const path = sweepManifestPath(plan.outputDir);
  const recorded = await readManifest(path);
  if (recorded === undefined) return finished;
  const difference = firstDifference(recorded, plan);
  if (difference !== undefined) {
    throw new InferbenchError('INVALID_OPTION', `${path} records another sweep: ${difference}; use another --output-dir, or --fresh to start over`);
  }
  for (const configuration of plan.configurations) {
    const entry = recorded.configurations[configuration.index];
    // The manifest only says which configurations ran. Their results are read from the plan's own file names,
    // never from a path the manifest names ("../r1.json", another configuration's file).
    if (entry?.done !== true || entry.file !== basename(configuration.resultPath)) continue;
    const result = await readResultFile(configuration.resultPath).catch(() => undefined);
    if (result !== undefined && isResultOf(result, configuration)) finished.set(configuration.index, result);
  }
  return finished;
}

/** True when `result` was measured with the configuration's settings: a file copied over another's is run again. */
function isResultOf(result: BenchmarkResult, configuration: SweepConfiguration): boolean {
  const measured = result.settings as unknown as Readonly<Record<string, unknown>>;
  return Object.entries(configuration.settings).every(([key, value]) => JSON.stringify(measured[key]) === JSON.stringify(value));
}

/**
 * Records the sweep and its finished configurations in the manifest, whole or not at all, so a
 * process killed midway leaves the previous manifest whole.
 */
export async function writeSweepManifest(plan: SweepPlan, done: ReadonlySet<number>): Promise<string> {
  const manifest: SweepManifest = {
    sweepManifestVersion: SWEEP_MANIFEST_VERSION,
    fixed: plan.fixed,
    axes: plan.axes,
    configurations: plan.configurations.map((c) => ({ settings: c.settings, file: basename(c.resultPath), done: done.has(c.index) })),
  };
  const path = sweepManifestPath(plan.outputDir);
  try {
    await makeFolders(plan.outputDir);
    await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (error) {
    throw new InferbenchError('INVALID_OPTION', `cannot write the sweep manifest ${path} (${firstLine(error)}); pass a writable --output-dir`, { cause: error });
  }
  return path;
}

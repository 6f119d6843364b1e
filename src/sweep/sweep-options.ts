import { join, resolve } from 'node:path';
import { InferbenchError } from '../core/errors.js';
import { resolveBenchmarkSettings, type BenchmarkSettings, type BenchmarkSettingsInput } from '../options/benchmark-options.js';
import type { BenchmarkOptions } from '../pipeline/run-benchmark-options.js';
import type { Threshold } from '../stats/thresholds.js';
import { parseSlo } from './choose-best.js';
import { formatAxisValue, sweepGrid, type SweepAxis, type SweepSettings } from './sweep-grid.js';

/** What a sweep varies; each axis lists the values of one run setting. */
export interface SweepAxes {
  /** Batch sizes (the workshop's DOE_BATCH_SIZES); the outermost axis, so that each is compiled once. */
  readonly batchSizes?: readonly number[];
  /** Model copies per configuration. */
  readonly copies?: readonly number[];
  /** Concurrent clients of the closed scenario. */
  readonly clients?: readonly number[];
  /** Devices the model runs on, e.g. `['cpu', 'cuda']`. */
  readonly devices?: readonly BenchmarkSettings['device'][];
  /** Any other run option by its name, e.g. `{ sequenceLength: [64, 128] }` or `{ scenario: ['closed', 'offline'] }`. */
  readonly vary?: Readonly<Record<string, readonly unknown[]>>;
}

/** Everything `sweep` takes: the benchmark options every configuration shares, the axes, and where results go. */
export interface SweepOptions extends BenchmarkOptions {
  /** What varies between configurations; an axis replaces the fixed value of its setting. */
  readonly axes: SweepAxes;
  /** Folder of each configuration's result, the sweep manifest (sweep.json) and what a resumed sweep reads back. */
  readonly outputDir: string;
  /** Latency objective the best configuration must meet, e.g. `p95<50ms`; default none. */
  readonly slo?: string;
  /** Start over instead of resuming what `outputDir` holds. */
  readonly fresh?: boolean;
}

/** One configuration of a sweep, planned. */
export interface SweepConfiguration {
  /** Its position in the grid, from 0. */
  readonly index: number;
  /** The value of each axis here. */
  readonly settings: SweepSettings;
  /** The settings as `batchSize=2 copies=1`, for lines and messages. */
  readonly label: string;
  /** Absolute path of its result file. */
  readonly resultPath: string;
}

/** A sweep with every value checked, ready to run. */
export interface SweepPlan {
  /** The axes in grid order; the batch size first. */
  readonly axes: readonly SweepAxis[];
  /** Every configuration, in run order. */
  readonly configurations: readonly SweepConfiguration[];
  /** The options every run shares (model, compiler and backend objects included), the axes' settings left out. */
  readonly runOptions: BenchmarkOptions;
  /** The shared options as plain JSON (objects by their id or name): what a resumed sweep must find unchanged. */
  readonly fixed: Readonly<Record<string, unknown>>;
  /** Absolute output folder. */
  readonly outputDir: string;
  /** The latency objective as written, when given. */
  readonly slo: string | undefined;
  /** The objective's parsed thresholds; empty without one. */
  readonly sloThresholds: readonly Threshold[];
  /** Whether to ignore what `outputDir` holds. */
  readonly fresh: boolean;
}

const invalid = (message: string): InferbenchError => new InferbenchError('INVALID_OPTION', message);

/** The axes in run order: those that change the compiled model first, so that each compile serves the configurations after it. */
function orderedAxes(axes: SweepAxes): SweepAxis[] {
  const named: [string, string, readonly unknown[] | undefined][] = [
    ['batchSizes', 'batchSize', axes.batchSizes],
    ['devices', 'device', axes.devices],
    ...Object.entries(axes.vary ?? {}).map(([setting, values]): [string, string, readonly unknown[]] => [`vary.${setting}`, setting, values]),
    ['copies', 'copies', axes.copies],
    ['clients', 'clients', axes.clients],
  ];
  const ordered: SweepAxis[] = [];
  for (const [name, setting, values] of named) {
    if (values === undefined) continue;
    if (!Array.isArray(values) || values.length === 0) throw invalid(`sweep axis ${name} lists no value; give at least one, e.g. [2, 4, 8]`);
    const seen = new Set(values.map((v) => JSON.stringify(v)));
    if (seen.size < values.length) throw invalid(`sweep axis ${name} lists a value twice (${JSON.stringify(values)}); give each value once`);
    if (ordered.some((a) => a.setting === setting)) throw invalid(`sweep axis ${name} varies ${setting}, which another axis already varies; give it once`);
    ordered.push({ setting, values });
  }
  if (ordered.length === 0) throw invalid('a sweep needs at least one axis, e.g. batchSizes [2, 4, 8] (--batch-size-list 2,4,8)');
  return ordered;
}

/** `batchSize=2 copies=1`. */
function labelOf(settings: SweepSettings): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}=${formatAxisValue(v)}`)
    .join(' ');
}

/** `03-batchSize-2_copies-1.json`: numbered in grid order, named by its settings. */
function fileNameOf(index: number, count: number, settings: SweepSettings): string {
  const name = Object.entries(settings)
    .map(([k, v]) => `${k}-${formatAxisValue(v)}`)
    .join('_')
    .replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${String(index + 1).padStart(String(count).length, '0')}-${name}.json`;
}

/** The most configurations one sweep runs. */
export const MAX_SWEEP_CONFIGURATIONS = 10_000;

/** A sweep's grid, laid out and checked, before any place to keep its results is known. */
export interface SweepGridPlan extends Omit<SweepPlan, 'configurations' | 'outputDir' | 'fresh'> {
  /** Every configuration's settings and label, in run order. */
  readonly points: readonly { readonly settings: SweepSettings; readonly label: string }[];
}

/**
 * Checks a sweep's options and lays out its grid: every configuration's settings are validated before
 * anything runs, so that a bad value in the last one does not fail the sweep hours in.
 */
export function resolveSweep(options: Omit<SweepOptions, 'outputDir'> & { readonly outputDir?: string | undefined }): SweepPlan {
  const { outputDir, fresh } = options;
  if (typeof outputDir !== 'string' || outputDir === '') throw invalid('a sweep needs an output folder (outputDir, --output-dir) to keep its results and resume from');
  const { points, ...grid } = resolveSweepGrid(options);
  const absoluteDir = resolve(outputDir);
  const configurations = points.map(({ settings, label }, index): SweepConfiguration => ({ index, settings, label, resultPath: join(absoluteDir, fileNameOf(index, points.length, settings)) }));
  return { ...grid, configurations, outputDir: absoluteDir, fresh: fresh === true };
}

/** The grid of a sweep and its shared options, checked as {@link resolveSweep} checks them. */
export function resolveSweepGrid(options: Omit<SweepOptions, 'outputDir' | 'fresh'>): SweepGridPlan {
  const { axes: given, slo, signal: _signal, env: _env, ...sharedWithPlace } = options;
  const { outputDir: _outputDir, fresh: _fresh, ...shared } = sharedWithPlace as Partial<SweepOptions>;
  const axes = orderedAxes(given);
  const sloThresholds = slo === undefined ? [] : parseSlo(slo);
  const varied = new Set(axes.map((a) => a.setting));
  const runOptions: BenchmarkOptions = Object.fromEntries(Object.entries(shared).filter(([key, value]) => !varied.has(key) && value !== undefined));
  const { model, compiler, backend, ...settings } = runOptions;
  const modelId = typeof model === 'object' ? model.id : model;
  // What a resumed sweep must find unchanged: what is measured. The price and the cache folder are
  // not (a sweep may be priced anew when resumed); objects count by their id or name.
  const { costPerHour: _price, cacheDir: _cache, ...measured } = settings;
  const fixed: Record<string, unknown> = JSON.parse(JSON.stringify({ ...measured, model: modelId, compiler: compiler?.name, backend: backend?.name }));
  // Counted before the grid is built: a million configurations would take gigabytes to list and days to run.
  const size = axes.reduce((product, axis) => product * axis.values.length, 1);
  if (size > MAX_SWEEP_CONFIGURATIONS) {
    throw invalid(`the sweep has ${size} configurations (${axes.map((a) => `${a.values.length} ${a.setting}`).join(' × ')}), over the ${MAX_SWEEP_CONFIGURATIONS} a sweep runs; vary fewer settings or fewer values, or split it into several sweeps`);
  }
  const points = sweepGrid(axes).map((point) => {
    const label = labelOf(point);
    try {
      resolveBenchmarkSettings({ ...settings, ...point, model: modelId } as BenchmarkSettingsInput);
    } catch (error) {
      if (error instanceof InferbenchError) throw new InferbenchError(error.code, `sweep configuration ${label}: ${error.message}`, { cause: error });
      throw error;
    }
    return { settings: point, label };
  });
  return { axes, points, runOptions, fixed, slo, sloThresholds };
}

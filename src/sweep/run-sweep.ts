import { join } from 'node:path';
import { InferbenchError, firstLine } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs-utils.js';
import type { MeasurementWindow, RunningFigures } from '../load/load-generator.js';
import { AwaitableEmitter, type EmitEvent } from '../core/awaitable-emitter.js';
import type { BenchmarkOptions } from '../pipeline/run-benchmark-options.js';
import type { BenchmarkResult } from '../results/benchmark-result.js';
import type { BenchmarkRun } from '../pipeline/benchmark-run.js';
import { runBenchmark } from '../pipeline/run-benchmark.js';
import { formatCsvReport } from '../reporters/csv-report.js';
import { writeResultJson } from '../reporters/json-file.js';
import { chooseBest, meetsSlo } from './choose-best.js';
import { resolveSweep, type SweepConfiguration, type SweepOptions, type SweepPlan } from './sweep-options.js';
import { assertSweepFolderWritable, readFinishedConfigurations, writeSweepManifest } from './sweep-state.js';

/** Name of the CSV report of every configuration in a sweep's output folder. */
export const SWEEP_CSV_FILE = 'sweep.csv';

/** A finished configuration of a sweep: its result and how it fares. */
export interface SweepOutcome extends SweepConfiguration {
  /** What the run measured (read back from its file when resumed). */
  readonly result: BenchmarkResult;
  /** True when its latency meets the sweep's SLO; always true without one. */
  readonly meetsSlo: boolean;
  /** Cost of a million samples at its throughput, when the sweep has a price per hour (`costPerHour`). */
  readonly costPerMillionSamples: number | undefined;
  /** True when it was finished by an earlier run of the sweep and not run again. */
  readonly resumed: boolean;
}

/** What a sweep found. */
export interface SweepResult {
  /** Every configuration in grid order. */
  readonly configurations: readonly SweepOutcome[];
  /** Index of the highest throughput (samples/s) among those that meet the SLO; undefined when none does. */
  readonly bestIndex: number | undefined;
  /** The latency objective as written, when given. */
  readonly slo: string | undefined;
  /** Price of the machine per hour, when given. */
  readonly costPerHour: number | undefined;
  /** Indexes of the configurations resumed from an earlier run rather than measured now. */
  readonly skipped: readonly number[];
  /** Absolute output folder. */
  readonly outputDir: string;
  /** Absolute path of the manifest (sweep.json). */
  readonly manifestPath: string;
  /** Absolute path of the CSV report of every configuration (sweep.csv). */
  readonly csvPath: string;
}

/** Events of a {@link SweepRun}, with their arguments. */
export interface SweepRunEvents {
  /** The grid is laid out and earlier results read back; every configuration, in run order. */
  start: [configurations: readonly SweepConfiguration[]];
  /** A configuration begins; listen to its run for phases and windows. */
  'config-start': [configuration: SweepConfiguration, run: BenchmarkRun];
  /** A configuration finished and its result file is written. */
  'config-done': [outcome: SweepOutcome];
  /** A configuration was finished by an earlier run and is read back instead. */
  'config-skipped': [outcome: SweepOutcome];
  /** A measurement window of the running configuration closed. */
  tick: [window: MeasurementWindow, running: RunningFigures, configuration: SweepConfiguration];
  /** The sweep finished. */
  done: [result: SweepResult];
  /** The sweep failed; the promise rejects with the same error. */
  error: [error: unknown];
}

/** A running sweep: await it for the {@link SweepResult}, or listen to its events. */
export class SweepRun extends AwaitableEmitter<SweepResult, SweepRunEvents> {}

/**
 * Runs a benchmark for every configuration of a grid (batch sizes, copies, clients, devices, any
 * other option), as the workshop's batch-size experiments and Triton's model analyzer do, and picks
 * the highest throughput within a latency objective. Each result is written to the output folder as
 * it finishes, with a manifest, so that running the same sweep again resumes where it stopped.
 */
export function sweep(options: SweepOptions): SweepRun {
  return new SweepRun((emit) => runSweep(options, emit));
}

/**
 * How a configuration fares under the plan's objective and price. The price is applied here, not
 * taken from the result, so that a resumed sweep may be priced anew.
 */
function outcomeOf(plan: SweepPlan, configuration: SweepConfiguration, result: BenchmarkResult, resumed: boolean): SweepOutcome {
  const price = plan.runOptions.costPerHour;
  const samplesPerSecond = result.measurement.throughput.samplesPerSecond;
  return {
    ...configuration,
    result,
    meetsSlo: meetsSlo(result, plan.sloThresholds),
    costPerMillionSamples: price === undefined || samplesPerSecond <= 0 ? undefined : (price / (samplesPerSecond * 3600)) * 1e6,
    resumed,
  };
}

async function runSweep(options: SweepOptions, emit: EmitEvent<SweepRunEvents>): Promise<SweepResult> {
  const { signal, env } = options;
  const plan = resolveSweep(options);
  await assertSweepFolderWritable(plan.outputDir);
  const finished = await readFinishedConfigurations(plan);
  const done = new Set(finished.keys());
  // Written before the first run: it records the grid, and proves the folder writable before anything is measured.
  const manifestPath = await writeSweepManifest(plan, done);
  emit('start', plan.configurations);
  const total = plan.configurations.length;
  const interrupted = (cause: unknown): InferbenchError =>
    new InferbenchError('ABORTED', `sweep interrupted with ${done.size} of ${total} configurations finished, kept in ${plan.outputDir}; run the same sweep again to resume`, { cause });

  const outcomes: SweepOutcome[] = [];
  for (const configuration of plan.configurations) {
    const resumed = finished.get(configuration.index);
    if (resumed !== undefined) {
      const outcome = outcomeOf(plan, configuration, resumed, true);
      outcomes.push(outcome);
      emit('config-skipped', outcome);
      continue;
    }
    if (signal?.aborted) throw interrupted(signal.reason);
    // Same batch size as the configuration before: runBenchmark finds that compile in the cache.
    const run = runBenchmark({ ...plan.runOptions, ...(configuration.settings as BenchmarkOptions), signal, ...(env ? { env } : {}) });
    run.on('tick', (window, running) => emit('tick', window, running, configuration));
    emit('config-start', configuration, run);
    let result: BenchmarkResult;
    try {
      result = await run;
    } catch (error) {
      if (error instanceof InferbenchError && error.code === 'ABORTED') throw interrupted(error);
      if (error instanceof InferbenchError) throw new InferbenchError(error.code, `sweep configuration ${configuration.label}: ${firstLine(error)}`, { cause: error });
      throw error;
    }
    // A configuration cut short is not finished: the next run of the sweep measures it again.
    if (result.measurement.stopReason === 'interrupted') throw interrupted(signal?.reason);
    await writeResultJson(result, configuration.resultPath);
    done.add(configuration.index);
    await writeSweepManifest(plan, done);
    const outcome = outcomeOf(plan, configuration, result, false);
    outcomes.push(outcome);
    emit('config-done', outcome);
  }
  const bestIndex = chooseBest(outcomes);
  const csvPath = join(plan.outputDir, SWEEP_CSV_FILE);
  await writeFileAtomic(csvPath, formatCsvReport({ results: outcomes.map((o) => o.result), bestIndex, slo: plan.slo }));
  return {
    configurations: outcomes,
    bestIndex,
    slo: plan.slo,
    costPerHour: plan.runOptions.costPerHour,
    skipped: [...finished.keys()],
    outputDir: plan.outputDir,
    manifestPath,
    csvPath,
  };
}

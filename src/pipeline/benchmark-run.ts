import type { MeasurementWindow, RunningFigures } from '../load/load-generator.js';
import type { ServerSearchTrial } from '../load/server-qps-search.js';
import type { HubDownloadProgress } from '../models/hub/hub-blob-download.js';
import { AwaitableEmitter, type EmitEvent } from '../core/awaitable-emitter.js';
import type { BenchmarkPhase, BenchmarkSettings } from '../options/benchmark-options.js';
import type { BenchmarkResult } from '../results/benchmark-result.js';

/** Events of a {@link BenchmarkRun}, with their arguments. */
export interface BenchmarkRunEvents {
  /** A phase of the pipeline begins (model, inputs, compile, load, warmup, measure). */
  phase: [phase: BenchmarkPhase, settings: BenchmarkSettings];
  /** A model file downloads from the Hugging Face Hub. */
  download: [progress: HubDownloadProgress];
  /** Measurement begins, warm-up done. */
  start: [settings: BenchmarkSettings];
  /** A measurement window closed: its figures and the run's so far. */
  tick: [window: MeasurementWindow, running: RunningFigures];
  /** Server search: a trial finished. */
  trial: [trial: ServerSearchTrial];
  /** The run finished. */
  done: [result: BenchmarkResult];
  /** The run failed; the promise rejects with the same error. */
  error: [error: unknown];
}

/** What the pipeline uses to tell a run's listeners what happens. */
export type EmitRunEvent = EmitEvent<BenchmarkRunEvents>;

/**
 * A running benchmark: a promise of its result (await it) and an event emitter (`phase`, `start`,
 * `tick` each window, `trial`, `done`, `error`), so that a program can draw its own progress.
 * Listeners attached right after the call miss nothing: the work starts on a later tick.
 */
export class BenchmarkRun extends AwaitableEmitter<BenchmarkResult, BenchmarkRunEvents> {}

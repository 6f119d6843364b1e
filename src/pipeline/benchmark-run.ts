import { EventEmitter } from 'node:events';
import type { MeasurementWindow, RunningFigures } from '../load/load-generator.js';
import type { ServerSearchTrial } from '../load/server-qps-search.js';
import type { HubDownloadProgress } from '../models/hub/hub-blob-download.js';
import type { BenchmarkPhase, BenchmarkSettings } from './benchmark-options.js';
import type { BenchmarkResult } from './benchmark-result.js';

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
export type EmitRunEvent = <K extends keyof BenchmarkRunEvents>(event: K, ...args: BenchmarkRunEvents[K]) => void;

/**
 * A running benchmark: a promise of its result (await it) and an event emitter (`phase`, `start`,
 * `tick` each window, `trial`, `done`, `error`), so that a program can draw its own progress.
 * Listeners attached right after the call miss nothing: the work starts on a later tick.
 */
export class BenchmarkRun extends EventEmitter<BenchmarkRunEvents> implements PromiseLike<BenchmarkResult> {
  readonly #result: Promise<BenchmarkResult>;

  /** Starts `work` on a later tick, handing it the means to emit this run's events. */
  constructor(work: (emit: EmitRunEvent) => Promise<BenchmarkResult>) {
    super();
    const emit: EmitRunEvent = (event, ...args) => {
      // An 'error' event without a listener would throw; the promise carries the error anyway.
      if (event !== 'error' || this.listenerCount('error') > 0) this.emit(event, ...(args as never));
    };
    this.#result = Promise.resolve()
      .then(() => work(emit))
      .then(
        (result) => {
          emit('done', result);
          return result;
        },
        (error: unknown) => {
          emit('error', error);
          throw error;
        },
      );
    // A caller that only listens for events must not crash the process with an unhandled rejection.
    this.#result.catch(() => {});
  }

  then<T1 = BenchmarkResult, T2 = never>(
    onFulfilled?: ((value: BenchmarkResult) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.#result.then(onFulfilled, onRejected);
  }

  /** Like Promise.catch. */
  catch<T = never>(onRejected?: ((reason: unknown) => T | PromiseLike<T>) | null): Promise<BenchmarkResult | T> {
    return this.#result.catch(onRejected);
  }

  /** Like Promise.finally. */
  finally(onFinally?: (() => void) | null): Promise<BenchmarkResult> {
    return this.#result.finally(onFinally);
  }
}

import { EventEmitter } from 'node:events';

/** The events every {@link AwaitableEmitter} emits at its end. */
export interface EndEvents<Result> {
  /** The work finished with this result. */
  done: [result: Result];
  /** The work failed; the promise rejects with the same error. */
  error: [error: unknown];
}

/** What the work of an awaitable run (a BenchmarkRun, a SweepRun) uses to tell its listeners what happens. */
export type EmitEvent<Events> = <K extends keyof Events>(event: K, ...args: Events[K] & unknown[]) => void;

/**
 * Long work as a promise of its result (await it) and an event emitter, so that a program can draw
 * its own progress. Listeners attached right after construction miss nothing: the work starts on a
 * later tick. Ends with `done` or `error`.
 */
export class AwaitableEmitter<Result, Events extends EndEvents<Result> & Record<keyof Events, unknown[]>>
  extends EventEmitter<Events>
  implements PromiseLike<Result>
{
  readonly #result: Promise<Result>;

  /** Starts `work` on a later tick, handing it the means to emit this object's events. */
  constructor(work: (emit: EmitEvent<Events>) => Promise<Result>) {
    super();
    // Typed for callers through EmitEvent; the generic event map is opaque to EventEmitter's own typing.
    const emitter = this as unknown as EventEmitter;
    const emit = (event: keyof Events, ...args: unknown[]): void => {
      // An 'error' event without a listener would throw; the promise carries the error anyway.
      if (event !== 'error' || emitter.listenerCount('error') > 0) emitter.emit(event as string, ...args);
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

  then<T1 = Result, T2 = never>(
    onFulfilled?: ((value: Result) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.#result.then(onFulfilled, onRejected);
  }

  /** Like Promise.catch. */
  catch<T = never>(onRejected?: ((reason: unknown) => T | PromiseLike<T>) | null): Promise<Result | T> {
    return this.#result.catch(onRejected);
  }

  /** Like Promise.finally. */
  finally(onFinally?: (() => void) | null): Promise<Result> {
    return this.#result.finally(onFinally);
  }
}

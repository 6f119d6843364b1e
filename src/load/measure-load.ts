import type { ModelCopy } from '../backends/backend.js';
import { monotonicNowNs } from '../core/clock.js';
import { InferbenchError } from '../core/errors.js';
import { seededRandom } from '../core/random.js';
import { requireInteger } from '../core/validate.js';
import { createDispatch, type IssueLoop } from './dispatch.js';
import type { FirstInference, LoadResult, LoadRunHooks, LoadTarget } from './load-generator.js';
import { LoadRecorder, type RecorderListeners } from './load-recorder.js';
import { defaultWarmupQueries, type LoadSettings } from '../options/load-settings.js';
import { optionLabel } from '../options/option-schema.js';
import { CopyDeadlines, stopWaitingOnAbort } from './copy-deadlines.js';
import { RequestTimeout, graceAfter } from './settle-request.js';
import { abortedError } from '../core/abort.js';
import { decideStop } from './stop-rule.js';

/** Every copy's first, cold inference, all at once, before warm-up; each bounded by the request timeout, as every request is. */
async function measureFirstInference(copies: readonly ModelCopy[], timeoutMs: number, abort: AbortSignal | undefined): Promise<FirstInference> {
  const outcomes = await Promise.all(
    copies.map(async (copy) => {
      const sentNs = monotonicNowNs();
      const deadline = new CopyDeadlines(timeoutMs, sentNs);
      const stopListening = stopWaitingOnAbort(abort, [deadline]);
      try {
        const timing = await deadline.settle(copy.infer(0));
        return { latencyNs: monotonicNowNs() - sentNs, computeNs: timing.computeNs };
      } finally {
        stopListening();
        deadline.dispose();
      }
    }),
  );
  return { latencyNs: outcomes.map((o) => o.latencyNs), computeNs: outcomes.map((o) => o.computeNs) };
}

/** The run's hooks made safe to call: a throwing listener ends the run with its error, rather than counting as a failed request. */
function guardHooks(hooks: LoadRunHooks): RecorderListeners & { readonly onMeasurementStart: () => void; readonly failure: () => unknown } {
  let failure: unknown;
  const guard =
    <A extends unknown[]>(hook: ((...args: A) => void) | undefined) =>
    (...args: A): void => {
      try {
        hook?.(...args);
      } catch (error) {
        failure ??= error;
      }
    };
  return { onMeasurementStart: guard(hooks.onMeasurementStart), onRequestComplete: guard(hooks.onRequestComplete), onWindow: guard(hooks.onWindow), failure: () => failure };
}

/**
 * The measurement shared by every scenario: each copy's first inference, warm-up, then measured
 * queries issued by `loop`, dispatched to the copies, recorded, and stopped by {@link decideStop}.
 */
export async function measureLoad(target: LoadTarget, settings: LoadSettings, hooks: LoadRunHooks, loop: IssueLoop): Promise<LoadResult> {
  const abort = graceAfter(hooks.signal);
  try {
    return await measure(target, settings, hooks, loop, abort.signal);
  } finally {
    abort.dispose();
  }
}

/** A failure that ends the run; a timeout, which is no error of the copy's, says which setting to change. */
function runFailure(error: unknown, which: string): unknown {
  if (!(error instanceof RequestTimeout)) return error;
  return new InferbenchError(
    'WORKER_FAILED',
    `${which} ran past the ${error.timeoutMs} ms request timeout; raise ${optionLabel('requestTimeoutMs')} above the time one inference takes`,
  );
}

async function measure(target: LoadTarget, settings: LoadSettings, hooks: LoadRunHooks, loop: IssueLoop, abort: AbortSignal | undefined): Promise<LoadResult> {
  requireInteger('inputCount', target.inputCount, 1);
  const { copies, inputCount } = target;
  if (copies.length === 0) throw new InferbenchError('INVALID_OPTION', 'the load generator needs at least one model copy');
  const { signal } = hooks;
  const throwIfAborted = (): void => {
    if (signal?.aborted) throw abortedError('the run');
  };
  const listeners = guardHooks(hooks);

  throwIfAborted();
  const firstInference = await measureFirstInference(copies, settings.requestTimeoutMs, abort).catch((error: unknown) => {
    throw runFailure(error, "a copy's first inference");
  });

  // Warm-up: the scenario's own loop and concurrency, round-robin over copies and inputs, nothing recorded.
  const warmupQueries = settings.warmupQueries ?? defaultWarmupQueries(copies.length, settings.requestsPerQuery);
  let warmupRequest = 0;
  const warmup = createDispatch({
    copies,
    settings,
    signal,
    abort,
    startNs: monotonicNowNs(),
    countBound: warmupQueries,
    chooseInput: () => warmupRequest++ % inputCount,
    stopOnFailure: true,
    stopRule: (_, issuedQueries) => (issuedQueries >= warmupQueries ? 'query-count' : undefined),
    listener: {},
  });
  try {
    if (warmupQueries > 0) await loop(warmup.driver, settings);
  } finally {
    warmup.dispose();
  }
  if (warmup.failure() !== undefined) throw runFailure(warmup.failure(), 'a warm-up request');
  throwIfAborted();

  // Measurement.
  listeners.onMeasurementStart();
  const startNs = monotonicNowNs();
  const recorder = new LoadRecorder(settings, copies.length, startNs, listeners);
  const windowTimer = settings.windowMs === undefined ? undefined : setInterval(() => recorder.advanceTo(monotonicNowNs()), settings.windowMs);
  windowTimer?.unref();
  const random = seededRandom(settings.seed);
  const measurement = createDispatch({
    copies,
    settings,
    signal,
    abort,
    startNs,
    countBound: settings.minQueryCount,
    chooseInput: () => random.int(0, inputCount - 1),
    stopOnFailure: false,
    stopRule: (elapsedNs, issuedQueries) => {
      const decision = decideStop(settings, {
        elapsedNs,
        issuedQueries,
        stable: recorder.stable,
        precisionMet: () => recorder.precisionMet(),
        listenerFailed: listeners.failure() !== undefined,
      });
      return decision.stop ? decision.reason : undefined;
    },
    listener: recorder,
  });
  try {
    await loop(measurement.driver, settings);
  } finally {
    clearInterval(windowTimer);
    measurement.dispose();
  }
  // Cancelled while measuring: what completed until then is the result, marked as interrupted.
  if (signal?.aborted) return recorder.finish({ warmupQueries, firstInference, stopReason: 'interrupted' });
  if (listeners.failure() !== undefined) throw listeners.failure();
  if (recorder.completedQueries === 0 && measurement.failure() !== undefined) throw runFailure(measurement.failure(), 'every measured request');
  return recorder.finish({ warmupQueries, firstInference, stopReason: measurement.stopReason() }, measurement.stoppedAtNs());
}

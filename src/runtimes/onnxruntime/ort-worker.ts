import * as ort from 'onnxruntime-node';
import { monotonicNowNs } from '../../core/clock.js';
import type { InferenceTiming } from '../../backends/backend.js';
import type { WorkerTask } from '../../backends/worker-protocol.js';
import { toOrtFeeds } from './ort-tensors.js';

// One worker thread holds one model copy: its session and its preloaded feeds.
let session: ort.InferenceSession | undefined;
let feeds: ort.InferenceSession.FeedsType[] = [];
// Set by the copy when it closes: requests already handed to this thread must not start computing then.
let stop: Int32Array | undefined;
// The pool hands this worker a second request while the first runs, so that it never idles waiting
// for the main thread; runs go one at a time, each timed from its own start.
let previousRun: Promise<unknown> = Promise.resolve();

async function timedRun(inputIndex: number): Promise<InferenceTiming> {
  const feed = feeds[inputIndex];
  if (!session || !feed) throw new Error(`sample ${inputIndex} is not loaded (${feeds.length} samples)`);
  if (stop !== undefined && Atomics.load(stop, 0) === 1) throw new Error('the copy is closing');
  const computeStartNs = monotonicNowNs();
  await session.run(feed);
  return { computeStartNs, computeNs: monotonicNowNs() - computeStartNs };
}

/** Tinypool entry point: loads the copy once, then runs preloaded samples by index. */
export default async function handleTask(task: WorkerTask): Promise<InferenceTiming | null> {
  if (task.kind === 'load') {
    session = await ort.InferenceSession.create(task.modelPath, {
      // The artifact is already optimised by the compiler; optimising again only slows loading.
      graphOptimizationLevel: 'disabled',
      intraOpNumThreads: task.intraOpThreads,
      executionProviders: task.executionProviders as ort.InferenceSession.ExecutionProviderConfig[],
      interOpNumThreads: 1,
      executionMode: 'sequential',
      // Failures reach the caller as errors with ORT's message; its own log would print them twice.
      logSeverityLevel: 4,
    });
    feeds = task.feeds.map(toOrtFeeds);
    stop = task.stop;
    return null;
  }
  const run = previousRun.then(() => timedRun(task.inputIndex));
  previousRun = run.catch(() => undefined);
  return run;
}

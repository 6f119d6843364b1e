import { monotonicNowNs } from '../../core/clock.js';
import type { InferenceTiming } from '../../backends/backend.js';
import type { WorkerTask } from '../../backends/worker-protocol.js';

/** Tinypool entry point that computes nothing, so that what is measured is the harness alone. */
export default function handleTask(task: WorkerTask): InferenceTiming | null {
  return task.kind === 'load' ? null : { computeStartNs: monotonicNowNs(), computeNs: 0 };
}

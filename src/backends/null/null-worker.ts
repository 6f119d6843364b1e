import { monotonicNowNs } from '../../clock.js';
import type { InferenceTiming } from '../backend.js';
import type { WorkerTask } from '../worker-protocol.js';

/** Tinypool entry point that computes nothing, so that what is measured is the harness alone. */
export default function handleTask(task: WorkerTask): InferenceTiming | null {
  return task.kind === 'load' ? null : { computeStartNs: monotonicNowNs(), computeNs: 0 };
}

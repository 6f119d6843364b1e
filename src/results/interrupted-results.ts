import { InferbenchError } from '../core/errors.js';
import type { BenchmarkResult } from './benchmark-result.js';

/**
 * Refuses results whose run was interrupted, unless `accept`: their figures cover only the part measured before the
 * interruption, which a comparison or a merge would take for a whole run. `labels[i]` names result `i`.
 */
export function refuseInterrupted(results: readonly BenchmarkResult[], labels: readonly string[], action: 'compare' | 'merge', accept: boolean | undefined): void {
  if (accept === true) return;
  const index = results.findIndex((result) => result.measurement.stopReason === 'interrupted');
  if (index < 0) return;
  const { completedQueries, elapsedNs } = results[index]!.measurement;
  throw new InferbenchError(
    'INVALID_OPTION',
    `${labels[index]} was interrupted after ${completedQueries} queries in ${(elapsedNs / 1e9).toFixed(2)} s; ${action} it anyway with acceptInterrupted (--accept-interrupted)`,
  );
}

import type { BenchmarkResult } from '../results/benchmark-result.js';
import { formatRate, plural } from '../core/format.js';

/** A run's load as one phrase: an open loop's rate, closed-loop clients, or everything at once (Offline). */
export function describeLoad({ settings, measurement }: BenchmarkResult): string {
  const offered = measurement.offeredLoad;
  if (offered !== null) return `${formatRate(offered.targetQps)} q/s ${offered.arrival}`;
  return settings.clients === undefined ? 'all queries at once' : plural(settings.clients, 'client');
}

import Table from 'cli-table3';
import type { CompiledBatchSize } from '../pipeline/compile-model.js';
import { formatMs } from '../core/format.js';

/** One row per batch size: the artifact, whether it was cached, its compile time and output difference. */
export function formatCompileReport(model: string, compiled: readonly CompiledBatchSize[]): string {
  const table = new Table({
    head: ['batch', 'compile', 'max |Δ|', 'original output', 'artifact'],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const c of compiled) {
    const head = c.originalOutputHead?.slice(0, 3).map((v) => v.toPrecision(4)).join(', ');
    table.push([String(c.batchSize), c.cacheHit ? 'cached' : formatMs(c.compileNs), c.maxAbsDifference.toExponential(2), head === undefined ? '—' : `${head}, …`, c.artifactPath]);
  }
  return `model    ${model}\n${table.toString()}`;
}

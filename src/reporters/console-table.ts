import Table from 'cli-table3';
import type { BenchmarkResult } from '../pipeline/benchmark-result.js';
import type { LatencySummary } from '../stats/latency-histogram.js';
import { formatMs, formatRate } from './format.js';

function latencyRow(label: string, summary: LatencySummary): string[] {
  return [
    label,
    ...Object.values(summary.percentilesNs).map(formatMs),
    formatMs(summary.meanNs),
    formatMs(summary.minNs),
    formatMs(summary.maxNs),
  ];
}

/** The result as a short heading and an aligned table of latency percentiles and throughput, without colour. */
export function formatResultTable(result: BenchmarkResult): string {
  const { settings, measurement: m, backend } = result;
  const threads = backend.effectiveSettings.intraOpThreadsPerCopy;
  const heading = [
    `model    ${result.model.name}`,
    `config   batch ${settings.batchSize}${result.model.task === 'text' ? ` · sequence ${settings.sequenceLength}` : ''} · ${backend.copies} ${backend.copies === 1 ? 'copy' : 'copies'} · ${settings.clients} ${settings.clients === 1 ? 'client' : 'clients'} · ${backend.name}${threads === undefined ? '' : ` (${threads} threads per copy)`}`,
    `measured ${m.completedRequests} requests in ${(m.elapsedNs / 1e9).toFixed(2)} s after ${m.warmupRequests} warm-up · compile ${result.compile.cacheHit ? 'cached' : formatMs(result.compile.compileNs)} · max |Δ| ${result.compile.maxAbsDifference.toExponential(2)}`,
  ];
  const table = new Table({
    head: ['', ...Object.keys(m.latency.percentilesNs).map((p) => `p${p}`), 'mean', 'min', 'max'],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  table.push(latencyRow('latency', m.latency), latencyRow('compute', m.compute));
  const throughput = `throughput ${formatRate(m.throughput.requestsPerSecond)} requests/s · ${formatRate(m.throughput.samplesPerSecond)} samples/s`;
  return [...heading, table.toString(), throughput].join('\n');
}

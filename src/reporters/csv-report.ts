import { stringify } from 'csv-stringify/sync';
import type { BenchmarkResult } from '../results/benchmark-result.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import type { ReportSubject } from './report-subject.js';

/**
 * Columns of the CSV report, in order: the AWS workshop benchmark's, then NeuronPerf's, then inferbench's own,
 * so that spreadsheets built for either tool read the first columns unchanged. docs/results-schema.md gives each
 * one's unit and meaning; `workers_per_model` is clients ÷ copies, unrounded, so it may be a fraction (0.5).
 */
export const CSV_REPORT_COLUMNS = [
  'model_name',
  'processor',
  'max_length',
  'batch_size',
  'samples',
  'latency_p50',
  'latency_p90',
  'latency_p95',
  'total_time',
  'throughput',
  'n_models',
  'workers_per_model',
  'throughput_avg',
  'throughput_peak',
  'latency_ms_p0',
  'latency_ms_p50',
  'latency_ms_p90',
  'latency_ms_p95',
  'latency_ms_p99',
  'latency_ms_p100',
  'cost_per_1m_inf',
  'scenario',
  'verdict',
  'best',
  'errors',
  'queries',
  'started_at',
  'model_sha256',
] as const;

type CsvRow = Record<(typeof CSV_REPORT_COLUMNS)[number], string | number | undefined>;

/**
 * Query latency at each percentile (0–100), in nanoseconds, read from the run's HDR histogram so that percentiles
 * the run did not report are there too. Capped at the exact maximum: a decoded histogram knows only the top of the
 * largest value's bucket, which the summary's percentiles never pass.
 */
export function latencyPercentilesNs(result: BenchmarkResult, percentiles: readonly number[]): number[] {
  const { histograms, latency } = result.measurement;
  const histogram = LatencyHistogram.decode(histograms.latency);
  return percentiles.map((p) => Math.min(histogram.valueAtPercentileNs(p), latency.maxNs));
}

function csvRow(result: BenchmarkResult, best: boolean): CsvRow {
  const { settings, measurement: m, backend } = result;
  const ms = (valueNs: number): number => valueNs / 1e6;
  const [p50 = 0, p90 = 0, p95 = 0, p99 = 0] = latencyPercentilesNs(result, [50, 90, 95, 99]).map(ms);
  return {
    model_name: result.model.name,
    processor: backend.name,
    max_length: result.model.task === 'text' ? settings.sequenceLength : undefined,
    batch_size: settings.batchSize,
    samples: m.completedRequests * settings.batchSize,
    latency_p50: p50,
    latency_p90: p90,
    latency_p95: p95,
    total_time: m.elapsedNs / 1e9,
    throughput: m.throughput.samplesPerSecond,
    n_models: backend.copies,
    // NeuronPerf's workers per copy. Clients are shared by all copies, not bound to one, so the ratio stays exact
    // (n_models × workers_per_model = clients) rather than rounded up. Open and offline loops have no clients.
    workers_per_model: settings.clients === undefined ? undefined : settings.clients / backend.copies,
    throughput_avg: m.throughput.averageSamplesPerSecond,
    throughput_peak: m.throughput.peakSamplesPerSecond,
    latency_ms_p0: ms(m.latency.minNs),
    latency_ms_p50: p50,
    latency_ms_p90: p90,
    latency_ms_p95: p95,
    latency_ms_p99: p99,
    latency_ms_p100: ms(m.latency.maxNs),
    cost_per_1m_inf: result.efficiency.costPerMillionSamples ?? undefined,
    scenario: m.scenario,
    verdict: result.verdict.valid ? 'VALID' : 'INVALID',
    best: String(best),
    errors: m.errors.total,
    queries: m.completedQueries,
    started_at: result.startedAt,
    model_sha256: result.model.sha256,
  };
}

/**
 * One CSV row per result under a header of the columns in `CSV_REPORT_COLUMNS`: latencies in milliseconds, total_time in
 * seconds, throughput in samples per second, empty cells for figures a run lacks. RFC 4180: CRLF line ends, and
 * fields holding a comma, a quote or any line break quoted, with quotes doubled.
 */
export function formatCsvReport(subject: ReportSubject): string {
  return stringify(
    subject.results.map((result, i) => csvRow(result, i === subject.bestIndex)),
    // With CRLF as the delimiter csv-stringify stops quoting lone \n and \r unless told to; readers split on them.
    { header: true, columns: [...CSV_REPORT_COLUMNS], record_delimiter: 'windows', quote_record_delimiter: true },
  );
}

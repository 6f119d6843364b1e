import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/stats/latency-histogram.js';
import { parseResult } from '../src/results/read-result.js';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { type BenchmarkResult } from '../src/results/benchmark-result.js';
import { CSV_REPORT_COLUMNS, formatCsvReport } from '../src/reporters/csv-report.js';
import { formatRate } from '../src/core/format.js';
import { formatMarkdownReport } from '../src/reporters/markdown-report.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';
import { TSX_LOADER } from './helpers/dist-build.js';

const HEADER = [
  'model_name', 'processor', 'max_length', 'batch_size', 'samples', 'latency_p50', 'latency_p90', 'latency_p95', 'total_time', 'throughput',
  'n_models', 'workers_per_model', 'throughput_avg', 'throughput_peak', 'latency_ms_p0', 'latency_ms_p50', 'latency_ms_p90', 'latency_ms_p95', 'latency_ms_p99', 'latency_ms_p100', 'cost_per_1m_inf',
  'scenario', 'verdict', 'best', 'errors', 'queries', 'started_at', 'model_sha256',
];
const COMMA_NAME = 'small, "quoted" bert.onnx';
const PIPE_NAME = 'small|piped bert.onnx';

/** Strict RFC 4180 parse: every record must have the header's column count. */
const parseCsv = (text: string): string[][] => parse(text, { relax_quotes: false, relax_column_count: false }) as string[][];
/** Cells of a Markdown table row, split on pipes that are not escaped. */
const cells = (row: string): string[] => row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
/** The result with a price and the cost it gives. */
const priced = (result: BenchmarkResult, costPerMillionSamples: number): BenchmarkResult => ({ ...result, efficiency: { ...result.efficiency, pricePerHour: 2.5, costPerMillionSamples } });

const SCHEMA_DOC = readFileSync(fileURLToPath(new URL('../docs/results-schema.md', import.meta.url)), 'utf8');
/** The docs' section under `## heading`, up to the next `## `. */
function docSection(heading: string): string {
  const start = SCHEMA_DOC.indexOf(`\n## ${heading}\n`);
  expect(start, `docs/results-schema.md has a section '## ${heading}'`).toBeGreaterThanOrEqual(0);
  const end = SCHEMA_DOC.indexOf('\n## ', start + 1);
  return SCHEMA_DOC.slice(start, end === -1 ? undefined : end);
}
/** Member names of an exported interface, read from its source file. */
function interfaceFields(sourceFile: string, name: string): string[] {
  const text = readFileSync(fileURLToPath(new URL(`../src/${sourceFile}`, import.meta.url)), 'utf8');
  const body = new RegExp(`export interface ${name}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1];
  expect(body, `${name} in src/${sourceFile}`).toBeDefined();
  return [...body!.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((m) => m[1]!);
}

describe('CSV and Markdown reports', () => {
  const dir = tempDir();
  let a: BenchmarkResult;
  let b: BenchmarkResult;

  beforeAll(async () => {
    const common = { tokenizer: 'bert-base-uncased', sequenceLength: 16, cacheDir: join(dir, 'cache'), queryCount: 40, clients: 2 };
    a = await runBenchmark({ ...common, model: writeSmallBert(dir, {}, COMMA_NAME), batchSize: 2, copies: 1 });
    // Percentiles without 90 and 95: the CSV must read them from the histogram.
    b = await runBenchmark({ ...common, model: writeSmallBert(dir, {}, PIPE_NAME), batchSize: 4, copies: 2, percentiles: [50, 99], thresholds: ['p99<10s', 'throughput>100000000/s'] });
  }, 60_000);

  describe('formatCsvReport', () => {
    it('writes the header and one row per result with the results’ values', () => {
      const text = formatCsvReport({ results: [a, b], bestIndex: 1 });
      expect(text.endsWith('\r\n')).toBe(true);
      const [header, ...rows] = parseCsv(text);
      expect(header).toEqual(HEADER);
      expect([...CSV_REPORT_COLUMNS]).toEqual(HEADER);
      expect(rows).toHaveLength(2);
      const records = rows.map((row) => Object.fromEntries(HEADER.map((h, i) => [h, row[i]!])));

      for (const [record, result] of [[records[0]!, a], [records[1]!, b]] as const) {
        const { measurement: m, settings } = result;
        const num = (column: string): number => Number(record[column]);
        expect(record.model_name).toBe(result.model.name);
        expect(record.processor).toBe('onnxruntime-cpu');
        expect(num('max_length')).toBe(16);
        expect(num('batch_size')).toBe(settings.batchSize);
        expect(num('samples')).toBe(40 * settings.batchSize);
        expect(num('samples')).toBe(m.completedRequests * settings.batchSize);
        expect(num('latency_p50')).toBe(m.latency.percentilesNs['50']! / 1e6);
        expect(num('total_time')).toBe(m.elapsedNs / 1e9);
        expect(num('throughput')).toBe(m.throughput.samplesPerSecond);
        expect(num('throughput')).toBeCloseTo(num('samples') / num('total_time'), 6);
        expect(num('n_models')).toBe(result.backend.copies);
        expect(num('workers_per_model')).toBe(2 / result.backend.copies);
        expect(num('throughput_avg')).toBe(m.throughput.averageSamplesPerSecond);
        expect(num('throughput_peak')).toBe(m.throughput.peakSamplesPerSecond);
        expect(num('latency_ms_p0')).toBe(m.latency.minNs / 1e6);
        expect(num('latency_ms_p50')).toBe(num('latency_p50'));
        expect(num('latency_ms_p99')).toBe(m.latency.percentilesNs['99']! / 1e6);
        expect(num('latency_ms_p100')).toBe(m.latency.maxNs / 1e6);
        expect(record.cost_per_1m_inf).toBe('');
        expect(record.scenario).toBe('closed');
        expect(record.verdict).toBe(result.verdict.valid ? 'VALID' : 'INVALID');
        expect(num('errors')).toBe(0);
        expect(num('queries')).toBe(40);
        expect(record.started_at).toBe(result.startedAt);
        expect(record.model_sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(record.model_sha256).toBe(result.model.sha256);
        // Percentiles are ordered, whether the run reported them or not.
        const ladder = ['latency_ms_p0', 'latency_ms_p50', 'latency_ms_p90', 'latency_ms_p95', 'latency_ms_p99', 'latency_ms_p100'].map(num);
        expect(ladder.every((v, i) => Number.isFinite(v) && v > 0 && (i === 0 || v >= ladder[i - 1]!))).toBe(true);
        expect(num('latency_p90')).toBe(num('latency_ms_p90'));
        expect(num('latency_p95')).toBe(num('latency_ms_p95'));
      }
      // a reported p90 and p95; the histogram gives the same values.
      expect(Number(records[0]!.latency_p90)).toBe(a.measurement.latency.percentilesNs['90']! / 1e6);
      expect(Number(records[0]!.latency_p95)).toBe(a.measurement.latency.percentilesNs['95']! / 1e6);
      expect(b.measurement.latency.percentilesNs['90']).toBeUndefined();
      expect(records.map((r) => r.best)).toEqual(['false', 'true']);
    });

    it('quotes a model name holding a comma, quotes or a line break, and reads back unchanged', () => {
      const twoLines = { ...a, model: { ...a.model, name: 'two\nlines' } };
      const text = formatCsvReport({ results: [a, twoLines] });
      expect(text.split('\r\n')[1]!.startsWith('"small, ""quoted"" bert.onnx",')).toBe(true);
      // A lone line feed is a line break to most readers, so it is quoted too.
      expect(text).toContain('\r\n"two\nlines",');
      const [, first, second] = parseCsv(text);
      expect(first![0]).toBe(COMMA_NAME);
      expect(second![0]).toBe('two\nlines');
      expect(first).toHaveLength(HEADER.length);
      expect(second).toHaveLength(HEADER.length);
    });

    it('marks no row best without bestIndex, and fills the cost only when the run was priced', () => {
      const priced: BenchmarkResult = { ...a, efficiency: { ...a.efficiency, pricePerHour: 1, costPerMillionSamples: 0.42 } };
      const unpriced: BenchmarkResult = { ...a, efficiency: { ...a.efficiency, pricePerHour: null, costPerMillionSamples: null } };
      const [, ...rows] = parseCsv(formatCsvReport({ results: [priced, unpriced] }));
      const column = (name: string) => rows.map((r) => r[HEADER.indexOf(name)]);
      expect(column('cost_per_1m_inf')).toEqual(['0.42', '']);
      expect(column('best')).toEqual(['false', 'false']);
    });

    it('gives workers_per_model as clients per copy, a fraction when copies outnumber clients, and empty without clients', () => {
      const oneClientTwoCopies: BenchmarkResult = { ...a, settings: { ...a.settings, clients: 1 }, backend: { ...a.backend, copies: 2 } };
      const open: BenchmarkResult = { ...a, settings: { ...a.settings, clients: undefined } };
      const [, ...rows] = parseCsv(formatCsvReport({ results: [a, b, oneClientTwoCopies, open] }));
      const column = (name: string) => rows.map((r) => r[HEADER.indexOf(name)]);
      expect(column('n_models')).toEqual(['1', '2', '2', '1']);
      expect(column('workers_per_model')).toEqual(['2', '1', '0.5', '']);
    });
  });

  describe('formatMarkdownReport', () => {
    it('compares several results in one table, starring the best and naming the limit', () => {
      const text = formatMarkdownReport({ results: [a, b], bestIndex: 1, slo: 'p95<1s' });
      const table = text.split('\n').filter((line) => line.startsWith('|'));
      expect(table).toHaveLength(4);
      const widths = table.map((row) => cells(row).length);
      expect(widths).toEqual([12, 12, 12, 12]);
      // Not priced: no cost column.
      expect(cells(table[0]!)).toEqual(['#', 'model', 'batch', 'copies', 'clients/rate', 'p50', 'p95', 'p99', 'samples/s', 'per copy', 'per device', 'verdict']);
      const [rowA, rowB] = [cells(table[2]!), cells(table[3]!)];
      expect(rowA[0]).toBe('1');
      expect(rowB[0]).toBe('2 ★');
      expect(text.match(/★/g)).toHaveLength(2); // the row and the line under the table
      expect(rowA[1]).toBe(COMMA_NAME);
      expect(rowB[1]).toBe('small\\|piped bert.onnx');
      expect(rowB.slice(2, 5)).toEqual(['4', '2', '2 clients']);
      expect(rowB[8]).toBe(formatRate(b.measurement.throughput.samplesPerSecond));
      // Two copies on the one host: half the throughput per copy, all of it per device.
      expect(b.efficiency).toMatchObject({ deviceKind: 'host', devices: 1 });
      expect(rowB[9]).toBe(formatRate(b.measurement.throughput.samplesPerSecond / 2));
      expect(rowB[10]).toBe(`${formatRate(b.measurement.throughput.samplesPerSecond)} (1 host)`);
      expect(rowA[9]).toBe(formatRate(a.efficiency.samplesPerSecondPerCopy));
      expect(rowB[11]).toBe(b.verdict.valid ? 'VALID' : 'INVALID');
      expect(text).toContain('★ best: the highest samples/s within p95\\<1s.');
    });

    it('adds a cost column when a configuration was priced, a dash for those that were not, and counts GPUs per device', () => {
      const onGpus: BenchmarkResult = { ...b, efficiency: { ...b.efficiency, deviceKind: 'gpu', devices: 2, samplesPerSecondPerDevice: 1234.56 } };
      const table = formatMarkdownReport({ results: [priced(a, 0.0079364), onGpus] })
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .map(cells);
      expect(table.map((row) => row.length)).toEqual([13, 13, 13, 13]);
      expect(table[0]!.slice(9)).toEqual(['per copy', 'per device', 'cost/1M samples', 'verdict']);
      expect(table[1]!.slice(9)).toEqual(['---:', '---:', '---:', '---']);
      expect(table[2]![11]).toBe('0.00794');
      expect(table[3]!.slice(10, 12)).toEqual(['1234.6 (2 GPUs)', '–']);
    });

    it('shows one run with its settings, latency percentiles with intervals, verdict reasons and thresholds', () => {
      const text = formatMarkdownReport({ results: [b] });
      const lines = text.split('\n');
      expect(lines[0]).toBe('## inferbench: small\\|piped bert.onnx');
      expect(text).toContain('batch 4 · sequence 16 · 2 copies · onnxruntime-cpu');
      const latencyRows = lines.filter((l) => l.startsWith('| latency p')).map(cells);
      expect(latencyRows.map((r) => r[0])).toEqual(['latency p50', 'latency p99']);
      for (const [row, interval] of latencyRows.map((r, i) => [r, b.measurement.latencyIntervals[i]!] as const)) {
        expect(row[2]).toBe(interval.relativeHalfWidth === null ? 'unbounded' : `±${(interval.relativeHalfWidth * 100).toFixed(1)}%`);
      }
      expect(lines.find((l) => l.startsWith('| throughput |'))).toContain(`${formatRate(b.measurement.throughput.samplesPerSecond)} samples/s`);
      // 40 queries cannot bound p95: the run is INVALID, and each reason is a list item.
      expect(b.verdict.valid).toBe(false);
      expect(lines).toContain('**Verdict: INVALID**');
      const items = lines.filter((l) => l.startsWith('- ') && !l.startsWith('- **'));
      expect(items).toHaveLength(b.verdict.reasons.length);
      for (const reason of b.verdict.reasons) expect(items.some((item) => item.includes(reason.message))).toBe(true);
      const thresholdRows = lines.filter((l) => /^\| (p99|throughput)\\?[<>]/.test(l)).map(cells);
      expect(thresholdRows.map((r) => [r[0], r[2]])).toEqual([['p99\\<10s', 'pass'], ['throughput\\>100000000/s', '**FAIL**']]);
      const e = b.efficiency;
      expect(lines).toContain(`- **Efficiency** ${formatRate(e.samplesPerSecondPerCopy)} samples/s per copy · ${formatRate(e.samplesPerSecondPerDevice)} per host (1 host)`);
      expect(lines).toContain('- **Errors** none');
    });

    it('shows one run’s cost when priced, and its errors in all and by kind, escaped', () => {
      const errors = {
        total: 3,
        timeouts: 2,
        byKind: { TIMEOUT: { count: 2, example: 'request ran past 5000 ms' }, OrtError: { count: 1, example: 'bad <input> | *shape*' } },
      };
      const failing: BenchmarkResult = { ...priced(a, 8333.3333), measurement: { ...a.measurement, errors } };
      const lines = formatMarkdownReport({ results: [failing] }).split('\n');
      const e = a.efficiency;
      expect(lines).toContain(`- **Efficiency** ${formatRate(e.samplesPerSecondPerCopy)} samples/s per copy · ${formatRate(e.samplesPerSecondPerDevice)} per host (1 host) · 8330 per million samples at 2.5 an hour`);
      expect(lines).toContain('- **Errors** 3 failed requests: 2 TIMEOUT (request ran past 5000 ms) · 1 OrtError (bad \\<input\\> \\| \\*shape\\*)');
    });
  });

  describe('docs/results-schema.md', () => {
    it('documents every CSV column, workers_per_model as clients per copy', () => {
      const csv = docSection('CSV report');
      // Each column named in the first cell of a row, alone or with its siblings.
      for (const column of CSV_REPORT_COLUMNS) expect(csv, column).toMatch(new RegExp(`^\\| [^|\\n]*\`${column}\`[^|\\n]*\\|`, 'm'));
      expect(csv).toMatch(/\| `workers_per_model` \|[^\n]*clients`? ÷ copies[^\n]*0\.5/);
    });

    it('documents every field of efficiency, environment and the merged record', () => {
      const fields: Array<[section: string, file: string, name: string, prefix: string]> = [
        ['Efficiency', 'results/efficiency.ts', 'Efficiency', ''],
        ['Environment', 'hardware/environment.ts', 'Environment', ''],
        ['Environment', 'results/run-environment.ts', 'RunEnvironment', ''],
        ['Environment', 'hardware/nvidia-smi.ts', 'NvidiaGpu', 'nvidiaGpus[].'],
        ['Environment', 'hardware/neuron.ts', 'NeuronInfo', 'neuron.'],
        ['Environment', 'hardware/neuron.ts', 'NeuronDevice', 'neuron.devices[].'],
        ['Environment', 'hardware/python-env.ts', 'PythonInfo', 'python.'],
        ['Merged results', 'results/merge-results.ts', 'MergeInfo', 'merged.'],
        ['Merged results', 'results/merge-results.ts', 'MergedSource', 'merged.sources[].'],
      ];
      for (const [heading, file, name, prefix] of fields) {
        const section = docSection(heading);
        const names = interfaceFields(file, name);
        expect(names.length, name).toBeGreaterThan(2);
        for (const field of names) expect(section, `${name}.${field}`).toContain(`\`${prefix}${field}\``);
      }
    });

    it('says efficiency is required, as readers refuse a result without it', () => {
      const { efficiency: _, ...withoutEfficiency } = a;
      expect(() => parseResult(JSON.parse(JSON.stringify(withoutEfficiency)), 'old.json')).toThrow(expect.objectContaining({ code: 'RESULT_INVALID', message: expect.stringContaining('old.json is not a valid result: efficiency') }));
      const versions = docSection('Versions');
      expect(versions).toMatch(/`efficiency` is required/);
      expect(versions).not.toMatch(/optional/);
    });

    it('runs the example that adds a decoded histogram of another run, with longer latencies, to the first', () => {
      const example = /With inferbench:\n\n```ts\n([\s\S]*?)```/.exec(SCHEMA_DOC)?.[1];
      expect(example).toContain('latency.add(LatencyHistogram.decode(other.measurement.histograms.latency))');
      // The other run's latencies lie far above the range the first run's histogram was decoded with.
      const slow = new LatencyHistogram();
      for (const ns of [2e9, 5e9, 9e9]) slow.recordNs(ns);
      const other = { ...a, measurement: { ...a.measurement, histograms: { ...a.measurement.histograms, latency: slow.encode() } } };
      writeFileSync(join(dir, 'result.json'), JSON.stringify(a));
      writeFileSync(join(dir, 'other.json'), JSON.stringify(other));
      const script = join(dir, 'example.mjs');
      const entry = (name: string): string => pathToFileURL(fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url))).href;
      const source = example!.replace("from 'inferbench/stats'", `from '${entry('entry/stats')}'`).replace("from 'inferbench'", `from '${entry('index')}'`);
      writeFileSync(script, `${source}\nconsole.log(JSON.stringify({ count: latency.count, maxNs: latency.valueAtPercentileNs(100) }));\n`);
      const printed = JSON.parse(execFileSync(process.execPath, ['--import', TSX_LOADER, script], { cwd: dir, encoding: 'utf8' })) as { count: number; maxNs: number };
      expect(printed.count).toBe(a.measurement.latency.count + 3);
      expect(printed.maxNs / 9e9).toBeCloseTo(1, 2);
    });
  });
});

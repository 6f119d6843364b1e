import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseResult, readResultFile } from '../src/results/read-result.js';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { type BenchmarkResult } from '../src/results/benchmark-result.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('reading a result file', async () => {
  const dir = tempDir();
  const result = await runBenchmark({ model: writeSmallBert(dir), tokenizer: 'bert-base-uncased', sequenceLength: 16, batchSize: 1, queryCount: 20, cacheDir: join(dir, 'cache') });
  const write = (name: string, value: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };
  const copy = (): BenchmarkResult & Record<string, unknown> => JSON.parse(JSON.stringify(result)) as BenchmarkResult & Record<string, unknown>;

  it('gives back a result as it was written', async () => {
    expect(await readResultFile(write('good.json', result))).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('reads a result of the previous schema version, its names and scenarios as they were then', async () => {
    // The current result as version 3 writes a single-stream run, and the same in version 2's layout.
    const current = copy();
    expect(current.schemaVersion).toBe(3);
    const expected = { ...current, settings: { ...current.settings, scenario: 'single-stream' }, measurement: { ...current.measurement, scenario: 'single-stream' } };
    const { requestsPerQuery, inputCount, ...settings } = expected.settings;
    const { inputCount: inputs, ...inputsRest } = expected.inputs;
    const previous = {
      ...expected,
      schemaVersion: 2,
      settings: { ...settings, scenario: 'SingleStream', samplesPerQuery: requestsPerQuery, sampleCount: inputCount },
      inputs: { ...inputsRest, sampleCount: inputs },
      measurement: { ...expected.measurement, scenario: 'SingleStream' },
    };
    const read = await readResultFile(write('version-2.json', previous));
    expect(read).toEqual(expected);
    // Version 2 files written after the renames already hold the new names.
    expect(await readResultFile(write('version-2-renamed.json', { ...current, schemaVersion: 2, settings: { ...current.settings, scenario: 'Server' } }))).toMatchObject({
      schemaVersion: 3,
      settings: { scenario: 'server', requestsPerQuery: 1, inputCount: current.settings.inputCount },
    });
  });

  it.each<[string, (r: ReturnType<typeof copy>) => unknown, RegExp]>([
    ['another schema version', (r) => ({ ...r, schemaVersion: 1 }), /has result schema version 1, but this inferbench reads versions 2 and 3; rerun the benchmark with this version$/],
    ['something that is not a result', () => ({ name: 'inferbench' }), /is not an inferbench result \(no schemaVersion\)/],
    ['a result without its windows', (r) => ({ ...r, measurement: { ...r.measurement, windows: undefined } }), /is not a valid result: measurement\.windows /],
    ['a result without efficiency', (r) => ({ ...r, efficiency: undefined }), /is not a valid result: efficiency /],
    [
      'a corrupt histogram',
      (r) => ({ ...r, measurement: { ...r.measurement, histograms: { ...r.measurement.histograms, compute: 'HISTFAAAAbad' } } }),
      /is not a valid result: its compute histogram cannot be decoded/,
    ],
  ])('refuses %s with one line naming the file', async (name, change, message) => {
    const path = write(`${name.replace(/\W+/g, '-')}.json`, change(copy()));
    const error = await readResultFile(path).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(error?.code).toBe('RESULT_INVALID');
    expect(error?.message.startsWith(path)).toBe(true);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('\n');
  });

  it('refuses text that is not JSON, naming the file', async () => {
    const path = write('torn.json', '{ "schemaVersion": 3, ');
    await expect(readResultFile(path)).rejects.toThrow(new RegExp(`^${path} is not valid JSON \\(`));
    expect(() => parseResult(null, 'stdin')).toThrow(/^stdin is not an inferbench result/);
  });
});

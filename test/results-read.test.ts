import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseResult, readResultFile, runBenchmark, type BenchmarkResult } from '../src/index.js';
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

  it.each<[string, (r: ReturnType<typeof copy>) => unknown, RegExp]>([
    ['another schema version', (r) => ({ ...r, schemaVersion: 1 }), /has result schema version 1, but this inferbench reads version 2; rerun the benchmark with this version$/],
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
    const path = write('torn.json', '{ "schemaVersion": 2, ');
    await expect(readResultFile(path)).rejects.toThrow(new RegExp(`^${path} is not valid JSON \\(`));
    expect(() => parseResult(null, 'stdin')).toThrow(/^stdin is not an inferbench result/);
  });
});

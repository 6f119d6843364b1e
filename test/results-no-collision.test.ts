import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/core/fs-utils.js';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { defaultResultPath } from '../src/reporters/json-file.js';
import { writeReports } from '../src/reporters/write-reports.js';
import { readResultFile } from '../src/results/read-result.js';
import { NullBackend } from '../src/runtimes/null/null-backend.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('default result names', () => {
  it('keep both results of two runs started together, even in the same millisecond', async () => {
    const dir = tempDir();
    const model = writeSmallBert(dir);
    const run = () => runBenchmark({ model, cacheDir: join(dir, 'cache'), tokenizer: 'bert-base-uncased', backend: new NullBackend(), batchSize: 1, sequenceLength: 8, queryCount: 20 });
    const [first, second] = await Promise.all([run(), run()]);
    // The harder case, made certain: both runs started in the same millisecond of the same process.
    const sameInstant = { ...second!, startedAt: first!.startedAt };
    const results = join(dir, 'results');
    const written = await Promise.all(
      [first!, sameInstant].map((result) =>
        writeReports({ results: [result] }, { formats: ['json'], path: defaultResultPath(result, results), printConsole: () => {} }),
      ),
    );
    const paths = written.map(([report]) => report!.path);
    expect(new Set(paths).size).toBe(2);
    expect(readdirSync(results).sort()).toEqual(paths.map((path) => basename(path)).sort());
    const readBack = await Promise.all(paths.map((path) => readResultFile(path)));
    expect(readBack.map((r) => r.measurement.completedRequests)).toEqual([20, 20]);
    expect(readBack.map((r) => r.startedAt)).toEqual([first!.startedAt, first!.startedAt]);
  });

  it('name the model, the start to the millisecond, and the process', () => {
    const result = { startedAt: '2025-01-02T03:04:05.678Z', settings: { model: '/models/my model.onnx' } } as Parameters<typeof defaultResultPath>[0];
    const path = defaultResultPath(result, '/out');
    expect(path).toBe(`/out/my_model.onnx-20250102T030405.678Z-${process.pid}.json`);
    expect(defaultResultPath(result, '/out')).toBe(`/out/my_model.onnx-20250102T030405.678Z-${process.pid}-2.json`);
  });
});

describe('writeFileAtomic', () => {
  const dir = tempDir();

  it('writes the file whole and leaves no temporary file', async () => {
    const folder = join(dir, 'plain');
    mkdirSync(folder);
    await writeFileAtomic(join(folder, 'a.json'), '{"a":1}\n');
    await writeFileAtomic(join(folder, 'a.json'), '{"a":2}\n');
    expect(readdirSync(folder)).toEqual(['a.json']);
    expect(readFileSync(join(folder, 'a.json'), 'utf8')).toBe('{"a":2}\n');
  });

  it('leaves one writer\'s content whole when many write the same file at once', async () => {
    const folder = join(dir, 'race');
    mkdirSync(folder);
    const contents = Array.from({ length: 20 }, (_, i) => String(i).repeat(100_000));
    await Promise.all(contents.map((text) => writeFileAtomic(join(folder, 'r.txt'), text)));
    expect(readdirSync(folder)).toEqual(['r.txt']);
    expect(contents).toContain(readFileSync(join(folder, 'r.txt'), 'utf8'));
  });

  it('fails into a folder that does not exist, creating nothing', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'a.json'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).not.toContain('missing');
  });

  it('fails over a directory, leaving it as it was and no temporary file beside it', async () => {
    const folder = join(dir, 'over-dir');
    mkdirSync(join(folder, 'target'), { recursive: true });
    writeFileSync(join(folder, 'target', 'kept.txt'), 'kept');
    await expect(writeFileAtomic(join(folder, 'target'), 'x')).rejects.toThrow();
    expect(readdirSync(folder)).toEqual(['target']);
    expect(readdirSync(join(folder, 'target'))).toEqual(['kept.txt']);
  });
});

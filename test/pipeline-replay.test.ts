import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { readResultFile } from '../src/results/read-result.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('a run replayed from its result', () => {
  const dir = tempDir();

  it('runBenchmark(result.settings) measures the same benchmark again, also from the result file', async () => {
    const first = await runBenchmark({ model: writeSmallBert(dir), tokenizer: 'bert-base-uncased', sequenceLength: 16, batchSize: 2, queryCount: 20, clients: 1, cacheDir: join(dir, 'cache') });
    const again = await runBenchmark(first.settings);
    expect(again.settings).toEqual(first.settings);
    const path = join(dir, 'first.json');
    writeFileSync(path, JSON.stringify(first));
    const fromFile = await runBenchmark((await readResultFile(path)).settings);
    expect(fromFile.settings).toEqual(first.settings);
    for (const replay of [again, fromFile]) {
      expect(replay.model.sha256).toBe(first.model.sha256);
      expect(replay.inputs).toEqual(first.inputs);
      expect(replay.measurement.completedQueries).toBe(20);
      // The same compile, found in the cache the first run filled.
      expect(replay.compile).toMatchObject({ cacheHit: true, artifactPath: first.compile.artifactPath, dimensions: first.compile.dimensions });
    }
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompiledBatchSize } from '../src/pipeline/compile-model.js';
import { runInProcess } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('inferbench compile', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);
  const args = ['compile', '-m', model, '--tokenizer', 'bert-base-uncased', '--sequence-length', '16', '--cache-dir', join(dir, 'cache'), '--json'];

  it('compiles one artifact per batch size of BATCH_SIZES, and finds them cached the second time', async () => {
    const first = await runInProcess(args, { env: { BATCH_SIZES: '2 4 8' } });
    expect(first.exitCode).toBe(0);
    const compiled = JSON.parse(first.stdout) as CompiledBatchSize[];
    expect(compiled.map((c) => c.batchSize)).toEqual([2, 4, 8]);
    expect(compiled.map((c) => c.dimensions)).toEqual([2, 4, 8].map((b) => ({ batch_size: b, sequence_length: 16 })));
    expect(compiled.every((c) => !c.cacheHit && existsSync(c.artifactPath) && c.maxAbsDifference < 1e-4)).toBe(true);
    expect(new Set(compiled.map((c) => c.artifactPath)).size).toBe(3);

    // The flag wins over the variable, and what was compiled comes from the cache.
    const second = await runInProcess([...args, '--batch-size-list', '4,2'], { env: { BATCH_SIZES: '16' } });
    const again = JSON.parse(second.stdout) as CompiledBatchSize[];
    expect(again.map((c) => [c.batchSize, c.cacheHit])).toEqual([[4, true], [2, true]]);
    expect(again[0]!.artifactPath).toBe(compiled[1]!.artifactPath);
  });
});

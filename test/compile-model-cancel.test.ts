import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../src/pipeline/compile-model.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('compileModel cancelled', () => {
  it('says which model and batch sizes were being compiled, not which step or file it was at', async () => {
    const dir = tempDir();
    const model = writeSmallBert(dir);
    const compiling = compileModel({ model, tokenizer: 'bert-base-uncased', batchSizes: [2, 4], cacheDir: join(dir, 'cache'), signal: AbortSignal.abort() });
    await expect(compiling).rejects.toMatchObject({ code: 'ABORTED', message: `compiling ${model} for batch sizes 2, 4 was cancelled before it finished` });
  });
});

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { toOrtFeeds } from '../src/runtimes/onnxruntime/ort-tensors.js';
import { OnnxFileSource } from '../src/models/onnx-file-source.js';
import { OrtCompiler } from '../src/runtimes/onnxruntime/ort-compiler.js';
import { buildRandomInputSet } from '../src/inputs/random-input-set.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('OrtCompiler', async () => {
  const dir = tempDir();
  const model = await new OnnxFileSource(writeSmallBert(dir)).resolve({ cacheDir: dir });
  const inputsFor = (batchSize: number) =>
    buildRandomInputSet({ specs: model.inputs, batchSize, dimensions: { sequence_length: 16 }, inputCount: 1, seed: 3 });

  it('fixes the symbolic dimensions and reports the output difference', async () => {
    const artifact = await new OrtCompiler().compile({ model, input: inputsFor(4).feeds[0]!, batchSize: 4, cacheDir: dir });
    expect(artifact.cacheHit).toBe(false);
    expect(artifact.batchSize).toBe(4);
    expect(artifact.dimensions).toEqual({ batch_size: 4, sequence_length: 16 });
    expect(artifact.maxAbsDifference).toBeLessThan(1e-4);
    expect(artifact.compileNs).toBeGreaterThan(0);
    const session = await ort.InferenceSession.create(artifact.path);
    const meta = session.inputMetadata[0]!;
    expect(meta.isTensor && meta.shape).toEqual([4, 16]);
    const toFeeds = (batch: number) => toOrtFeeds(inputsFor(batch).feeds[0]!);
    const { logits } = await session.run(toFeeds(4));
    expect(logits!.dims).toEqual([4, 2]);
    await expect(session.run(toFeeds(3))).rejects.toThrow(/invalid dimensions|Got: 3/i);
    await session.release();
  });

  it('hits the cache for the same model and shapes, and misses for another batch size', async () => {
    const first = await new OrtCompiler().compile({ model, input: inputsFor(2).feeds[0]!, batchSize: 2, cacheDir: dir });
    const second = await new OrtCompiler().compile({ model, input: inputsFor(2).feeds[0]!, batchSize: 2, cacheDir: dir });
    expect(second.cacheHit).toBe(true);
    expect(second.cacheKey).toBe(first.cacheKey);
    expect(second.path).toBe(first.path);
    expect(second.maxAbsDifference).toBe(first.maxAbsDifference);
    expect(second.compileNs).toBe(first.compileNs);
    const other = await new OrtCompiler().compile({ model, input: inputsFor(3).feeds[0]!, batchSize: 3, cacheDir: dir });
    expect(other.cacheKey).not.toBe(first.cacheKey);
    const basic = await new OrtCompiler({ graphOptimizationLevel: 'basic' }).compile({ model, input: inputsFor(2).feeds[0]!, batchSize: 2, cacheDir: dir });
    expect(basic.cacheKey).not.toBe(first.cacheKey);
  });

  it('compiles again over a damaged cache entry instead of failing', async () => {
    const input = inputsFor(5).feeds[0]!;
    const first = await new OrtCompiler().compile({ model, input, batchSize: 5, cacheDir: dir });
    writeFileSync(join(dirname(first.path), 'compile.json'), '{"compileNs": 12');
    const again = await new OrtCompiler().compile({ model, input, batchSize: 5, cacheDir: dir });
    expect(again.cacheHit).toBe(false);
    expect(again.path).toBe(first.path);
    rmSync(first.path);
    expect((await new OrtCompiler().compile({ model, input, batchSize: 5, cacheDir: dir })).cacheHit).toBe(false);
    expect((await new OrtCompiler().compile({ model, input, batchSize: 5, cacheDir: dir })).cacheHit).toBe(true);
  });

  it('compiles again over a record from before batch sizes were recorded, and records it', async () => {
    const input = inputsFor(6).feeds[0]!;
    const first = await new OrtCompiler().compile({ model, input, batchSize: 6, cacheDir: dir });
    const recordPath = join(dirname(first.path), 'compile.json');
    const { batchSize, ...older } = JSON.parse(readFileSync(recordPath, 'utf8')) as Record<string, unknown>;
    expect(batchSize).toBe(6);
    writeFileSync(recordPath, JSON.stringify(older));
    const again = await new OrtCompiler().compile({ model, input, batchSize: 6, cacheDir: dir });
    expect([again.cacheHit, again.batchSize]).toEqual([false, 6]);
    expect(JSON.parse(readFileSync(recordPath, 'utf8'))).toMatchObject({ batchSize: 6 });
    expect((await new OrtCompiler().compile({ model, input, batchSize: 6, cacheDir: dir })).cacheHit).toBe(true);
  });

  it('refuses inputs that do not fit the model', async () => {
    const input = inputsFor(2).feeds[0]!;
    const { input_ids: _, ...withoutIds } = input;
    await expect(new OrtCompiler().compile({ model, input: withoutIds, batchSize: 2, cacheDir: dir })).rejects.toMatchObject({
      code: 'INPUT_MISMATCH',
      message: expect.stringContaining("needs input 'input_ids'"),
    });
  });
});

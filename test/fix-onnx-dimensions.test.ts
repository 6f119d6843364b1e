import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { finishSteps } from '../src/core/steps.js';
import { fixOnnxDimensionSteps } from '../src/onnx/fix-onnx-dimensions.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('fixOnnxDimensionSteps', () => {
  it('fixes only the named dimensions and keeps the weights', async () => {
    const bytes = readFileSync(writeSmallBert(tempDir()));
    const fixed = finishSteps(fixOnnxDimensionSteps(bytes, { batch_size: 2 }));
    const original = await ort.InferenceSession.create(bytes);
    const session = await ort.InferenceSession.create(fixed);
    expect(session.inputMetadata.map((m) => m.isTensor && m.shape)).toEqual([
      [2, 'sequence_length'],
      [2, 'sequence_length'],
      [2, 'sequence_length'],
    ]);
    expect(session.outputMetadata.map((m) => m.isTensor && m.shape)).toEqual([[2, 2]]);
    const ids = new ort.Tensor('int64', BigInt64Array.from({ length: 14 }, (_, i) => BigInt(100 + i)), [2, 7]);
    const ones = new ort.Tensor('int64', new BigInt64Array(14).fill(1n), [2, 7]);
    const zeros = new ort.Tensor('int64', new BigInt64Array(14), [2, 7]);
    const feeds = { input_ids: ids, attention_mask: ones, token_type_ids: zeros };
    const [a, b] = [await original.run(feeds), await session.run(feeds)];
    expect(Array.from(b.logits!.data as Float32Array)).toEqual(Array.from(a.logits!.data as Float32Array));
    expect(Buffer.from(finishSteps(fixOnnxDimensionSteps(bytes, {}))).equals(bytes)).toBe(true);
  });
});

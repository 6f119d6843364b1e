import { describe, it, expect } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildSyntheticResnet, DEFAULT_SYNTHETIC_RESNET50, type SyntheticResnetConfig } from '../src/models/synthetic-resnet.js';
import { decodeModel } from '../src/onnx/onnx-proto.js';
import { InferbenchError } from '../src/core/errors.js';

const SMALL: Partial<SyntheticResnetConfig> = { blocks: [1, 1, 1, 1], baseWidth: 8, numClasses: 10 };

// The full-size models take about a second each to build, so each is built once and shared.
let unfolded: Uint8Array | undefined;
let folded: Uint8Array | undefined;
const resnet50 = () => (unfolded ??= buildSyntheticResnet());
const resnet50Folded = () => (folded ??= buildSyntheticResnet({ foldBatchNorm: true }));

function load(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
}

/** A deterministic batch of smooth, image-like NCHW inputs, different per image. */
function images(batch: number, size: number): ort.Tensor {
  const length = batch * 3 * size * size;
  const data = Float32Array.from({ length }, (_, i) => Math.sin(i * 0.37 + Math.floor(i / (length / batch))));
  return new ort.Tensor('float32', data, [batch, 3, size, size]);
}

/** The logits of `input`, after checking they are [batch, classes]. */
async function logits(session: ort.InferenceSession, input: ort.Tensor, classes = 1000): Promise<Float32Array> {
  const result = (await session.run({ input })).logits;
  if (result === undefined) throw new Error('no logits output');
  expect(result.dims).toEqual([input.dims[0], classes]);
  return result.data as Float32Array;
}

function opCounts(bytes: Uint8Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of decodeModel(bytes).graph.node) counts[node.opType] = (counts[node.opType] ?? 0) + 1;
  return counts;
}

function parameterCount(bytes: Uint8Array): number {
  return decodeModel(bytes).graph.initializer.reduce((sum, tensor) => sum + tensor.dims.reduce((a, b) => a * b, 1), 0);
}

const spread = (values: Float32Array) => Math.max(...values) - Math.min(...values);
const maxAbsDiff = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - (b[i] ?? NaN))));

describe('buildSyntheticResnet', () => {
  it('runs the default model at 1 × 3 × 224 × 224 and 2 × 3 × 64 × 64 (symbolic batch and image size)', async () => {
    const session = await load(resnet50());
    expect(session.inputMetadata).toEqual([{ name: 'input', isTensor: true, type: 'float32', shape: ['batch_size', 3, 'height', 'width'] }]);
    expect(session.outputMetadata).toEqual([{ name: 'logits', isTensor: true, type: 'float32', shape: ['batch_size', 1000] }]);

    const single = await logits(session, images(1, 224));
    expect(single.every(Number.isFinite)).toBe(true);
    expect(spread(single)).toBeGreaterThan(1);

    const pair = await logits(session, images(2, 64));
    expect(pair.every(Number.isFinite)).toBe(true);
    const [first, second] = [pair.subarray(0, 1000), pair.subarray(1000)];
    expect(spread(first)).toBeGreaterThan(1);
    expect(maxAbsDiff(first, second)).toBeGreaterThan(1e-3);
    await session.release();
  });

  it("has torchvision resnet50's layers: 1 + 3 × 16 + 4 projection convs, 16 residual adds", () => {
    expect(opCounts(resnet50())).toEqual({
      Conv: 53,
      BatchNormalization: 53,
      Relu: 49, // after the stem, after a block's first two convs, and after each residual add
      MaxPool: 1,
      Add: 16,
      GlobalAveragePool: 1,
      Flatten: 1,
      Gemm: 1,
    });
  });

  it("holds torchvision resnet50's 25,557,032 parameters plus BatchNormalization's running statistics", () => {
    // 53 BatchNormalizations cover 26,560 channels. torchvision counts scale and bias (2 × 26,560 of its
    // 25,557,032); the running mean and variance are buffers there but initializers here.
    expect(parameterCount(resnet50())).toBe(25_557_032 + 2 * 26_560);
    // Folded, each channel's scale and bias become one Conv bias, and the statistics disappear.
    expect(parameterCount(resnet50Folded())).toBe(25_557_032 - 26_560);
  });

  it('folds BatchNormalization into the convs without changing the logits', async () => {
    expect(opCounts(resnet50Folded())).not.toHaveProperty('BatchNormalization');
    const [plain, fused] = await Promise.all([resnet50(), resnet50Folded()].map(load));
    const input = images(2, 64);
    const [a, b] = [await logits(plain!, input), await logits(fused!, input)];
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
    await Promise.all([plain!.release(), fused!.release()]);
  });

  it('builds and runs a small config, a hundredth of resnet50 or less, for fast tests', async () => {
    // Its size, not a wall-clock time, which a busy machine stretches.
    expect(parameterCount(buildSyntheticResnet(SMALL))).toBeLessThan(parameterCount(resnet50()) / 100);
    const session = await load(buildSyntheticResnet(SMALL));
    const result = await logits(session, images(2, 64), 10);
    expect(result.every(Number.isFinite)).toBe(true);
    expect(spread(result.subarray(0, 10))).toBeGreaterThan(0.1);
    expect(opCounts(buildSyntheticResnet(SMALL)).Conv).toBe(1 + 3 * 4 + 4);
    await session.release();
  });

  it('is deterministic in the seed', async () => {
    const a = buildSyntheticResnet({ ...SMALL, seed: 7 });
    expect(Buffer.from(a).equals(Buffer.from(buildSyntheticResnet({ ...SMALL, seed: 7 })))).toBe(true);

    const [same, other] = await Promise.all([a, buildSyntheticResnet({ ...SMALL, seed: 8 })].map(load));
    const input = images(1, 32);
    expect(maxAbsDiff(await logits(same!, input, 10), await logits(other!, input, 10))).toBeGreaterThan(1e-3);
    await Promise.all([same!.release(), other!.release()]);
  });

  it('leaves the default config frozen', () => {
    expect(Object.isFrozen(DEFAULT_SYNTHETIC_RESNET50)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SYNTHETIC_RESNET50.blocks)).toBe(true);
    expect(DEFAULT_SYNTHETIC_RESNET50.blocks).toEqual([3, 4, 6, 3]);
  });

  it.each<[string, unknown]>([
    ['three stages', { blocks: [3, 4, 6] }],
    ['a stage without blocks', { blocks: [3, 0, 6, 3] }],
    ['blocks that are not a list', { blocks: '3,4,6,3' }],
    ['zero baseWidth', { baseWidth: 0 }],
    ['fractional numClasses', { numClasses: 2.5 }],
    ['negative seed', { seed: -1 }],
    ['non-boolean foldBatchNorm', { foldBatchNorm: 'yes' }],
    ['unknown option', { width: 64 }],
    ['weights over 2 GiB', { baseWidth: 1024 }],
  ])('rejects %s with INVALID_OPTION', (_, config) => {
    let error: unknown;
    try {
      buildSyntheticResnet(config as Partial<SyntheticResnetConfig>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InferbenchError);
    expect((error as InferbenchError).code).toBe('INVALID_OPTION');
    expect((error as InferbenchError).message).not.toContain('\n');
  });
});

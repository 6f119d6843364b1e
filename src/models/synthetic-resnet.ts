import { InferbenchError } from '../core/errors.js';
import { normalSteps, seededRandom } from '../core/random.js';
import { finishSteps, type Steps } from '../core/steps.js';
import { MAX_SEED, requireInteger } from '../core/validate.js';
import { attr, GraphBuilder } from '../onnx/graph-builder.js';

/** Shape of a synthetic ResNet image classifier with bottleneck blocks (torchvision's ResNet v1.5). */
export interface SyntheticResnetConfig {
  /** Bottleneck blocks in each of the four stages: [3, 4, 6, 3] is ResNet-50, [3, 4, 23, 3] ResNet-101. */
  blocks: readonly [number, number, number, number];
  /** Channels of the stem and of the first stage's 3×3 convs; each later stage doubles them, and block outputs are 4× as wide. */
  baseWidth: number;
  /** Classes the classifier scores, i.e. the last dimension of `logits`. */
  numClasses: number;
  /** Seed of the random weights, an unsigned 32-bit integer; same seed, same model bytes. */
  seed: number;
  /**
   * Whether each BatchNormalization is folded into the weights and bias of the Conv before it, as
   * deployment exports do; either way the same seed computes the same function.
   */
  foldBatchNorm: boolean;
}

/** Defaults: torchvision's resnet50 (25,557,032 trainable parameters) over ImageNet's 1000 classes. */
export const DEFAULT_SYNTHETIC_RESNET50: Readonly<Required<SyntheticResnetConfig>> = Object.freeze({
  blocks: Object.freeze([3, 4, 6, 3] as const),
  baseWidth: 64,
  numClasses: 1000,
  seed: 42,
  foldBatchNorm: false,
});

/** Bottleneck blocks widen their input this many times (torchvision's `Bottleneck.expansion`). */
const EXPANSION = 4;
const BATCH_NORM_EPSILON = 1e-5;
/** Spread of the random BatchNormalization statistics around the identity (scale 1, bias 0, mean 0, variance 1). */
const BATCH_NORM_JITTER = 0.1;
/**
 * Scale of each residual branch's last BatchNormalization. With inference statistics BatchNormalization
 * does not renormalize, so at full scale every residual Add would double the activation variance
 * (2^16 over ResNet-50's 16 blocks); at 0.2 it grows by 1.04 per block.
 */
const RESIDUAL_GAIN = 0.2;
/** ONNX files are single protobuf messages, which may not exceed 2 GiB. */
const MAX_MODEL_BYTES = 2 ** 31;

/**
 * Builds a synthetic ResNet image classifier as ONNX model bytes (IR 8, opset 17): torchvision's
 * ResNet architecture (7×7 stem, max pool, four stages of bottleneck blocks with the stride on the
 * 3×3 conv and projection shortcuts, global average pool, linear classifier) with He-initialized
 * random weights, so benchmarks need no download. The input is float32 `input`
 * `['batch_size', 3, 'height', 'width']` (NCHW; any image size, e.g. 224 × 224); the output is
 * float32 `logits` `['batch_size', numClasses]`.
 *
 * @throws InferbenchError `INVALID_OPTION` when a config value is not usable.
 */
export function buildSyntheticResnet(config: Partial<SyntheticResnetConfig> = {}): Uint8Array {
  return finishSteps(syntheticResnetSteps(config));
}

/** {@link buildSyntheticResnet} in steps (see {@link Steps}), so that generating a deep ResNet's weights can be stopped. */
export function* syntheticResnetSteps(config: Partial<SyntheticResnetConfig> = {}): Steps<Uint8Array> {
  const c = resolveConfig(config);
  const g = new GraphBuilder('synthetic_resnet');
  const random = seededRandom(c.seed);
  const normal = (count: number, std: number, mean = 0): Steps<Float32Array> => normalSteps(random, count, std, mean);

  /**
   * A k×k Conv (padding k/2, so only the stride shrinks the image) and its BatchNormalization,
   * named after torchvision's modules. Weights are drawn in the same order whether or not the
   * BatchNormalization is folded, so both forms of one seed compute the same function.
   */
  const convBn = function* (x: string, inChannels: number, outChannels: number, kernel: number, stride: number, names: [string, string], gain = 1): Steps<string> {
    const [convName, bnName] = names;
    const fanIn = inChannels * kernel * kernel;
    const weight = yield* normal(outChannels * fanIn, Math.sqrt(2 / fanIn)); // He (kaiming-normal) for ReLU networks
    const scale = yield* normal(outChannels, gain * BATCH_NORM_JITTER, gain);
    const bias = yield* normal(outChannels, BATCH_NORM_JITTER);
    const mean = yield* normal(outChannels, BATCH_NORM_JITTER);
    const variance = (yield* normal(outChannels, BATCH_NORM_JITTER)).map(Math.exp);
    const pad = Math.floor(kernel / 2);
    const attributes = {
      kernel_shape: attr.ints([kernel, kernel]),
      strides: attr.ints([stride, stride]),
      pads: attr.ints([pad, pad, pad, pad]),
    };
    const dims = [outChannels, inChannels, kernel, kernel];
    if (!c.foldBatchNorm) {
      const y = g.node('Conv', [x, g.initializer(`${convName}.weight`, 'float32', dims, weight)], attributes);
      const vector = (field: string, values: Float32Array) => g.initializer(`${bnName}.${field}`, 'float32', [outChannels], values);
      const stats = [vector('weight', scale), vector('bias', bias), vector('running_mean', mean), vector('running_var', variance)];
      return g.node('BatchNormalization', [y, ...stats], { epsilon: attr.float(BATCH_NORM_EPSILON) });
    }
    // BN(conv(x)) = s·conv(x) + (bias - s·mean) per output channel, with s = scale / sqrt(variance + ε).
    const foldedBias = new Float32Array(outChannels);
    for (let o = 0; o < outChannels; o++) {
      const s = (scale[o] as number) / Math.sqrt((variance[o] as number) + BATCH_NORM_EPSILON);
      for (let i = o * fanIn; i < (o + 1) * fanIn; i++) weight[i] = (weight[i] as number) * s;
      foldedBias[o] = (bias[o] as number) - s * (mean[o] as number);
    }
    const inputs = [x, g.initializer(`${convName}.weight`, 'float32', dims, weight), g.initializer(`${convName}.bias`, 'float32', [outChannels], foldedBias)];
    return g.node('Conv', inputs, attributes);
  };
  const relu = (x: string) => g.node('Relu', [x]);

  const input = g.input('input', 'float32', ['batch_size', 3, 'height', 'width']);
  const stem = relu(yield* convBn(input, 3, c.baseWidth, 7, 2, ['conv1', 'bn1']));
  let x = g.node('MaxPool', [stem], {
    kernel_shape: attr.ints([3, 3]),
    strides: attr.ints([2, 2]),
    pads: attr.ints([1, 1, 1, 1]),
  });
  let channels = c.baseWidth;
  for (const [stage, count] of c.blocks.entries()) {
    const width = c.baseWidth * 2 ** stage;
    const outChannels = width * EXPANSION;
    for (let b = 0; b < count; b++) {
      const p = `layer${stage + 1}.${b}`;
      const stride = b === 0 && stage > 0 ? 2 : 1;
      // The first block changes width (and, after stage 1, resolution), so its shortcut is a projection.
      const shortcut = b === 0 ? yield* convBn(x, channels, outChannels, 1, stride, [`${p}.downsample.0`, `${p}.downsample.1`]) : x;
      const reduced = relu(yield* convBn(x, channels, width, 1, 1, [`${p}.conv1`, `${p}.bn1`]));
      const spatial = relu(yield* convBn(reduced, width, width, 3, stride, [`${p}.conv2`, `${p}.bn2`]));
      const expanded = yield* convBn(spatial, width, outChannels, 1, 1, [`${p}.conv3`, `${p}.bn3`], RESIDUAL_GAIN);
      x = relu(g.node('Add', [expanded, shortcut]));
      channels = outChannels;
    }
  }

  const pooled = g.node('Flatten', [g.node('GlobalAveragePool', [x])], { axis: attr.int(1) });
  // Stored [out, in] as torchvision's nn.Linear, hence transB.
  const fcWeight = g.initializer('fc.weight', 'float32', [c.numClasses, channels], yield* normal(c.numClasses * channels, 1 / Math.sqrt(channels)));
  const fcBias = g.initializer('fc.bias', 'float32', [c.numClasses], new Float32Array(c.numClasses));
  g.node('Gemm', [pooled, fcWeight, fcBias], { transB: attr.int(1) }, 'logits');
  g.output('logits', 'float32', ['batch_size', c.numClasses]);
  return yield* g.modelSteps();
}

function resolveConfig(config: Partial<SyntheticResnetConfig>): Required<SyntheticResnetConfig> {
  const c = { ...DEFAULT_SYNTHETIC_RESNET50 };
  for (const [key, value] of Object.entries(config)) {
    if (!(key in c)) throw invalid(`unknown synthetic ResNet option ${key}; use one of ${Object.keys(c).join(', ')}`);
    if (value !== undefined) Object.assign(c, { [key]: value });
  }
  const blocks: unknown = c.blocks;
  if (!Array.isArray(blocks) || blocks.length !== 4) {
    throw invalid(`synthetic ResNet blocks must list 4 block counts, one per stage, got ${JSON.stringify(blocks)}; pass e.g. [3, 4, 6, 3]`);
  }
  blocks.forEach((count: number, i) => requireInteger(`synthetic ResNet blocks[${i}]`, count, 1));
  requireInteger('synthetic ResNet baseWidth', c.baseWidth, 1);
  requireInteger('synthetic ResNet numClasses', c.numClasses, 1);
  requireInteger('synthetic ResNet seed', c.seed, 0, MAX_SEED);
  if (typeof c.foldBatchNorm !== 'boolean') {
    throw invalid(`synthetic ResNet foldBatchNorm must be true or false, got ${String(c.foldBatchNorm)}`);
  }
  const sizeBytes = 4 * parameterCount(c);
  if (sizeBytes >= MAX_MODEL_BYTES) {
    const gib = (sizeBytes / 2 ** 30).toFixed(1);
    throw invalid(`synthetic ResNet with blocks [${c.blocks.join(', ')}] and baseWidth ${c.baseWidth} needs ${gib} GiB of weights, over ONNX's 2 GiB limit; use a smaller baseWidth or fewer blocks`);
  }
  return c;
}

/** Initializer elements the graph will hold, so oversized models are refused before any weight is drawn. */
function parameterCount(c: Required<SyntheticResnetConfig>): number {
  // Per BatchNormalization channel: scale, bias, mean and variance, or one Conv bias once folded.
  const perChannel = c.foldBatchNorm ? 1 : 4;
  const conv = (inChannels: number, outChannels: number, kernel: number) => outChannels * (inChannels * kernel * kernel + perChannel);
  let channels = c.baseWidth;
  let count = conv(3, channels, 7);
  c.blocks.forEach((blocks, stage) => {
    const width = c.baseWidth * 2 ** stage;
    const outChannels = width * EXPANSION;
    count += conv(channels, outChannels, 1); // the first block's projection shortcut
    for (let b = 0; b < blocks; b++) {
      count += conv(b === 0 ? channels : outChannels, width, 1) + conv(width, width, 3) + conv(width, outChannels, 1);
    }
    channels = outChannels;
  });
  return count + (channels + 1) * c.numClasses;
}

function invalid(message: string): InferbenchError {
  return new InferbenchError('INVALID_OPTION', message);
}

import { InferbenchError } from '../core/errors.js';
import { normalSteps, seededRandom } from '../core/random.js';
import { finishSteps, type Steps } from '../core/steps.js';
import { MAX_SEED, requireInteger } from '../core/validate.js';
import { resnetGraphSteps, resnetLayout, type ResnetShape, type ResnetWeights } from './resnet-graph.js';

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
 * ResNet architecture (`resnetGraphSteps`: 7×7 stem, max pool, four stages of bottleneck blocks with the
 * stride on the 3×3 conv and projection shortcuts, global average pool, linear classifier) with He-initialized
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
  const random = seededRandom(c.seed);
  const normal = (count: number, std: number, mean = 0): Steps<Float32Array> => normalSteps(random, count, std, mean);
  // Drawn in this order whether or not BatchNormalization is folded, so both forms of one seed compute the same function.
  const weights: ResnetWeights = {
    *convBn({ inChannels, outChannels, kernel, closesBranch }) {
      const gain = closesBranch ? RESIDUAL_GAIN : 1;
      const fanIn = inChannels * kernel * kernel;
      const weight = yield* normal(outChannels * fanIn, Math.sqrt(2 / fanIn)); // He (kaiming-normal) for ReLU networks
      const scale = yield* normal(outChannels, gain * BATCH_NORM_JITTER, gain);
      const bias = yield* normal(outChannels, BATCH_NORM_JITTER);
      const mean = yield* normal(outChannels, BATCH_NORM_JITTER);
      const variance = (yield* normal(outChannels, BATCH_NORM_JITTER)).map(Math.exp);
      return { weight, scale, bias, mean, variance };
    },
    *classifier(classes, features) {
      return { weight: yield* normal(classes * features, 1 / Math.sqrt(features)), bias: new Float32Array(classes) };
    },
  };
  return yield* resnetGraphSteps('synthetic_resnet', resnetShape(c), weights);
}

/** The graph's shape for a resolved synthetic config: torchvision's ResNet v1.5 with bottleneck blocks. */
function resnetShape(c: Required<SyntheticResnetConfig>): ResnetShape {
  return {
    layerType: 'bottleneck',
    inputChannels: 3,
    stemWidth: c.baseWidth,
    stageWidths: c.blocks.map((_, stage) => c.baseWidth * 2 ** stage * EXPANSION),
    depths: [...c.blocks],
    downsampleInFirstStage: false,
    downsampleInBottleneck: false,
    numClasses: c.numClasses,
    batchNormEpsilon: BATCH_NORM_EPSILON,
    foldBatchNorm: c.foldBatchNorm,
  };
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
  const layout = resnetLayout(resnetShape(c));
  const convs = [layout.stem, ...layout.blocks.flatMap((block) => [...(block.shortcut ? [block.shortcut] : []), ...block.branch])];
  const count = convs.reduce((sum, s) => sum + s.outChannels * (s.inChannels * s.kernel * s.kernel + perChannel), 0);
  return count + (layout.features + 1) * c.numClasses;
}

function invalid(message: string): InferbenchError {
  return new InferbenchError('INVALID_OPTION', message);
}

import type { Steps } from '../core/steps.js';
import { attr, GraphBuilder } from '../onnx/graph-builder.js';

/** The shape of a ResNet image classifier's graph (torchvision's ResNet v1.5, Hugging Face's ResNetForImageClassification). */
export interface ResnetShape {
  /** Bottleneck blocks (1×1 reduce, 3×3, 1×1 expand to 4× the reduced width) or basic blocks (two 3×3 convs). */
  readonly layerType: 'bottleneck' | 'basic';
  /** Channels of the input image (3 for RGB). */
  readonly inputChannels: number;
  /** Output channels of the 7×7 stem conv. */
  readonly stemWidth: number;
  /** Output channels of each stage's blocks (a bottleneck's expanded width). */
  readonly stageWidths: readonly number[];
  /** Blocks in each stage. */
  readonly depths: readonly number[];
  /** Whether the first stage's first block has stride 2 (torchvision's and Hugging Face's default: no, the max pool did it). */
  readonly downsampleInFirstStage: boolean;
  /** Whether a bottleneck strides on its first 1×1 conv (ResNet v1) rather than on its 3×3 conv (v1.5). */
  readonly downsampleInBottleneck: boolean;
  readonly numClasses: number;
  readonly batchNormEpsilon: number;
  /** Whether each BatchNormalization is folded into the Conv before it, as deployment exports do; the function is the same. */
  readonly foldBatchNorm: boolean;
}

/** A k×k Conv without bias and the BatchNormalization after it, named after torchvision's modules (`layer1.0.conv2`, `layer1.0.bn2`). */
export interface ConvSpec {
  readonly conv: string;
  readonly norm: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
  /** Whether this is a residual branch's last conv: no ReLU follows it, its output is added to the shortcut. */
  readonly closesBranch: boolean;
}

/** One residual block: its branch of convs and, when it changes width or resolution, a projection shortcut. */
export interface ResnetBlock {
  readonly stage: number;
  readonly index: number;
  readonly shortcut?: ConvSpec;
  readonly branch: readonly ConvSpec[];
}

/** Every conv of a ResNet, in the order the graph uses them, and the width of the pooled features the classifier reads. */
export interface ResnetLayout {
  readonly stem: ConvSpec;
  readonly blocks: readonly ResnetBlock[];
  readonly features: number;
}

/** A Conv's weight `[out, in, k, k]` and its BatchNormalization's per-channel parameters and running statistics. */
export interface ConvBnWeights {
  readonly weight: Float32Array;
  readonly scale: Float32Array;
  readonly bias: Float32Array;
  readonly mean: Float32Array;
  readonly variance: Float32Array;
}

/**
 * Where a ResNet graph's weights come from, asked for in the order the graph uses them. The graph takes the arrays
 * over (folding BatchNormalization rewrites `weight` in place): hand it fresh ones.
 */
export interface ResnetWeights {
  convBn(spec: ConvSpec): Steps<ConvBnWeights>;
  /** The linear classifier: weight `[classes, features]` as nn.Linear stores it, and bias `[classes]`. */
  classifier(classes: number, features: number): Steps<{ weight: Float32Array; bias: Float32Array }>;
}

/** Bottleneck blocks reduce their output width this many times inside (torchvision's `Bottleneck.expansion`). */
const BOTTLENECK_REDUCTION = 4;

/** The convs of a ResNet of `shape`, as torchvision's and Hugging Face's ResNet lay them out. */
export function resnetLayout(shape: ResnetShape): ResnetLayout {
  const spec = (conv: string, norm: string, inChannels: number, outChannels: number, kernel: number, stride = 1, closesBranch = false): ConvSpec =>
    ({ conv, norm, inChannels, outChannels, kernel, stride, closesBranch });
  const stem = spec('conv1', 'bn1', shape.inputChannels, shape.stemWidth, 7, 2);
  const blocks: ResnetBlock[] = [];
  let channels = shape.stemWidth;
  shape.stageWidths.forEach((outChannels, stage) => {
    const stageStride = stage > 0 || shape.downsampleInFirstStage ? 2 : 1;
    for (let index = 0; index < shape.depths[stage]!; index++) {
      const p = `layer${stage + 1}.${index}`;
      const stride = index === 0 ? stageStride : 1;
      const conv = (k: number, inC: number, outC: number, kernel: number, convStride: number, last = false) =>
        spec(`${p}.conv${k}`, `${p}.bn${k}`, inC, outC, kernel, convStride, last);
      let branch: ConvSpec[];
      if (shape.layerType === 'bottleneck') {
        const width = Math.floor(outChannels / BOTTLENECK_REDUCTION);
        const [first, middle] = shape.downsampleInBottleneck ? [stride, 1] : [1, stride];
        branch = [conv(1, channels, width, 1, first), conv(2, width, width, 3, middle), conv(3, width, outChannels, 1, 1, true)];
      } else {
        branch = [conv(1, channels, outChannels, 3, stride), conv(2, outChannels, outChannels, 3, 1, true)];
      }
      // A block that changes width or resolution cannot add its input as it is: its shortcut is a strided 1×1 projection.
      const shortcut = channels !== outChannels || stride !== 1 ? spec(`${p}.downsample.0`, `${p}.downsample.1`, channels, outChannels, 1, stride) : undefined;
      blocks.push({ stage, index, ...(shortcut && { shortcut }), branch });
      channels = outChannels;
    }
  });
  return { stem, blocks, features: channels };
}

/**
 * A ResNet image classifier as ONNX model bytes (IR 8, opset 17): 7×7 stem, 3×3 max pool, stages of residual blocks
 * (ReLU after each conv but a branch's last, and after each residual Add), global average pool, linear classifier.
 * The input is float32 `input` `['batch_size', inputChannels, 'height', 'width']` (NCHW, any image size); the output
 * is float32 `logits` `['batch_size', numClasses]`.
 */
export function* resnetGraphSteps(name: string, shape: ResnetShape, weights: ResnetWeights): Steps<Uint8Array> {
  const g = new GraphBuilder(name);
  const layout = resnetLayout(shape);

  /** A Conv (padding k/2, so only the stride shrinks the image) and its BatchNormalization, or the two folded into one Conv. */
  const convBn = function* (x: string, spec: ConvSpec): Steps<string> {
    const { weight, scale, bias, mean, variance } = yield* weights.convBn(spec);
    const { kernel, stride, inChannels, outChannels } = spec;
    const pad = Math.floor(kernel / 2);
    const attributes = {
      kernel_shape: attr.ints([kernel, kernel]),
      strides: attr.ints([stride, stride]),
      pads: attr.ints([pad, pad, pad, pad]),
    };
    const dims = [outChannels, inChannels, kernel, kernel];
    if (!shape.foldBatchNorm) {
      const y = g.node('Conv', [x, g.initializer(`${spec.conv}.weight`, 'float32', dims, weight)], attributes);
      const vector = (field: string, values: Float32Array) => g.initializer(`${spec.norm}.${field}`, 'float32', [outChannels], values);
      const stats = [vector('weight', scale), vector('bias', bias), vector('running_mean', mean), vector('running_var', variance)];
      return g.node('BatchNormalization', [y, ...stats], { epsilon: attr.float(shape.batchNormEpsilon) });
    }
    // BN(conv(x)) = s·conv(x) + (bias - s·mean) per output channel, with s = scale / sqrt(variance + ε).
    const fanIn = inChannels * kernel * kernel;
    const foldedBias = new Float32Array(outChannels);
    for (let o = 0; o < outChannels; o++) {
      const s = scale[o]! / Math.sqrt(variance[o]! + shape.batchNormEpsilon);
      for (let i = o * fanIn; i < (o + 1) * fanIn; i++) weight[i] = weight[i]! * s;
      foldedBias[o] = bias[o]! - s * mean[o]!;
    }
    const inputs = [x, g.initializer(`${spec.conv}.weight`, 'float32', dims, weight), g.initializer(`${spec.conv}.bias`, 'float32', [outChannels], foldedBias)];
    return g.node('Conv', inputs, attributes);
  };
  const relu = (x: string) => g.node('Relu', [x]);

  const input = g.input('input', 'float32', ['batch_size', shape.inputChannels, 'height', 'width']);
  const stem = relu(yield* convBn(input, layout.stem));
  let x = g.node('MaxPool', [stem], {
    kernel_shape: attr.ints([3, 3]),
    strides: attr.ints([2, 2]),
    pads: attr.ints([1, 1, 1, 1]),
  });
  for (const block of layout.blocks) {
    const shortcut = block.shortcut === undefined ? x : yield* convBn(x, block.shortcut);
    let branch = x;
    for (const spec of block.branch) {
      const y = yield* convBn(branch, spec);
      branch = spec.closesBranch ? y : relu(y);
    }
    x = relu(g.node('Add', [branch, shortcut]));
  }

  const pooled = g.node('Flatten', [g.node('GlobalAveragePool', [x])], { axis: attr.int(1) });
  const head = yield* weights.classifier(shape.numClasses, layout.features);
  // Stored [out, in] as nn.Linear, hence transB.
  const fcWeight = g.initializer('fc.weight', 'float32', [shape.numClasses, layout.features], head.weight);
  const fcBias = g.initializer('fc.bias', 'float32', [shape.numClasses], head.bias);
  g.node('Gemm', [pooled, fcWeight, fcBias], { transB: attr.int(1) }, 'logits');
  g.output('logits', 'float32', ['batch_size', shape.numClasses]);
  return yield* g.modelSteps();
}

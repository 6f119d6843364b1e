import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferbenchError } from '../../core/errors.js';
import type { Steps } from '../../core/steps.js';
import { resnetGraphSteps, resnetLayout, type ConvBnWeights, type ConvSpec, type ResnetShape, type ResnetWeights } from '../resnet-graph.js';
import { checkpointTensor, type HfCheckpoint } from './hf-checkpoint.js';

/** nn.BatchNorm2d's default epsilon, which Hugging Face's ResNetConfig leaves as it is (it has no key for it). */
const BATCH_NORM_EPSILON = 1e-5;

function invalid(checkpoint: HfCheckpoint, key: string, value: unknown, what: string): InferbenchError {
  return new InferbenchError('MODEL_INVALID', `${checkpoint.dir}/config.json has ${key} ${JSON.stringify(value)}, ${what}; download it again`);
}

/** A config.json field that must be a positive integer. */
function size(checkpoint: HfCheckpoint, key: string, fallback?: number): number {
  const value = checkpoint.config[key] ?? fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw invalid(checkpoint, key, value, 'not a positive integer');
  return value as number;
}

/** A config.json field that must be a non-empty list of positive integers. */
function sizes(checkpoint: HfCheckpoint, key: string): number[] {
  const value = checkpoint.config[key];
  if (!Array.isArray(value) || value.length === 0 || !value.every((n) => Number.isSafeInteger(n) && n >= 1)) throw invalid(checkpoint, key, value, 'not a list of positive integers');
  return value as number[];
}

function flag(checkpoint: HfCheckpoint, key: string): boolean {
  const value = checkpoint.config[key] ?? false;
  if (typeof value !== 'boolean') throw invalid(checkpoint, key, value, 'not true or false');
  return value;
}

/** The graph's shape as a Hugging Face ResNet config.json (ResNetConfig) gives it. */
export function resnetShapeOf(checkpoint: HfCheckpoint): ResnetShape {
  const { config } = checkpoint;
  const layerType = config.layer_type ?? 'bottleneck';
  if (layerType !== 'bottleneck' && layerType !== 'basic') throw invalid(checkpoint, 'layer_type', layerType, 'neither "bottleneck" nor "basic"');
  const activation = config.hidden_act ?? 'relu';
  if (activation !== 'relu') throw invalid(checkpoint, 'hidden_act', activation, 'not "relu", the only activation inferbench builds ResNets with');
  const stageWidths = sizes(checkpoint, 'hidden_sizes');
  const depths = sizes(checkpoint, 'depths');
  if (depths.length !== stageWidths.length) throw invalid(checkpoint, 'depths', depths, `not one block count for each of the ${stageWidths.length} hidden_sizes`);
  const id2label = config.id2label;
  const labels = typeof id2label === 'object' && id2label !== null ? Object.keys(id2label).length : undefined;
  return {
    layerType,
    inputChannels: size(checkpoint, 'num_channels', 3),
    stemWidth: size(checkpoint, 'embedding_size', 64),
    stageWidths,
    depths,
    downsampleInFirstStage: flag(checkpoint, 'downsample_in_first_stage'),
    downsampleInBottleneck: flag(checkpoint, 'downsample_in_bottleneck'),
    // Hugging Face's default when config.json names no labels.
    numClasses: size(checkpoint, 'num_labels', labels ?? 2),
    batchNormEpsilon: BATCH_NORM_EPSILON,
    foldBatchNorm: false,
  };
}

/** Each conv and its module in a ResNetForImageClassification checkpoint (`…layers.0.layer.1` holds `convolution` and `normalization`). */
export function resnetCheckpointModules(shape: ResnetShape, prefix: string): [ConvSpec, string][] {
  const layout = resnetLayout(shape);
  const modules: [ConvSpec, string][] = [[layout.stem, `${prefix}embedder.embedder`]];
  for (const block of layout.blocks) {
    const layer = `${prefix}encoder.stages.${block.stage}.layers.${block.index}`;
    if (block.shortcut) modules.push([block.shortcut, `${layer}.shortcut`]);
    block.branch.forEach((spec, k) => modules.push([spec, `${layer}.layer.${k}`]));
  }
  return modules;
}

/** The square side, in pixels, the model was trained on: config.json's image_size, else preprocessor_config.json's crop or resize. */
async function trainedImageSide(checkpoint: HfCheckpoint): Promise<number | undefined> {
  const side = (value: unknown): number | undefined => {
    if (Number.isSafeInteger(value) && (value as number) > 0) return value as number;
    if (typeof value !== 'object' || value === null) return undefined;
    const { height, width, shortest_edge: shortestEdge } = value as Record<string, unknown>;
    return height !== undefined && height === width ? side(height) : side(shortestEdge);
  };
  const fromConfig = side(checkpoint.config.image_size);
  if (fromConfig !== undefined) return fromConfig;
  const text = await readFile(join(checkpoint.dir, 'preprocessor_config.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const preprocessor = JSON.parse(text) as Record<string, unknown>;
    return side(preprocessor.crop_size) ?? side(preprocessor.size);
  } catch {
    return undefined; // only a hint for the input's size: the graph takes any
  }
}

/** A ResNet checkpoint's graph, and the image side it was trained on when the folder says. */
export interface ResnetFromCheckpoint {
  readonly shape: ResnetShape;
  readonly steps: Steps<Uint8Array>;
  /** Square image side, in pixels, from config.json's image_size or preprocessor_config.json (224 for microsoft/resnet-50). */
  readonly imageSize?: number;
}

/**
 * Reads a ResNetForImageClassification checkpoint's weights (every conv's weight and its BatchNorm's scale, bias and
 * running statistics, and the classifier) and returns the steps that build its graph from them. Every tensor's shape
 * is checked against config.json before any is used.
 */
export async function resnetFromCheckpoint(checkpoint: HfCheckpoint, signal?: AbortSignal): Promise<ResnetFromCheckpoint> {
  const shape = resnetShapeOf(checkpoint);
  // ResNetModel checkpoints (no head) name the modules without the `resnet.` prefix.
  const prefix = checkpoint.files.has('embedder.embedder.convolution.weight') ? '' : 'resnet.';
  // By graph name (`layer1.0.conv2`), which the graph asks for as it lays the same shape out again.
  const convs = new Map<string, ConvBnWeights>();
  for (const [spec, module] of resnetCheckpointModules(shape, prefix)) {
    signal?.throwIfAborted();
    const norm = (field: string) => checkpointTensor(checkpoint, `${module}.normalization.${field}`, [spec.outChannels]);
    convs.set(spec.conv, {
      weight: await checkpointTensor(checkpoint, `${module}.convolution.weight`, [spec.outChannels, spec.inChannels, spec.kernel, spec.kernel]),
      scale: await norm('weight'),
      bias: await norm('bias'),
      mean: await norm('running_mean'),
      variance: await norm('running_var'),
    });
  }
  const features = shape.stageWidths.at(-1)!;
  const head = {
    weight: await checkpointTensor(checkpoint, 'classifier.1.weight', [shape.numClasses, features]),
    bias: await checkpointTensor(checkpoint, 'classifier.1.bias', [shape.numClasses]),
  };
  signal?.throwIfAborted();
  // Already read, so nothing to do in steps.
  const weights: ResnetWeights = {
    *convBn(spec) {
      return convs.get(spec.conv)!;
    },
    *classifier() {
      return head;
    },
  };
  const imageSize = await trainedImageSide(checkpoint);
  return { shape, steps: resnetGraphSteps('resnet', shape, weights), ...(imageSize !== undefined && { imageSize }) };
}

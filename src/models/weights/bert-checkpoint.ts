import { normalSteps, seededRandom } from '../../core/random.js';
import { InferbenchError } from '../../core/errors.js';
import type { Steps } from '../../core/steps.js';
import { bertGraphSteps, type BertShape, type BertWeights } from '../bert-graph.js';
import { checkpointTensor, type HfCheckpoint } from './hf-checkpoint.js';

/** A config.json field that must be a positive integer. */
function size(checkpoint: HfCheckpoint, key: string, fallback?: number): number {
  const value = checkpoint.config[key] ?? fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new InferbenchError('MODEL_INVALID', `${checkpoint.dir}/config.json has ${key} ${JSON.stringify(value)}, not a positive integer; download it again`);
  }
  return value as number;
}

/** The graph's shape as a BERT config.json gives it. */
export function bertShapeOf(checkpoint: HfCheckpoint): BertShape {
  const hiddenSize = size(checkpoint, 'hidden_size');
  const heads = size(checkpoint, 'num_attention_heads');
  if (hiddenSize % heads !== 0) throw new InferbenchError('MODEL_INVALID', `${checkpoint.dir}/config.json has hidden_size ${hiddenSize}, not a multiple of num_attention_heads ${heads}`);
  const id2label = checkpoint.config.id2label;
  const labels = typeof id2label === 'object' && id2label !== null ? Object.keys(id2label).length : undefined;
  const epsilon = checkpoint.config.layer_norm_eps ?? 1e-12;
  if (typeof epsilon !== 'number' || !(epsilon > 0)) throw new InferbenchError('MODEL_INVALID', `${checkpoint.dir}/config.json has layer_norm_eps ${JSON.stringify(epsilon)}, not a positive number`);
  return {
    layers: size(checkpoint, 'num_hidden_layers'),
    hiddenSize,
    heads,
    intermediateSize: size(checkpoint, 'intermediate_size'),
    vocabSize: size(checkpoint, 'vocab_size'),
    maxPositions: size(checkpoint, 'max_position_embeddings'),
    typeVocabSize: size(checkpoint, 'type_vocab_size', 2),
    // Hugging Face's default when config.json names no labels.
    numLabels: size(checkpoint, 'num_labels', labels ?? 2),
    withTokenTypeIds: true,
    layerNormEpsilon: epsilon,
  };
}

/** Where each graph weight lies in a BertForSequenceClassification checkpoint, and its shape there ([out, in] for dense layers). */
function bertTensorNames(shape: BertShape, prefix: string): [graphName: string, tensor: string, dims: number[], transposed: boolean][] {
  const H = shape.hiddenSize;
  const I = shape.intermediateSize;
  const names: [string, string, number[], boolean][] = [
    ['position_embeddings', `${prefix}embeddings.position_embeddings.weight`, [shape.maxPositions, H], false],
    ['word_embeddings', `${prefix}embeddings.word_embeddings.weight`, [shape.vocabSize, H], false],
    ['token_type_embeddings', `${prefix}embeddings.token_type_embeddings.weight`, [shape.typeVocabSize, H], false],
  ];
  const norm = (graphName: string, tensor: string): void => {
    names.push([`${graphName}.gamma`, `${tensor}.weight`, [H], false], [`${graphName}.beta`, `${tensor}.bias`, [H], false]);
  };
  const dense = (graphName: string, tensor: string, outSize: number, inSize: number): void => {
    names.push([`${graphName}.weight`, `${tensor}.weight`, [outSize, inSize], true], [`${graphName}.bias`, `${tensor}.bias`, [outSize], false]);
  };
  norm('embeddings.layer_norm', `${prefix}embeddings.LayerNorm`);
  for (let l = 0; l < shape.layers; l++) {
    const layer = `${prefix}encoder.layer.${l}.`;
    for (const part of ['query', 'key', 'value']) dense(`layer${l}.${part}`, `${layer}attention.self.${part}`, H, H);
    dense(`layer${l}.attention_output`, `${layer}attention.output.dense`, H, H);
    norm(`layer${l}.attention_layer_norm`, `${layer}attention.output.LayerNorm`);
    dense(`layer${l}.intermediate`, `${layer}intermediate.dense`, I, H);
    dense(`layer${l}.output`, `${layer}output.dense`, H, I);
    norm(`layer${l}.output_layer_norm`, `${layer}output.LayerNorm`);
  }
  dense('pooler', `${prefix}pooler.dense`, H, H);
  dense('classifier', 'classifier', shape.numLabels, H);
  return names;
}

/** `[rows, columns]` values laid out `[columns, rows]`. */
function transpose(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c]!;
  return out;
}

/** Whether the checkpoint holds a classifier head, or only the encoder (a pretrained model). */
export function hasClassifier(checkpoint: HfCheckpoint): boolean {
  return checkpoint.files.has('classifier.weight');
}

/** A BERT checkpoint's graph, and whether its classifier head had to be made up. */
export interface BertFromCheckpoint {
  readonly shape: BertShape;
  /** True when the checkpoint holds no classifier (a pretrained encoder): Hugging Face initialises one at random too. */
  readonly randomHead: boolean;
  readonly steps: Steps<Uint8Array>;
}

/**
 * Reads a BertForSequenceClassification checkpoint's weights (names with or without the `bert.` prefix, LayerNorm as
 * weight/bias or gamma/beta) and returns the steps that build its graph from them. A checkpoint without a classifier
 * gets one drawn as Hugging Face initialises it (normal(0, 0.02), bias 0), from a fixed seed.
 */
export async function bertFromCheckpoint(checkpoint: HfCheckpoint, signal?: AbortSignal): Promise<BertFromCheckpoint> {
  const shape = bertShapeOf(checkpoint);
  const prefix = checkpoint.files.has('bert.embeddings.word_embeddings.weight') ? 'bert.' : '';
  const randomHead = !hasClassifier(checkpoint);
  const values = new Map<string, Float32Array>();
  for (const [graphName, tensor, dims, transposed] of bertTensorNames(shape, prefix)) {
    signal?.throwIfAborted();
    if (randomHead && tensor.startsWith('classifier.')) continue;
    // Older checkpoints name LayerNorm's parameters gamma and beta.
    const stored = checkpoint.files.has(tensor) ? tensor : tensor.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta');
    const read = await checkpointTensor(checkpoint, checkpoint.files.has(stored) ? stored : tensor, dims);
    values.set(graphName, transposed ? transpose(read, dims[0]!, dims[1]!) : read);
  }
  const random = seededRandom(0);
  const weights: BertWeights = {
    *matrix(name, rows, columns) {
      return values.get(name) ?? (yield* normalSteps(random, rows * columns, 0.02));
    },
    vector: (name, size, neutral) => values.get(name) ?? new Float32Array(size).fill(neutral),
  };
  return { shape, randomHead, steps: bertGraphSteps('bert', shape, weights) };
}

import { normalSteps, seededRandom } from '../../core/random.js';
import { InferbenchError } from '../../core/errors.js';
import type { Steps } from '../../core/steps.js';
import { bertGraphSteps, type BertFamily, type BertShape, type BertWeights } from '../bert-graph.js';
import { checkpointTensor, type HfCheckpoint } from './hf-checkpoint.js';

/** The BERT family member each `model_type` is. */
export const BERT_FAMILY_TYPES: Readonly<Record<string, BertFamily>> = { bert: 'bert', roberta: 'roberta', 'xlm-roberta': 'roberta', distilbert: 'distilbert' };

/** A config.json field that must be a positive integer. */
function size(checkpoint: HfCheckpoint, key: string, fallback?: number): number {
  const value = checkpoint.config[key] ?? fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new InferbenchError('MODEL_INVALID', `${checkpoint.dir}/config.json has ${key} ${JSON.stringify(value)}, not a positive integer; download it again`);
  }
  return value as number;
}

function familyOf(checkpoint: HfCheckpoint): BertFamily {
  const family = BERT_FAMILY_TYPES[String(checkpoint.config['model_type'])];
  if (family === undefined) throw new InferbenchError('MODEL_INVALID', `${checkpoint.dir}/config.json has model_type ${JSON.stringify(checkpoint.config['model_type'])}, not one of ${Object.keys(BERT_FAMILY_TYPES).join(', ')}`);
  return family;
}

/** The graph's shape as the config.json of a BERT family member gives it (DistilBERT names its sizes its own way). */
export function bertShapeOf(checkpoint: HfCheckpoint): BertShape {
  const family = familyOf(checkpoint);
  const distil = family === 'distilbert';
  const hiddenSize = size(checkpoint, distil ? 'dim' : 'hidden_size');
  const heads = size(checkpoint, distil ? 'n_heads' : 'num_attention_heads');
  if (hiddenSize % heads !== 0) throw new InferbenchError('MODEL_INVALID', `${checkpoint.dir}/config.json has a width of ${hiddenSize}, not a multiple of its ${heads} attention heads`);
  const id2label = checkpoint.config.id2label;
  const labels = typeof id2label === 'object' && id2label !== null ? Object.keys(id2label).length : undefined;
  // DistilBERT's LayerNorm epsilon is fixed in its code, not in its config.
  const epsilon = distil ? 1e-12 : (checkpoint.config.layer_norm_eps ?? 1e-12);
  if (typeof epsilon !== 'number' || !(epsilon > 0)) throw new InferbenchError('MODEL_INVALID', `${checkpoint.dir}/config.json has layer_norm_eps ${JSON.stringify(epsilon)}, not a positive number`);
  return {
    family,
    layers: size(checkpoint, distil ? 'n_layers' : 'num_hidden_layers'),
    hiddenSize,
    heads,
    intermediateSize: size(checkpoint, distil ? 'hidden_dim' : 'intermediate_size'),
    vocabSize: size(checkpoint, 'vocab_size'),
    maxPositions: size(checkpoint, 'max_position_embeddings'),
    typeVocabSize: distil ? 1 : size(checkpoint, 'type_vocab_size', family === 'roberta' ? 1 : 2),
    // Hugging Face's default when config.json names no labels.
    numLabels: size(checkpoint, 'num_labels', labels ?? 2),
    // RoBERTa's exports take no segment ids; their one segment row is still added.
    withTokenTypeIds: family === 'bert',
    layerNormEpsilon: epsilon,
    ...(family === 'roberta' ? { paddingId: Number.isSafeInteger(checkpoint.config.pad_token_id) ? (checkpoint.config.pad_token_id as number) : 1 } : {}),
  };
}

/** Each family's tensor names: its prefix, and its layers' and head's parts by their place in the graph. */
const NAMES = {
  bert: {
    prefix: 'bert.',
    layers: 'encoder.layer',
    parts: { query: 'attention.self.query', key: 'attention.self.key', value: 'attention.self.value', attention_output: 'attention.output.dense', attention_layer_norm: 'attention.output.LayerNorm', intermediate: 'intermediate.dense', output: 'output.dense', output_layer_norm: 'output.LayerNorm' },
    pooler: 'bert.pooler.dense',
    classifier: 'classifier',
  },
  roberta: {
    prefix: 'roberta.',
    layers: 'encoder.layer',
    parts: { query: 'attention.self.query', key: 'attention.self.key', value: 'attention.self.value', attention_output: 'attention.output.dense', attention_layer_norm: 'attention.output.LayerNorm', intermediate: 'intermediate.dense', output: 'output.dense', output_layer_norm: 'output.LayerNorm' },
    pooler: 'classifier.dense',
    classifier: 'classifier.out_proj',
  },
  distilbert: {
    prefix: 'distilbert.',
    layers: 'transformer.layer',
    parts: { query: 'attention.q_lin', key: 'attention.k_lin', value: 'attention.v_lin', attention_output: 'attention.out_lin', attention_layer_norm: 'sa_layer_norm', intermediate: 'ffn.lin1', output: 'ffn.lin2', output_layer_norm: 'output_layer_norm' },
    pooler: 'pre_classifier',
    classifier: 'classifier',
  },
} as const;

/**
 * Where each graph weight lies in a checkpoint, its shape there ([out, in] for dense layers), and whether it is the
 * head's. `hasPrefix`: the names start with the family's prefix (`bert.`), as a ForSequenceClassification model saves them.
 */
export function bertTensorNames(shape: BertShape, hasPrefix: boolean): [graphName: string, tensor: string, dims: number[], transposed: boolean, head: boolean][] {
  const family = NAMES[shape.family ?? 'bert'];
  const prefix = hasPrefix ? family.prefix : '';
  const H = shape.hiddenSize;
  const I = shape.intermediateSize;
  const names: [string, string, number[], boolean, boolean][] = [
    ['position_embeddings', `${prefix}embeddings.position_embeddings.weight`, [shape.maxPositions, H], false, false],
    ['word_embeddings', `${prefix}embeddings.word_embeddings.weight`, [shape.vocabSize, H], false, false],
  ];
  if (shape.family !== 'distilbert') names.push(['token_type_embeddings', `${prefix}embeddings.token_type_embeddings.weight`, [shape.typeVocabSize, H], false, false]);
  const norm = (graphName: string, tensor: string): void => {
    names.push([`${graphName}.gamma`, `${tensor}.weight`, [H], false, false], [`${graphName}.beta`, `${tensor}.bias`, [H], false, false]);
  };
  const dense = (graphName: string, tensor: string, outSize: number, inSize: number, head = false): void => {
    names.push([`${graphName}.weight`, `${tensor}.weight`, [outSize, inSize], true, head], [`${graphName}.bias`, `${tensor}.bias`, [outSize], false, head]);
  };
  norm('embeddings.layer_norm', `${prefix}embeddings.LayerNorm`);
  for (let l = 0; l < shape.layers; l++) {
    const layer = (part: keyof typeof family.parts): string => `${prefix}${family.layers}.${l}.${family.parts[part]}`;
    for (const part of ['query', 'key', 'value', 'attention_output'] as const) dense(`layer${l}.${part}`, layer(part), H, H);
    norm(`layer${l}.attention_layer_norm`, layer('attention_layer_norm'));
    dense(`layer${l}.intermediate`, layer('intermediate'), I, H);
    dense(`layer${l}.output`, layer('output'), H, I);
    norm(`layer${l}.output_layer_norm`, layer('output_layer_norm'));
  }
  // BERT's pooler belongs to the pretrained encoder; RoBERTa's and DistilBERT's first dense layer to the head.
  const pooler = shape.family === 'bert' || shape.family === undefined ? family.pooler.replace(/^bert\./, prefix) : family.pooler;
  dense('pooler', pooler, H, H, shape.family === 'roberta' || shape.family === 'distilbert');
  dense('classifier', family.classifier, shape.numLabels, H, true);
  return names;
}

/** `[rows, columns]` values laid out `[columns, rows]`. */
function transpose(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c]!;
  return out;
}

/** Whether the checkpoint holds its classifier head, or only the encoder (a pretrained model). */
export function hasClassifier(checkpoint: HfCheckpoint): boolean {
  return checkpoint.files.has(`${NAMES[familyOf(checkpoint)].classifier}.weight`);
}

/** A BERT checkpoint's graph, and whether its classifier head had to be made up. */
export interface BertFromCheckpoint {
  readonly shape: BertShape;
  /** True when the checkpoint holds no classifier (a pretrained encoder): Hugging Face initialises one at random too. */
  readonly randomHead: boolean;
  readonly steps: Steps<Uint8Array>;
}

/**
 * Reads the weights of a BERT, RoBERTa, XLM-RoBERTa or DistilBERT sequence classifier (names with or without the
 * model's prefix, LayerNorm as weight/bias or gamma/beta) and returns the steps that build its graph from them. A
 * checkpoint without its classifier head gets one drawn as Hugging Face initialises it (normal(0, 0.02), bias 0), from
 * a fixed seed.
 */
export async function bertFromCheckpoint(checkpoint: HfCheckpoint, signal?: AbortSignal): Promise<BertFromCheckpoint> {
  const shape = bertShapeOf(checkpoint);
  const hasPrefix = checkpoint.files.has(`${NAMES[shape.family ?? 'bert'].prefix}embeddings.word_embeddings.weight`);
  const randomHead = !hasClassifier(checkpoint);
  const values = new Map<string, Float32Array>();
  for (const [graphName, tensor, dims, transposed, head] of bertTensorNames(shape, hasPrefix)) {
    signal?.throwIfAborted();
    if (randomHead && head) continue;
    // Older checkpoints name LayerNorm's parameters gamma and beta; a tensor in neither is refused by its current name.
    const legacy = tensor.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta');
    const read = await checkpointTensor(checkpoint, !checkpoint.files.has(tensor) && checkpoint.files.has(legacy) ? legacy : tensor, dims);
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

import type { Steps } from '../core/steps.js';
import { attr, GraphBuilder } from '../onnx/graph-builder.js';
import { DataType } from '../onnx/onnx-proto.js';

/** The shape of a BERT sequence classifier's graph. */
export interface BertShape {
  readonly layers: number;
  readonly hiddenSize: number;
  readonly heads: number;
  readonly intermediateSize: number;
  readonly vocabSize: number;
  readonly maxPositions: number;
  readonly typeVocabSize: number;
  readonly numLabels: number;
  /** Whether the graph takes a `token_type_ids` input; without it every token is segment 0. */
  readonly withTokenTypeIds: boolean;
  readonly layerNormEpsilon: number;
  /** The BERT family member whose embeddings and head the graph has; default `bert`. */
  readonly family?: BertFamily;
  /** RoBERTa's padding token id: positions count from it, over the tokens that are not padding. */
  readonly paddingId?: number;
}

/**
 * `bert`: positions 0..seq-1, segment embeddings, a tanh pooler; `roberta` (and XLM-RoBERTa): positions counted past
 * the padding id over the real tokens, as Hugging Face's create_position_ids_from_input_ids does; `distilbert`: no
 * segment embeddings, and a ReLU where BERT's pooler has tanh.
 */
export type BertFamily = 'bert' | 'roberta' | 'distilbert';

/**
 * Where a BERT graph's weights come from, named by their place in the graph (`word_embeddings`,
 * `layer0.query.weight`, `embeddings.layer_norm.gamma`, …), asked for in the order the graph uses them.
 */
export interface BertWeights {
  /** An embedding table `[rows, columns]`, or a dense layer's weight stored `[in, out]` so that x·W needs no transpose. */
  matrix(name: string, rows: number, columns: number): Steps<Float32Array>;
  /** A bias or LayerNorm parameter of `size` values; `neutral` is the value that leaves its input as it is (0 or 1). */
  vector(name: string, size: number, neutral: number): Float32Array;
}

/** Added to the attention scores of padding keys so softmax gives them ~0 weight (as in the original BERT). */
const MASKED_SCORE = -10000;

/**
 * A BERT sequence classifier (BertForSequenceClassification, or a {@link BertFamily} member's) as ONNX model bytes
 * (IR 8, opset 17): embeddings, post-LayerNorm encoder layers with exact GELU, the first token's pooler and a linear
 * classifier. Inputs are int64
 * `input_ids`, `attention_mask` and, when `withTokenTypeIds`, `token_type_ids`, all `['batch_size', 'sequence_length']`;
 * the output is float32 `logits` `['batch_size', numLabels]`.
 */
export function* bertGraphSteps(name: string, shape: BertShape, weights: BertWeights): Steps<Uint8Array> {
  const H = shape.hiddenSize;
  const headSize = H / shape.heads;
  const g = new GraphBuilder(name);

  const matrix = function* (hint: string, rows: number, columns: number): Steps<string> {
    return g.initializer(hint, 'float32', [rows, columns], yield* weights.matrix(hint, rows, columns));
  };
  const vector = (hint: string, size: number, neutral: number) => g.initializer(hint, 'float32', [size], weights.vector(hint, size, neutral));
  const scalar = (hint: string, value: number) => g.initializer(hint, 'float32', [], [value]);
  const int64s = (hint: string, values: number[]) => g.initializer(hint, 'int64', [values.length], values);

  const dense = function* (x: string, inSize: number, outSize: number, hint: string, outputName?: string): Steps<string> {
    const product = g.node('MatMul', [x, yield* matrix(`${hint}.weight`, inSize, outSize)]);
    return g.node('Add', [product, vector(`${hint}.bias`, outSize, 0)], {}, outputName);
  };
  const layerNorm = (x: string, hint: string) =>
    g.node('LayerNormalization', [x, vector(`${hint}.gamma`, H, 1), vector(`${hint}.beta`, H, 0)], {
      axis: attr.int(-1),
      epsilon: attr.float(shape.layerNormEpsilon),
    });

  const dims = ['batch_size', 'sequence_length'];
  const inputIds = g.input('input_ids', 'int64', dims);
  const attentionMask = g.input('attention_mask', 'int64', dims);
  const tokenTypeIds = shape.withTokenTypeIds ? g.input('token_type_ids', 'int64', dims) : undefined;

  const family = shape.family ?? 'bert';
  let positions: string;
  if (family === 'roberta') {
    const positionTable = yield* matrix('position_embeddings', shape.maxPositions, H);
    const padding = g.initializer('padding_id', 'int64', [], [shape.paddingId ?? 1]);
    const real = g.node('Cast', [g.node('Not', [g.node('Equal', [inputIds, padding])])], { to: attr.int(DataType.INT64) });
    const counted = g.node('Mul', [g.node('CumSum', [real, g.initializer('sequence_axis', 'int64', [], [1])]), real]);
    positions = g.node('Gather', [positionTable, g.node('Add', [counted, padding])]);
  } else {
    // Positions 0..seq-1 are the first seq rows of the table, sliced at run time.
    const seqLength = g.node('Shape', [inputIds], { start: attr.int(1), end: attr.int(2) });
    const positionTable = yield* matrix('position_embeddings', shape.maxPositions, H);
    positions = g.node('Slice', [positionTable, int64s('zero', [0]), seqLength, int64s('axis0', [0])]);
  }
  const words = g.node('Gather', [yield* matrix('word_embeddings', shape.vocabSize, H), inputIds]);
  let embeddings: string;
  if (family === 'distilbert') {
    embeddings = g.node('Add', [words, positions]);
  } else {
    // Without the input every token is segment 0, as in Hugging Face's BertModel, so row 0 is still added.
    const typeEmbeddings = yield* matrix('token_type_embeddings', shape.typeVocabSize, H);
    const tokenTypes = tokenTypeIds === undefined
      ? g.node('Gather', [typeEmbeddings, int64s('segment0', [0])])
      : g.node('Gather', [typeEmbeddings, tokenTypeIds]);
    embeddings = g.node('Add', [g.node('Add', [words, positions]), tokenTypes]);
  }
  let hidden = layerNorm(embeddings, 'embeddings.layer_norm');

  const one = scalar('one', 1);
  const half = scalar('half', 0.5);
  const sqrt2 = scalar('sqrt2', Math.SQRT2);
  const scale = scalar('sqrt_head_size', Math.sqrt(headSize));
  // Reshape's 0 copies batch and sequence sizes from the input, so the graph stays symbolic in both.
  const toHeads = int64s('heads_shape', [0, 0, shape.heads, headSize]);
  const fromHeads = int64s('hidden_shape', [0, 0, H]);

  // [batch, seq] mask → [batch, 1, 1, seq] additive bias, broadcast over heads and query positions.
  const maskFloat = g.node('Cast', [attentionMask], { to: attr.int(DataType.FLOAT) });
  const mask4d = g.node('Unsqueeze', [maskFloat, int64s('axes12', [1, 2])]);
  const maskBias = g.node('Mul', [g.node('Sub', [one, mask4d]), scalar('masked_score', MASKED_SCORE)]);

  for (let l = 0; l < shape.layers; l++) {
    const p = `layer${l}`;
    const heads = function* (hint: string, perm: number[]): Steps<string> {
      const split = g.node('Reshape', [yield* dense(hidden, H, H, `${p}.${hint}`), toHeads]);
      return g.node('Transpose', [split], { perm: attr.ints(perm) });
    };
    const query = yield* heads('query', [0, 2, 1, 3]); // [batch, heads, seq, headSize]
    const keyT = yield* heads('key', [0, 2, 3, 1]); // [batch, heads, headSize, seq]
    const value = yield* heads('value', [0, 2, 1, 3]);
    const scores = g.node('Add', [g.node('Div', [g.node('MatMul', [query, keyT]), scale]), maskBias]);
    const probs = g.node('Softmax', [scores], { axis: attr.int(-1) });
    const context = g.node('Transpose', [g.node('MatMul', [probs, value])], { perm: attr.ints([0, 2, 1, 3]) });
    const attended = yield* dense(g.node('Reshape', [context, fromHeads]), H, H, `${p}.attention_output`);
    hidden = layerNorm(g.node('Add', [attended, hidden]), `${p}.attention_layer_norm`);

    const x = yield* dense(hidden, H, shape.intermediateSize, `${p}.intermediate`);
    const erfPlusOne = g.node('Add', [one, g.node('Erf', [g.node('Div', [x, sqrt2])])]);
    const gelu = g.node('Mul', [g.node('Mul', [x, half]), erfPlusOne]);
    const output = yield* dense(gelu, shape.intermediateSize, H, `${p}.output`);
    hidden = layerNorm(g.node('Add', [output, hidden]), `${p}.output_layer_norm`);
  }

  // A scalar index drops the sequence axis: [batch, seq, H] → [batch, H] of [CLS] vectors.
  const cls = g.node('Gather', [hidden, g.initializer('cls_index', 'int64', [], [0])], { axis: attr.int(1) });
  const pooled = g.node(family === 'distilbert' ? 'Relu' : 'Tanh', [yield* dense(cls, H, H, 'pooler')]);
  const logits = yield* dense(pooled, H, shape.numLabels, 'classifier', 'logits');
  g.output(logits, 'float32', ['batch_size', shape.numLabels]);
  return yield* g.modelSteps();
}

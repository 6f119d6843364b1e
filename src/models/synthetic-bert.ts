import { normalSteps, seededRandom } from '../core/random.js';
import { InferbenchError } from '../core/errors.js';
import { finishSteps, type Steps } from '../core/steps.js';
import { attr, GraphBuilder } from '../onnx/graph-builder.js';
import { DataType } from '../onnx/onnx-proto.js';

/** Shape of a synthetic BERT text classifier (BertForSequenceClassification). */
export interface SyntheticBertConfig {
  /** Number of transformer encoder layers. */
  layers: number;
  /** Width of every token vector (embedding and hidden size); a multiple of `heads`. */
  hiddenSize: number;
  /** Attention heads per layer; each head attends over `hiddenSize / heads` dimensions. */
  heads: number;
  /** Width of the feed-forward layer inside each encoder layer. */
  intermediateSize: number;
  /** Token ids the word embedding covers; 30522 is bert-base-uncased's vocabulary. */
  vocabSize: number;
  /** Longest sequence, in tokens, the position embedding covers. */
  maxPositions: number;
  /** Segment ids the token-type embedding covers. */
  typeVocabSize: number;
  /** Classes the classifier scores, i.e. the last dimension of `logits`. */
  numLabels: number;
  /** Seed of the random weights, an unsigned 32-bit integer; same seed, same model bytes. */
  seed: number;
  /** Whether the model takes a `token_type_ids` input (segment ids) besides `input_ids` and `attention_mask`. */
  withTokenTypeIds: boolean;
}

/**
 * Defaults: BERT-mini's widths (256 wide, 4 heads, 1024 feed-forward) with 3 layers, over
 * bert-base-uncased's vocabulary. Tuned so batch 4 × sequence 128 on two CPU cores lands mid-way in
 * 50–150 requests/s (measured on a 2-vCPU Xeon: ~19 ms a run on one thread, ~10 ms on two), where
 * inference, not harness overhead, dominates; 2 layers at width 128 ran in ~4 ms, too fast for that.
 */
export const DEFAULT_SYNTHETIC_BERT: Readonly<Required<SyntheticBertConfig>> = Object.freeze({
  layers: 3,
  hiddenSize: 256,
  heads: 4,
  intermediateSize: 1024,
  vocabSize: 30522,
  maxPositions: 512,
  typeVocabSize: 2,
  numLabels: 2,
  seed: 42,
  withTokenTypeIds: true,
});

/** BERT's initializer_range: weights are drawn from normal(0, 0.02). */
const WEIGHT_STD = 0.02;
const LAYER_NORM_EPSILON = 1e-12;
/** Added to the attention scores of padding keys so softmax gives them ~0 weight (as in the original BERT). */
const MASKED_SCORE = -10000;

/**
 * Builds a synthetic BERT sequence classifier as ONNX model bytes (IR 8, opset 17): the real
 * BERT architecture (embeddings, post-LayerNorm encoder layers with exact GELU, [CLS] pooler, linear
 * classifier) with random weights, so benchmarks need no download. Inputs are int64 `input_ids`,
 * `attention_mask` and, unless disabled, `token_type_ids`, all `['batch_size', 'sequence_length']`;
 * the output is float32 `logits` `['batch_size', numLabels]`. Sequence length may be 1..maxPositions.
 *
 * @throws InferbenchError `INVALID_OPTION` when a config value is not usable.
 */
export function buildSyntheticBert(config: Partial<SyntheticBertConfig> = {}): Uint8Array {
  return finishSteps(syntheticBertSteps(config));
}

/** {@link buildSyntheticBert} in steps (see {@link Steps}), so that generating bert-base's 110 M weights can be stopped. */
export function* syntheticBertSteps(config: Partial<SyntheticBertConfig> = {}): Steps<Uint8Array> {
  const c = resolveConfig(config);
  const headSize = c.hiddenSize / c.heads;
  const H = c.hiddenSize;
  const g = new GraphBuilder('synthetic_bert');
  const random = seededRandom(c.seed);

  const weight = function* (hint: string, dims: number[]): Steps<string> {
    return g.initializer(hint, 'float32', dims, yield* normalSteps(random, dims.reduce((a, b) => a * b, 1), WEIGHT_STD));
  };
  const filled = (hint: string, size: number, value: number) =>
    g.initializer(hint, 'float32', [size], new Float32Array(size).fill(value));
  const scalar = (hint: string, value: number) => g.initializer(hint, 'float32', [], [value]);
  const int64s = (hint: string, values: number[]) => g.initializer(hint, 'int64', [values.length], values);

  // Weights are stored [in, out] so x·W needs no transpose (Hugging Face stores [out, in]).
  const dense = function* (x: string, inSize: number, outSize: number, hint: string, outputName?: string): Steps<string> {
    const product = g.node('MatMul', [x, yield* weight(`${hint}.weight`, [inSize, outSize])]);
    return g.node('Add', [product, filled(`${hint}.bias`, outSize, 0)], {}, outputName);
  };
  const layerNorm = (x: string, hint: string) =>
    g.node('LayerNormalization', [x, filled(`${hint}.gamma`, H, 1), filled(`${hint}.beta`, H, 0)], {
      axis: attr.int(-1),
      epsilon: attr.float(LAYER_NORM_EPSILON),
    });

  const dims = ['batch_size', 'sequence_length'];
  const inputIds = g.input('input_ids', 'int64', dims);
  const attentionMask = g.input('attention_mask', 'int64', dims);
  const tokenTypeIds = c.withTokenTypeIds ? g.input('token_type_ids', 'int64', dims) : undefined;

  // Embeddings. Positions 0..seq-1 are the first seq rows of the table, sliced at run time.
  const seqLength = g.node('Shape', [inputIds], { start: attr.int(1), end: attr.int(2) });
  const positionTable = yield* weight('position_embeddings', [c.maxPositions, H]);
  const positions = g.node('Slice', [positionTable, int64s('zero', [0]), seqLength, int64s('axis0', [0])]);
  const words = g.node('Gather', [yield* weight('word_embeddings', [c.vocabSize, H]), inputIds]);
  // Without the input every token is segment 0, as in Hugging Face's BertModel, so row 0 is still added.
  const typeEmbeddings = yield* weight('token_type_embeddings', [c.typeVocabSize, H]);
  const tokenTypes = tokenTypeIds === undefined
    ? g.node('Gather', [typeEmbeddings, int64s('segment0', [0])])
    : g.node('Gather', [typeEmbeddings, tokenTypeIds]);
  const embeddings = g.node('Add', [g.node('Add', [words, positions]), tokenTypes]);
  let hidden = layerNorm(embeddings, 'embeddings.layer_norm');

  const one = scalar('one', 1);
  const half = scalar('half', 0.5);
  const sqrt2 = scalar('sqrt2', Math.SQRT2);
  const scale = scalar('sqrt_head_size', Math.sqrt(headSize));
  // Reshape's 0 copies batch and sequence sizes from the input, so the graph stays symbolic in both.
  const toHeads = int64s('heads_shape', [0, 0, c.heads, headSize]);
  const fromHeads = int64s('hidden_shape', [0, 0, H]);

  // [batch, seq] mask → [batch, 1, 1, seq] additive bias, broadcast over heads and query positions.
  const maskFloat = g.node('Cast', [attentionMask], { to: attr.int(DataType.FLOAT) });
  const mask4d = g.node('Unsqueeze', [maskFloat, int64s('axes12', [1, 2])]);
  const maskBias = g.node('Mul', [g.node('Sub', [one, mask4d]), scalar('masked_score', MASKED_SCORE)]);

  for (let l = 0; l < c.layers; l++) {
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

    const x = yield* dense(hidden, H, c.intermediateSize, `${p}.intermediate`);
    const erfPlusOne = g.node('Add', [one, g.node('Erf', [g.node('Div', [x, sqrt2])])]);
    const gelu = g.node('Mul', [g.node('Mul', [x, half]), erfPlusOne]);
    const output = yield* dense(gelu, c.intermediateSize, H, `${p}.output`);
    hidden = layerNorm(g.node('Add', [output, hidden]), `${p}.output_layer_norm`);
  }

  // A scalar index drops the sequence axis: [batch, seq, H] → [batch, H] of [CLS] vectors.
  const cls = g.node('Gather', [hidden, g.initializer('cls_index', 'int64', [], [0])], { axis: attr.int(1) });
  const pooled = g.node('Tanh', [yield* dense(cls, H, H, 'pooler')]);
  const logits = yield* dense(pooled, H, c.numLabels, 'classifier', 'logits');
  g.output(logits, 'float32', ['batch_size', c.numLabels]);
  return yield* g.modelSteps();
}

function resolveConfig(config: Partial<SyntheticBertConfig>): Required<SyntheticBertConfig> {
  const c = { ...DEFAULT_SYNTHETIC_BERT };
  for (const [key, value] of Object.entries(config)) {
    if (!(key in c)) throw invalid(`unknown synthetic BERT option ${key}; use one of ${Object.keys(c).join(', ')}`);
    if (value !== undefined) Object.assign(c, { [key]: value });
  }
  const sizes = ['layers', 'hiddenSize', 'heads', 'intermediateSize', 'vocabSize', 'maxPositions', 'typeVocabSize', 'numLabels'] as const;
  for (const key of sizes) {
    const value = c[key];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw invalid(`synthetic BERT ${key} must be a positive integer, got ${String(value)}; pass e.g. ${DEFAULT_SYNTHETIC_BERT[key]}`);
    }
  }
  if (c.hiddenSize % c.heads !== 0) {
    const suggestion = divisorNear(c.hiddenSize, c.heads);
    throw invalid(`synthetic BERT hiddenSize ${c.hiddenSize} is not divisible by heads ${c.heads}; use heads that divide it, e.g. ${suggestion}`);
  }
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) {
    throw invalid(`synthetic BERT seed must be an integer from 0 to 4294967295, got ${String(c.seed)}`);
  }
  if (typeof c.withTokenTypeIds !== 'boolean') {
    throw invalid(`synthetic BERT withTokenTypeIds must be true or false, got ${String(c.withTokenTypeIds)}`);
  }
  return c;
}

function invalid(message: string): InferbenchError {
  return new InferbenchError('INVALID_OPTION', message);
}

/** The divisor of `n` closest to `near`, to suggest a valid head count. */
function divisorNear(n: number, near: number): number {
  let best = 1;
  for (let d = 1; d <= n; d++) if (n % d === 0 && Math.abs(d - near) < Math.abs(best - near)) best = d;
  return best;
}

import { normalSteps, seededRandom } from '../core/random.js';
import { InferbenchError } from '../core/errors.js';
import { finishSteps, type Steps } from '../core/steps.js';
import { bertGraphSteps, type BertWeights } from './bert-graph.js';

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

/**
 * Builds a synthetic BERT sequence classifier as ONNX model bytes (IR 8, opset 17): the real
 * BERT architecture (the graph of `bert-graph.ts`) with random weights, so benchmarks need no download. Inputs are int64
 * `input_ids`, `attention_mask` and, unless disabled, `token_type_ids`, all `['batch_size', 'sequence_length']`;
 * the output is float32 `logits` `['batch_size', numLabels]`. Sequence length may be 1..maxPositions.
 *
 * @throws InferbenchError `INVALID_OPTION` when a config value is not usable.
 */
export function buildSyntheticBert(config: Partial<SyntheticBertConfig> = {}): Uint8Array {
  return finishSteps(syntheticBertSteps(config));
}

/** {@link buildSyntheticBert} in steps (see {@link Steps}), so that generating bert-base's 110 M weights can be stopped. */
export function syntheticBertSteps(config: Partial<SyntheticBertConfig> = {}): Steps<Uint8Array> {
  const c = resolveConfig(config);
  const random = seededRandom(c.seed);
  // Weights normal(0, 0.02) in the order the graph asks for them, biases 0, LayerNorm scales 1: BERT's initialisation.
  const weights: BertWeights = {
    *matrix(_, rows, columns) {
      return yield* normalSteps(random, rows * columns, WEIGHT_STD);
    },
    vector: (_, size, neutral) => new Float32Array(size).fill(neutral),
  };
  return bertGraphSteps('synthetic_bert', { ...c, layerNormEpsilon: LAYER_NORM_EPSILON }, weights);
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

// The default run on a Hub-format BERT built from its weights, served from a loopback hub, next to the synthetic BERT
// of the same shape: the same graph, so the same cost within noise, whatever the weights. Run by scripts/bench.js
// from source through tsx, since the loopback hub is the tests' (test/helpers/fake-hub.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchmark } from '../src/index.js';
import { seededRandom } from '../src/core/random.js';
import { DEFAULT_SYNTHETIC_BERT } from '../src/models/synthetic-bert.js';
import { bertTensorNames } from '../src/models/weights/bert-checkpoint.js';
import { bertUncasedTokenizerJson } from '../src/inputs/bert-uncased-tokenizer.js';
import { serveFakeHub } from '../test/helpers/fake-hub.js';
import { float32Safetensors } from '../test/helpers/safetensors-file.js';

const ROUNDS = 3;
const DURATION_MS = 4000;
// The built-in model's shape, saved as BertForSequenceClassification saves it.
const SHAPE = { ...DEFAULT_SYNTHETIC_BERT, family: 'bert', layerNormEpsilon: 1e-12 } as const;

/** The checkpoint's tensors, drawn as BERT initialises them: normal(0, 0.02), biases 0, LayerNorm scales 1. */
function checkpoint(): Buffer {
  const random = seededRandom(3);
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const [graphName, tensor, dims] of bertTensorNames(SHAPE, true)) {
    const count = dims.reduce((a, b) => a * b, 1);
    const fill = graphName.endsWith('.gamma') ? 1 : graphName.endsWith('.beta') || graphName.endsWith('.bias') ? 0 : undefined;
    tensors.set(tensor, { shape: dims, values: fill === undefined ? random.normals(count, 0.02) : new Float32Array(count).fill(fill) });
  }
  return float32Safetensors(tensors);
}

const config = {
  architectures: ['BertForSequenceClassification'],
  model_type: 'bert',
  hidden_size: SHAPE.hiddenSize,
  num_hidden_layers: SHAPE.layers,
  num_attention_heads: SHAPE.heads,
  intermediate_size: SHAPE.intermediateSize,
  vocab_size: SHAPE.vocabSize,
  max_position_embeddings: SHAPE.maxPositions,
  type_vocab_size: SHAPE.typeVocabSize,
  num_labels: SHAPE.numLabels,
};
const hub = await serveFakeHub({
  repos: [
    {
      id: 'bench/bert-weights',
      commit: 'b'.repeat(40),
      files: [
        { path: 'config.json', content: JSON.stringify(config) },
        { path: 'model.safetensors', content: checkpoint(), lfs: true },
        { path: 'tokenizer.json', content: JSON.stringify(bertUncasedTokenizerJson()) },
        { path: 'tokenizer_config.json', content: JSON.stringify({ pad_token: '[PAD]' }) },
      ],
    },
  ],
});
const cacheDir = mkdtempSync(join(tmpdir(), 'inferbench-bench-weights-'));
try {
  const env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(cacheDir, 'hub') };
  const common = { cacheDir, batchSize: 4, sequenceLength: 128, copies: 1, minQueryCount: 1, minDurationMs: DURATION_MS, maxDurationMs: DURATION_MS, env };
  const rates: Record<string, number[]> = { synthetic: [], weights: [] };
  let name = '';
  for (let round = 0; round < ROUNDS; round++) {
    for (const [kind, model] of [['synthetic', 'synthetic:bert'], ['weights', 'bench/bert-weights']] as const) {
      const result = await runBenchmark({ ...common, model });
      if (kind === 'weights') name = result.model.name;
      rates[kind]!.push(result.measurement.throughput.samplesPerSecond);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const show = (xs: number[]): string => xs.map((x) => x.toFixed(1)).join(', ');
  console.log(`Hub-format BERT built from weights (${name}), batch 4 × sequence 128, 1 copy, ${ROUNDS} alternating rounds of ${DURATION_MS / 1000} s:`);
  console.log(`  synthetic:bert      ${median(rates.synthetic!).toFixed(1)} samples/s median (rounds ${show(rates.synthetic!)})`);
  console.log(`  bench/bert-weights  ${median(rates.weights!).toFixed(1)} samples/s median (rounds ${show(rates.weights!)})`);
  console.log(`  weights/synthetic throughput ratio: ${(median(rates.weights!) / median(rates.synthetic!)).toFixed(3)}`);
} finally {
  await hub.close();
  rmSync(cacheDir, { recursive: true, force: true });
}

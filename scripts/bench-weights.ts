// The default run on a Hub-format BERT built from its weights, served from a loopback hub, next to the synthetic BERT
// of the same shape: the same graph, so the same cost within noise, whatever the weights. Run by scripts/bench.js
// from source through tsx, since the loopback hub is the tests' (test/helpers/fake-hub.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchmark } from '../src/index.js';
import { seededRandom } from '../src/core/random.js';
import { bertUncasedTokenizerJson } from '../src/inputs/bert-uncased-tokenizer.js';
import { serveFakeHub } from '../test/helpers/fake-hub.js';
import { float32Safetensors } from '../test/helpers/safetensors-file.js';

const ROUNDS = 3;
const DURATION_MS = 4000;
// The built-in model's shape (DEFAULT_SYNTHETIC_BERT).
const L = 3;
const H = 256;
const I = 1024;
const VOCAB = 30522;
const POSITIONS = 512;

/** BertForSequenceClassification's tensors for that shape, drawn normal(0, 0.02) as BERT initialises them. */
function checkpoint(): Buffer {
  const random = seededRandom(3);
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  const add = (name: string, shape: number[], fill?: number): void => {
    const count = shape.reduce((a, b) => a * b, 1);
    tensors.set(name, { shape, values: fill === undefined ? random.normals(count, 0.02) : new Float32Array(count).fill(fill) });
  };
  const dense = (name: string, out: number, inp: number): void => {
    add(`${name}.weight`, [out, inp]);
    add(`${name}.bias`, [out], 0);
  };
  const norm = (name: string): void => {
    add(`${name}.weight`, [H], 1);
    add(`${name}.bias`, [H], 0);
  };
  add('bert.embeddings.word_embeddings.weight', [VOCAB, H]);
  add('bert.embeddings.position_embeddings.weight', [POSITIONS, H]);
  add('bert.embeddings.token_type_embeddings.weight', [2, H]);
  norm('bert.embeddings.LayerNorm');
  for (let l = 0; l < L; l++) {
    const p = `bert.encoder.layer.${l}.`;
    for (const part of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) dense(p + part, H, H);
    norm(`${p}attention.output.LayerNorm`);
    dense(`${p}intermediate.dense`, I, H);
    dense(`${p}output.dense`, H, I);
    norm(`${p}output.LayerNorm`);
  }
  dense('bert.pooler.dense', H, H);
  dense('classifier', 2, H);
  return float32Safetensors(tensors);
}

const config = { architectures: ['BertForSequenceClassification'], model_type: 'bert', hidden_size: H, num_hidden_layers: L, num_attention_heads: 4, intermediate_size: I, vocab_size: VOCAB, max_position_embeddings: POSITIONS, type_vocab_size: 2 };
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

// The default run on a Hub-format BERT built from its weights, served from a loopback hub, next to the synthetic BERT
// of the same shape: the same graph, so the same cost within noise, whatever the weights. Run by scripts/bench.js
// from source through tsx, since the loopback hub is the tests' (test/helpers/fake-hub.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchmark } from '../src/index.js';
import { serveFakeHub } from '../test/helpers/fake-hub.js';
import { bertRepo } from './workshop-hub-repos.js';

const ROUNDS = 3;
const DURATION_MS = 4000;
const hub = await serveFakeHub({ repos: [bertRepo('bench/bert-weights', 'b'.repeat(40))] });
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

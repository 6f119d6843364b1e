import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SyntheticBertSource } from '../src/models/synthetic-bert-source.js';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { type BenchmarkPhase } from '../src/options/benchmark-options.js';
import { tempDir } from './helpers/fixtures.js';

describe('runBenchmark on the built-in model', () => {
  it('generates the synthetic BERT once, labels it synthetic, and runs every phase in order', async () => {
    const cacheDir = tempDir();
    const phases: BenchmarkPhase[] = [];
    const run = runBenchmark({ cacheDir, batchSize: 1, sequenceLength: 16, queryCount: 20 });
    run.on('phase', (p) => phases.push(p));
    const result = await run;
    expect(phases).toEqual(['model', 'inputs', 'compile', 'load', 'warmup', 'measure']);
    expect(result.settings.model).toBe('synthetic:bert');
    expect(result.model.synthetic).toBe(true);
    expect(result.model.name).toBe('synthetic-bert (3 layers, hidden 256, 4 heads, random weights)');
    expect(result.model.inputs.map((i) => i.name)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(result.inputs.description).toContain('bert-base-uncased tokenizer');
    expect(result.compile.dimensions).toEqual({ batch_size: 1, sequence_length: 16 });
    expect(result.measurement.completedRequests).toBe(20);
    expect(result.settings.warmupQueries).toBe(10);
    expect(result.measurement.warmupQueries).toBe(10);

    const modifiedMs = statSync(result.model.path).mtimeMs;
    const again = await new SyntheticBertSource().resolve({ cacheDir });
    expect(again.path).toBe(result.model.path);
    expect(again.sha256).toBe(result.model.sha256);
    expect(statSync(again.path).mtimeMs).toBe(modifiedMs);
  });
});

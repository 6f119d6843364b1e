import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { ResolvedModel } from '../src/models/model-source.js';
import { resolveBenchmarkSettings, type BenchmarkSettingsInput } from '../src/options/benchmark-options.js';
import { requireComputeFitsMemory } from '../src/pipeline/compute-memory.js';

/** A text model whose batch of `batchSize` takes `fractionOfMemory` of this machine's memory, by its estimate. */
const estimated = (fractionOfMemory: number, batchSize: number): ResolvedModel => ({
  name: 'estimated.onnx',
  path: '/estimated.onnx',
  format: 'onnx',
  sha256: '',
  sizeBytes: 0,
  inputs: [],
  outputs: [],
  synthetic: true,
  task: 'text',
  computeBytes: (batch) => (batch.batchSize / batchSize) * fractionOfMemory * totalmem(),
});

const settings = (options: BenchmarkSettingsInput) => resolveBenchmarkSettings({ batchSize: 8, ...options });

describe('the memory computing a batch takes', () => {
  it('counts it in every copy on the CPU, once on a GPU, and names the largest batch that fits', () => {
    const model = estimated(0.3, 8);
    expect(() => requireComputeFitsMemory(model, settings({ copies: 1 }))).not.toThrow();
    expect(() => requireComputeFitsMemory(model, settings({ copies: 2, device: 'cuda' }))).not.toThrow();
    expect(() => requireComputeFitsMemory(model, settings({ copies: 2 }))).toThrow(
      /^computing batches of 8 on estimated\.onnx would take about .+ \(.+ a sample, in each of the 2 copies\), over half of this machine's .+; set batchSize \(--batch-size\) to 6 or less, or lower copies \(--copies\)$/,
    );
  });

  it('counts the inputs too, once they are made, here and in every copy', () => {
    const model = estimated(0.5, 8);
    const inputs = { feeds: [{ input_ids: { type: 'int64' as const, dims: [8, 1], data: new BigInt64Array(8) } }], batchSize: 8, description: 'eight ids' };
    expect(() => requireComputeFitsMemory(model, settings({}))).not.toThrow();
    expect(() => requireComputeFitsMemory(model, settings({}), inputs)).toThrow(/ \(.+ a sample\), beside 128 B of inputs, over half of this machine's .+; set batchSize \(--batch-size\) to 7 or less$/);
  });

  it('passes a model without an estimate', () => {
    const { computeBytes: _none, ...model } = estimated(100, 1);
    expect(() => requireComputeFitsMemory(model, settings({ batchSize: 1_000_000 }))).not.toThrow();
  });
});

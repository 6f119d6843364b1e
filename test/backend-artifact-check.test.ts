import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompiledArtifact } from '../src/compilers/compiler.js';
import type { InputSet } from '../src/inputs/input-set.js';
import { buildRandomInputSet } from '../src/inputs/random-input-set.js';
import { OnnxFileSource } from '../src/models/onnx-file-source.js';
import type { ResolvedModel } from '../src/models/model-source.js';
import { NullBackend } from '../src/runtimes/null/null-backend.js';
import { OrtBackend } from '../src/runtimes/onnxruntime/ort-backend.js';
import { OrtCompiler } from '../src/runtimes/onnxruntime/ort-compiler.js';
import { PythonBackend } from '../src/runtimes/torch/python-backend.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

const dir = tempDir();
const model = await new OnnxFileSource(writeSmallBert(dir)).resolve({ cacheDir: dir });
const inputsFor = (batchSize: number): InputSet =>
  buildRandomInputSet({ specs: model.inputs, batchSize, dimensions: { sequence_length: 8 }, inputCount: 2, seed: 1 });

/** An artifact as a user's own compiler might make it; its file does not exist, so a copy that started would fail otherwise. */
function handMadeArtifact(batchSize: number, from: ResolvedModel = model): CompiledArtifact {
  return {
    path: join(dir, 'never-written.onnx'),
    model: from,
    compiler: 'by hand',
    cacheKey: 'none',
    cacheHit: false,
    compileNs: 0,
    dimensions: { batch_size: batchSize, sequence_length: 8 },
    maxAbsDifference: 0,
    batchSize,
  };
}

const BATCH_MISMATCH = 'the artifact was compiled for batch 4 but the inputs have batch 2; compile with batchSize 2 or build inputs with batchSize 4';

describe('a compiler', () => {
  it('refuses a batch size its input feed disagrees with, saying what to change', async () => {
    await expect(new OrtCompiler().compile({ model, input: inputsFor(4).feeds[0]!, batchSize: 2, cacheDir: dir })).rejects.toMatchObject({
      code: 'INPUT_MISMATCH',
      message: "batchSize is 2 but the input feed's 'input_ids' is [4, 8]; compile with batchSize 4 or build the feed with batchSize 2",
    });
  });

  it('records the batch size it compiled for', async () => {
    const artifact = await new OrtCompiler().compile({ model, input: inputsFor(2).feeds[0]!, batchSize: 2, cacheDir: dir });
    expect(artifact).toMatchObject({ batchSize: 2, format: 'onnx', dimensions: { batch_size: 2, sequence_length: 8 } });
  });
});

describe('every backend, before starting a copy', () => {
  const backends = [
    ['OrtBackend', () => new OrtBackend()],
    ['NullBackend', () => new NullBackend()],
    ['NullBackend in worker threads', () => new NullBackend({ inWorkerThreads: true })],
    // An interpreter that does not exist: the check must come before Python is looked for.
    ['PythonBackend', () => new PythonBackend({ format: 'null', pythonPath: join(dir, 'no-such-python') })],
  ] as const;

  it.each(backends)('%s refuses an artifact compiled for batch 4 with inputs of batch 2', async (_, backend) => {
    await expect(backend().load({ artifact: handMadeArtifact(4), inputs: inputsFor(2), copies: 2 })).rejects.toMatchObject({
      code: 'INPUT_MISMATCH',
      message: BATCH_MISMATCH,
    });
  });

  it.each(backends)('%s refuses feeds whose batch dimension disagrees with the artifact', async (_, backend) => {
    const inputs: InputSet = { ...inputsFor(4), feeds: [inputsFor(4).feeds[0]!, inputsFor(2).feeds[0]!] };
    await expect(backend().load({ artifact: handMadeArtifact(4), inputs, copies: 1 })).rejects.toMatchObject({
      code: 'INPUT_MISMATCH',
      message: "the artifact was compiled for batch 4 but input 1's 'input_ids' [2, 8] has batch 2; compile with batchSize 2 or build inputs with batchSize 4",
    });
  });

  it.each(backends)('%s refuses inputs named otherwise than the artifact\'s model', async (_, backend) => {
    const renamed = { ...model, inputs: model.inputs.map((spec, i) => (i === 0 ? { ...spec, name: 'ids' } : spec)) };
    await expect(backend().load({ artifact: handMadeArtifact(2, renamed), inputs: inputsFor(2), copies: 1 })).rejects.toMatchObject({
      code: 'INPUT_MISMATCH',
      message: 'the artifact takes inputs ids, attention_mask, token_type_ids but input 0 has input_ids, attention_mask, token_type_ids; build inputs for the model the artifact was compiled from',
    });
  });

  it('lets a matching artifact through', async () => {
    const loaded = await new NullBackend().load({ artifact: handMadeArtifact(2), inputs: inputsFor(2), copies: 2 });
    expect(loaded.copies).toHaveLength(2);
    await loaded.close();
  });
});

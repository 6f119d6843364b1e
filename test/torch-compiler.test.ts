import { describe, expect, it } from 'vitest';
import { ClosedLoopLoadGenerator } from '../src/load/closed-loop.js';
import { OnnxFileSource } from '../src/models/onnx-file-source.js';
import { OrtBackend } from '../src/runtimes/onnxruntime/ort-backend.js';
import { buildRandomInputSet } from '../src/inputs/random-input-set.js';
import { type InputSet } from '../src/inputs/input-set.js';
import { findPython } from '../src/runtimes/torch/find-python.js';
import { PythonBackend } from '../src/runtimes/torch/python-backend.js';
import type { PythonModelCopy } from '../src/runtimes/torch/python-model-copy.js';
import { TorchCompiler } from '../src/runtimes/torch/torch-compiler.js';
import { TorchModelSource } from '../src/models/torch-model-source.js';
import { resolveBenchmarkSettings } from '../src/options/benchmark-options.js';
import { chooseCompiler } from '../src/pipeline/choose-runtime.js';
import { tempDir } from './helpers/fixtures.js';

const torchPython = await findPython({ requireTorch: true }).catch(() => undefined);
if (!torchPython && !process.env.CI) console.warn('skipping the TorchCompiler tests: no python3 imports torch (apt-get install python3-torch, or set INFERBENCH_PYTHON)');

const IMAGE_SIZE = 64;
/**
 * A small torchvision classifier (1.2 M parameters, a 5 MB artifact): every compile builds, runs and saves it, and the
 * ONNX export, its check and OrtBackend each load it, where resnet18's 45 MB cost seconds of CPU in each step.
 */
const SOURCE = 'torchvision:squeezenet1_1';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!torchPython && !process.env.CI)(`TorchCompiler, ${SOURCE}`, async () => {
  const cacheDir = tempDir();
  const model = await new TorchModelSource(SOURCE, { imageSize: IMAGE_SIZE }).resolve({ cacheDir });
  const inputsFor = (batchSize: number): InputSet => buildRandomInputSet({ specs: model.inputs, batchSize, dimensions: {}, inputCount: 2, seed: 5 });
  const compiler = new TorchCompiler({ device: 'cpu', imageSize: IMAGE_SIZE });

  it('declares the image input it will be traced with', () => {
    expect(model).toMatchObject({ format: 'torch', path: SOURCE, task: 'image', synthetic: true });
    expect(model.inputs).toEqual([{ name: 'input', elementType: 'float32', dims: ['batch_size', 3, IMAGE_SIZE, IMAGE_SIZE] }]);
  });

  it('traces one artifact per batch size, hits the cache on a repeat, and serves batch 2 from a Python process', async () => {
    const one = await compiler.compile({ model, input: inputsFor(1).feeds[0]!, batchSize: 1, cacheDir });
    const two = await compiler.compile({ model, input: inputsFor(2).feeds[0]!, batchSize: 2, cacheDir });
    expect([one.cacheHit, two.cacheHit]).toEqual([false, false]);
    expect(two.cacheKey).not.toBe(one.cacheKey);
    expect(two).toMatchObject({ format: 'torchscript', device: 'cpu', batchSize: 2, compiler: 'torch', dimensions: { batch_size: 2 } });
    expect(two.path).toMatch(/compiled[/\\][0-9a-f]{64}[/\\]model\.pt$/);
    expect(two.maxAbsDifference).toBeLessThan(1e-4);
    expect(two.compileNs).toBeGreaterThan(0);
    expect(two.firstOutputValues).toHaveLength(5);
    expect(two.exampleInputs.input!.dims).toEqual([2, 3, IMAGE_SIZE, IMAGE_SIZE]);
    expect(two.exampleInputs.input!.data).toHaveLength(2 * 3 * IMAGE_SIZE * IMAGE_SIZE);

    const again = await compiler.compile({ model, input: inputsFor(2).feeds[0]!, batchSize: 2, cacheDir });
    expect(again).toMatchObject({ cacheHit: true, cacheKey: two.cacheKey, path: two.path, compileNs: two.compileNs, maxAbsDifference: two.maxAbsDifference });
    expect(Array.from(again.exampleInputs.input!.data as Float32Array)).toEqual(Array.from(two.exampleInputs.input!.data as Float32Array));

    // Two copies of a traced torchvision model are served in the CLI's tests; one suffices for the artifact.
    const loaded = await new PythonBackend({ device: 'cpu', intraOpThreadsPerCopy: 1 }).load({ artifact: two, inputs: inputsFor(2), copies: 1 });
    const pids = loaded.copies.map((copy) => (copy as PythonModelCopy).pid!);
    try {
      const result = await new ClosedLoopLoadGenerator({ clients: 1, queryCount: 10, warmupQueries: 0 }).run({ copies: loaded.copies, inputCount: 2 });
      expect(result.completedRequests).toBe(10);
      expect(result.requestsPerCopy).toEqual([10]);
      expect(result.latency.valueAtPercentileNs(50)).toBeGreaterThan(0);
    } finally {
      await loaded.close();
    }
    expect(pids.map(isAlive)).toEqual([false]);
  });

  it('exports fixed-shape ONNX that OrtBackend serves', async () => {
    const artifact = await new TorchCompiler({ format: 'onnx', imageSize: IMAGE_SIZE }).compile({ model, input: inputsFor(2).feeds[0]!, batchSize: 2, cacheDir });
    expect(artifact).toMatchObject({ format: 'onnx', batchSize: 2, cacheHit: false });
    expect(artifact.device).toBeUndefined();
    expect(artifact.path).toMatch(/model\.onnx$/);
    expect(artifact.maxAbsDifference).toBeLessThan(1e-3);
    const onnx = await new OnnxFileSource(artifact.path).resolve({ cacheDir });
    expect(onnx.inputs).toEqual([{ name: 'input', elementType: 'float32', dims: [2, 3, IMAGE_SIZE, IMAGE_SIZE] }]);
    expect(onnx.outputs[0]).toMatchObject({ name: 'output', dims: [2, 1000] });

    const loaded = await new OrtBackend({ intraOpThreadsPerCopy: 1 }).load({ artifact, inputs: inputsFor(2), copies: 1 });
    try {
      const result = await new ClosedLoopLoadGenerator({ clients: 1, queryCount: 4, warmupQueries: 0 }).run({ copies: loaded.copies, inputCount: 2 });
      expect(result.completedRequests).toBe(4);
      expect(result.latency.valueAtPercentileNs(50)).toBeGreaterThan(0);
    } finally {
      await loaded.close();
    }
    await expect(new PythonBackend().load({ artifact, inputs: inputsFor(2), copies: 1 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `artifact ${artifact.path} is onnx, but pytorch-cpu loads torchscript; compile it with format torchscript`,
    });
  });

  it('refuses an artifact for another batch size or device in one line', async () => {
    const two = await compiler.compile({ model, input: inputsFor(2).feeds[0]!, batchSize: 2, cacheDir });
    expect(two.cacheHit).toBe(true);
    await expect(new PythonBackend().load({ artifact: two, inputs: inputsFor(1), copies: 1 })).rejects.toMatchObject({
      code: 'INPUT_MISMATCH',
      message: 'the artifact was compiled for batch 2 but the inputs have batch 1; compile with batchSize 1 or build inputs with batchSize 2',
    });
    await expect(new PythonBackend({ device: 'cuda' }).load({ artifact: two, inputs: inputsFor(2), copies: 1 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `artifact ${two.path} was compiled for device cpu, but pytorch-cuda runs on cuda; compile it with device cuda`,
    });
  });

  it('names an unknown torchvision model and close names', async () => {
    const unknown = await new TorchModelSource('torchvision:resnet9000', { imageSize: IMAGE_SIZE }).resolve({ cacheDir });
    const error = await compiler.compile({ model: unknown, input: inputsFor(1).feeds[0]!, batchSize: 1, cacheDir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^cannot compile torchvision:resnet9000: torchvision has no model 'resnet9000' .*; close names: .*resnet18/) });
    expect((error as Error).message).not.toContain('\n');
  });

  it('rejects an ONNX model, a feed of another batch size, and one of another image size', async () => {
    const onnxModel = { ...model, format: 'onnx' as const, path: '/models/x.onnx' };
    await expect(compiler.compile({ model: onnxModel, input: inputsFor(1).feeds[0]!, batchSize: 1, cacheDir })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(compiler.compile({ model, input: inputsFor(2).feeds[0]!, batchSize: 1, cacheDir })).rejects.toMatchObject({
      code: 'INPUT_MISMATCH',
      message: `batchSize is 1 but the input feed's 'input' is [2, 3, ${IMAGE_SIZE}, ${IMAGE_SIZE}]; compile with batchSize 2 or build the feed with batchSize 1`,
    });
    const big = await new TorchCompiler({ imageSize: 32 }).compile({ model, input: inputsFor(1).feeds[0]!, batchSize: 1, cacheDir }).catch((e: unknown) => e);
    expect(big).toMatchObject({
      code: 'INPUT_MISMATCH',
      message: `${SOURCE} takes input 'input' of shape [1, 3, 32, 32], but the input feed has [1, 3, 64, 64]; give the compiler and the model source the same imageSize`,
    });
  });

  it.each([
    ['torch-neuronx', 'device neuron (torch-neuronx) needs the torch-neuronx package for'],
    ['torch-neuron', 'device neuron (torch-neuron) needs the torch-neuron package for'],
  ] as const)("names the missing %s package when tracing for Neuron, as the run's neuronRuntime setting chooses it", async (neuronRuntime, message) => {
    const settings = resolveBenchmarkSettings({ model: SOURCE, device: 'neuron', neuronRuntime, imageSize: IMAGE_SIZE });
    await expect(chooseCompiler(settings, true).compile({ model, input: inputsFor(1).feeds[0]!, batchSize: 1, cacheDir })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining(`cannot compile ${SOURCE}: ${message}`),
    });
  });
});

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../src/results/benchmark-result.js';
import { inferbench, runInProcess } from './helpers/cli.js';
import { findPython } from '../src/runtimes/torch/find-python.js';
import { tempDir } from './helpers/fixtures.js';

// The probe is shared by every torch test file in this process.
const hasTorch = (await findPython({ requireTorch: true }).catch(() => undefined)) !== undefined;

/**
 * A small torchvision classifier (1.2 M parameters, a 5 MB artifact): every compile builds, runs and saves it, and each
 * copy and the ONNX export's check load it, where resnet18's 45 MB cost seconds of CPU in each step.
 */
const SOURCE = 'torchvision:squeezenet1_1';

describe('inferbench run --model torchvision:NAME', () => {
  const dir = tempDir();
  const common = ['--image-size', '64', '-b', '2', '-n', '20', '--cache-dir', join(dir, 'cache')];
  const result = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as BenchmarkResult;

  describe.skipIf(!hasTorch && !process.env.CI)('with PyTorch installed', () => {
    it('compiles one artifact per batch size and reports the original output', async () => {
      const run = await runInProcess(['compile', '-m', SOURCE, '--image-size', '64', '--batch-sizes', '1,2', '--json', '--cache-dir', join(dir, 'cache')]);
      expect(run.exitCode).toBe(0);
      const compiled = JSON.parse(run.stdout) as { batchSize: number; cacheHit: boolean; originalOutputHead: number[]; maxAbsDifference: number }[];
      expect(compiled.map((c) => [c.batchSize, c.cacheHit])).toEqual([[1, false], [2, false]]);
      for (const c of compiled) {
        expect(c.originalOutputHead.length).toBeGreaterThan(0);
        expect(c.originalOutputHead.every(Number.isFinite)).toBe(true);
        expect(c.maxAbsDifference).toBeLessThan(1e-4);
      }
    });

    it('runs the traced TorchScript from the compile cache in two Python workers', async () => {
      const output = join(dir, 'torchscript.json');
      const run = await runInProcess(['run', '-m', SOURCE, '--copies', '2', '-o', output, ...common]);
      expect(run.exitCode).toBe(0);
      const { backend, compile, measurement, model } = result(output);
      // torchvision models are built without downloading weights: random, so marked synthetic.
      expect(model).toMatchObject({ task: 'image', synthetic: true });
      expect(backend).toMatchObject({ name: 'pytorch-cpu', copies: 2 });
      // The compile command above traced batch 2 at this image size into the same cache.
      expect(compile).toMatchObject({ compiler: 'torch', cacheHit: true });
      expect(compile.maxAbsDifference).toBeLessThan(1e-4);
      expect(measurement.requestsPerCopy).toEqual([10, 10]);
      expect(measurement.compute.percentilesNs['50']).toBeGreaterThan(0);
      expect(run.stdout).toMatch(/^config   batch 2 · 2 copies · pytorch-cpu/m);
    });

    it('exports the model to ONNX and runs it on ONNX Runtime', async () => {
      const output = join(dir, 'onnx.json');
      const run = await runInProcess(['run', '-m', SOURCE, '--format', 'onnx', '-o', output, ...common]);
      expect(run.exitCode).toBe(0);
      const { backend, compile, measurement } = result(output);
      expect(backend.name).toBe('onnxruntime-cpu');
      expect(compile).toMatchObject({ compiler: 'torch', cacheHit: false });
      expect(compile.artifactPath).toMatch(/\.onnx$/);
      expect(measurement.completedRequests).toBe(20);
    });

    it("compiles the user's own module:function and feeds it the inputs the function returns", async () => {
      const project = join(dir, 'project');
      mkdirSync(project);
      writeFileSync(
        join(project, 'tinymodel.py'),
        ['import torch', '', 'def build(batch_size):', '    model = torch.nn.Sequential(torch.nn.Linear(8, 4), torch.nn.ReLU())', '    return model, torch.rand(batch_size, 8)', ''].join('\n'),
      );
      const output = join(dir, 'function.json');
      // Spawned from the project folder: the compile script imports the user's module from the directory inferbench
      // runs in. One copy: the torchvision run above serves two.
      const run = await inferbench(['run', '-m', 'tinymodel:build', '-b', '3', '-n', '10', '--copies', '1', '--cache-dir', join(dir, 'cache'), '-o', output], {}, project);
      expect(run.stderr).not.toMatch(/inferbench:/);
      expect(run.exitCode).toBe(0);
      const { compile, inputs, measurement } = result(output);
      expect(compile.dimensions).toEqual({ batch_size: 3 });
      expect(inputs).toMatchObject({ batchSize: 3, inputCount: 1, description: 'the example inputs tinymodel:build returns' });
      expect(measurement.requestsPerCopy).toEqual([10]);
    });

    it('names a torchvision model that does not exist', async () => {
      const run = await runInProcess(['run', '-m', 'torchvision:resnet9000', ...common]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^inferbench: cannot compile torchvision:resnet9000: torchvision has no model 'resnet9000' .*close names: resnet/);
    });
  });

  it.each([
    [['-m', 'torchvision:resnet18', '--device', 'neuron'], /^inferbench: --device neuron needs an AWS Neuron device, but neuron-ls, .* show none/],
    [['--device', 'neuron'], /^inferbench: --device neuron runs PyTorch models traced for Neuron; pass a torchvision:NAME/],
    [['-m', 'torchvision:resnet18', '--device', 'tensorrt'], /^inferbench: --device tensorrt is an ONNX Runtime provider; add --artifact-format onnx/],
    [['-m', 'torchvision:resnet18', '--device', 'cuda'], /^inferbench: --device cuda needs an NVIDIA GPU, but nvidia-smi lists none/],
  ])('refuses %j on this machine with one line', async (args, message) => {
    const run = await runInProcess(['run', ...args, '--cache-dir', join(dir, 'cache')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toMatch(message);
  });

});

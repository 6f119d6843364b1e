import { execa, execaSync } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_NODE_ARGS } from './helpers/cli.js';
import { TorchCompiler } from '../src/runtimes/torch/torch-compiler.js';
import { TorchModelSource } from '../src/models/torch-model-source.js';
import { tempDir } from './helpers/fixtures.js';

const hasTorch = execaSync('/usr/bin/python3', ['-c', 'import torch, torchvision'], { reject: false }).exitCode === 0;

/** Python worker processes alive now, by pid. */
function workerPids(): number[] {
  const ps = execaSync('ps', ['-eo', 'pid=,args='], { reject: false }).stdout;
  return ps.split('\n').filter((line) => line.includes('inferbench_worker.py')).map((line) => Number.parseInt(line.trim(), 10));
}

describe.skipIf(!hasTorch && !process.env.CI)('PyTorch models, with PyTorch installed', () => {
  const dir = tempDir();

  it.each([
    ['torch-neuronx', 'device neuron (torch-neuronx) needs the torch-neuronx package for'],
    ['torch-neuron', 'device neuron (torch-neuron) needs the torch-neuron package for'],
  ] as const)('names the missing %s package when tracing for Neuron', async (neuronRuntime, message) => {
    const model = await new TorchModelSource('torchvision:resnet18', { imageSize: 32 }).resolve({ cacheDir: dir });
    const sample = { input: { type: 'float32' as const, dims: [1, 3, 32, 32], data: new Float32Array(3 * 32 * 32) } };
    await expect(new TorchCompiler({ device: 'neuron', neuronRuntime }).compile({ model, input: sample, batchSize: 1, cacheDir: dir })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining(`cannot compile torchvision:resnet18: ${message}`),
    });
  });

  it('kills every Python worker when the run is interrupted', async () => {
    expect(workerPids()).toEqual([]);
    const child = execa('node', [...CLI_NODE_ARGS, 'run', '-m', 'torchvision:resnet18', '--image-size', '32', '-b', '1', '--copies', '2', '--duration', '60s', '--cache-dir', join(dir, 'cache')], {
      reject: false,
      // `results/` is made before measuring: in the test's folder, not the working tree.
      cwd: dir,
      timeout: 60_000,
    });
    let seen: number[] = [];
    child.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('measuring')) {
        seen = workerPids();
        child.kill('SIGINT');
      }
    });
    const run = await child;
    expect(run.exitCode).toBe(130);
    expect(seen).toHaveLength(2);
    expect(workerPids()).toEqual([]);
  });
});

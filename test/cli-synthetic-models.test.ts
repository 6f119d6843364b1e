import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../src/results/benchmark-result.js';
import { runInProcess } from './helpers/cli.js';
import { tempDir } from './helpers/fixtures.js';

describe('inferbench run --model synthetic:resnet50', () => {
  it("runs ResNet-50's architecture offline on the bundled images", async () => {
    const dir = tempDir();
    const output = join(dir, 'resnet.json');
    const run = await runInProcess(['run', '-m', 'synthetic:resnet50', '--image-size', '64', '-b', '1', '-n', '3', '--warmup', '1', '--cache-dir', dir, '-o', output]);
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(readFileSync(output, 'utf8')) as BenchmarkResult;
    expect(result.model).toMatchObject({ synthetic: true, task: 'image', name: 'synthetic-resnet (blocks 3-4-6-3, width 64, 1000 classes, random weights)' });
    expect(result.model.inputs).toEqual([{ name: 'input', elementType: 'float32', dims: ['batch_size', 3, 'height', 'width'] }]);
    expect(result.model.outputs).toEqual([{ name: 'logits', elementType: 'float32', dims: ['batch_size', 1000] }]);
    expect(result.compile.dimensions).toEqual({ batch_size: 1, height: 64, width: 64 });
    expect(result.measurement.completedRequests).toBe(3);
  });
});

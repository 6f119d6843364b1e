import { execa } from 'execa';
import { exampleNodeArgs } from './helpers/dist-build.js';
import { describe, expect, it } from 'vitest';

describe('examples', () => {
  it('custom-pipeline.ts composes the five modules and checks its own result', async () => {
    const run = await execa('node', exampleNodeArgs('examples/custom-pipeline.ts'), { reject: false, timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^latency\s+p50 [\d.]+ ms · p90 [\d.]+ ms · p95 [\d.]+ ms$/m);
    expect(run.stdout).toContain('per copy   [100,100]');
  });

  it('bert-text.ts benchmarks an export directory on sentence pairs', async () => {
    const run = await execa('node', [...exampleNodeArgs('examples/bert-text.ts'), '30'], { reject: false, timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('model    tiny-bert (random weights)');
    expect(run.stdout).toMatch(/^scenario closed · 2 clients · 30 queries in /m);
    expect(run.stdout).toMatch(/^config   batch 4 · sequence 128 · 2 copies · onnxruntime-cpu/m);
  });

  it('resnet-image.ts benchmarks a ResNet-shaped model on the bundled images at IMAGE_SIZE', async () => {
    const run = await execa('node', [...exampleNodeArgs('examples/resnet-image.ts'), '20'], { reject: false, timeout: 60_000, env: { IMAGE_SIZE: '64' } });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('model    synthetic-resnet (blocks 1-1-1-1, width 16, 1000 classes, random weights)');
    expect(run.stdout).toMatch(/^scenario closed · 2 clients · 20 queries in /m);
  });

  it('load-scenarios.ts runs SingleStream, then Server at half its rate, through the run events', async () => {
    const run = await execa('node', [...exampleNodeArgs('examples/load-scenarios.ts'), '2'], { reject: false, timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^SingleStream: \d+ queries, p90 [\d.]+ ms, bound [\d.]+ ms$/m);
    expect(run.stdout.match(/^ {2}window \d+: /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(run.stdout).toMatch(/^Server at [\d.]+ q\/s: achieved [\d.]+ q\/s, \d+ sent late, target (met|missed)$/m);
  });
});

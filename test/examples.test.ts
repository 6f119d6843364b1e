import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

describe('examples', () => {
  it('custom-pipeline.ts composes the five modules and checks its own result', async () => {
    const run = await execa('node', ['--import', 'tsx', 'examples/custom-pipeline.ts'], { reject: false, timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^latency\s+p50 [\d.]+ ms · p90 [\d.]+ ms · p95 [\d.]+ ms$/m);
    expect(run.stdout).toContain('per copy   [100,100]');
  });

  it('bert-text.ts benchmarks an export directory on sentence pairs', async () => {
    const run = await execa('node', ['--import', 'tsx', 'examples/bert-text.ts', '30'], { reject: false, timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('model    tiny-bert (random weights)');
    expect(run.stdout).toMatch(/^measured 30 requests in /m);
    expect(run.stdout).toMatch(/^config   batch 4 · sequence 128 · 2 copies · 2 clients/m);
  });

  it('resnet-image.ts benchmarks a ResNet-shaped model on the bundled images at IMAGE_SIZE', async () => {
    const run = await execa('node', ['--import', 'tsx', 'examples/resnet-image.ts', '20'], { reject: false, timeout: 60_000, env: { IMAGE_SIZE: '64' } });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('model    synthetic-resnet (blocks 1-1-1-1, width 16, 1000 classes, random weights)');
    expect(run.stdout).toMatch(/^measured 20 requests in /m);
  });
});

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
});

import { execa } from 'execa';
import { exampleNodeArgs } from './helpers/dist-build.js';
import { describe, expect, it } from 'vitest';

describe('examples/real-model-ocr.ts', () => {
  it('classifies upright and 180°-turned text lines with the pretrained PaddleOCR classifier, then benchmarks it', async () => {
    const run = await execa('node', exampleNodeArgs('examples/real-model-ocr.ts'), { reject: false, timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('inputs     4 image files, 48×192 pad, mean 0.5 std 0.5, BGR, distinct batches');

    const classifications = [...run.stdout.matchAll(/^(upright|rotated 180°)\s+("[^"]+")\s+→ (0°|180°)\s+\(p 0° ([\d.]+), p 180° ([\d.]+)\)$/gm)];
    expect(classifications.map((m) => [m[1], JSON.parse(m[2]!), m[3]])).toEqual([
      ['upright', 'inferbench 2026', '0°'],
      ['rotated 180°', 'inferbench 2026', '180°'],
      ['upright', 'The quick brown fox', '0°'],
      ['rotated 180°', 'The quick brown fox', '180°'],
    ]);
    for (const m of classifications) {
      const [up, turned] = [Number(m[4]), Number(m[5])];
      expect(up + turned).toBeCloseTo(1, 2);
      // Confident, not a coin toss: the right class gets at least 0.9.
      expect(m[1] === 'upright' ? up : turned).toBeGreaterThanOrEqual(0.9);
    }

    expect(run.stdout).toContain('compiled   {"p2o.DynamicDimension.0":2,"p2o.DynamicDimension.1":48,"p2o.DynamicDimension.2":192}');
    expect(run.stdout).toMatch(/^latency\s+p50 [\d.]+ ms · p90 [\d.]+ ms · p95 [\d.]+ ms$/m);
    expect(run.stdout).toMatch(/^throughput [\d.]+ requests\/s · [\d.]+ lines\/s$/m);
  });
});
